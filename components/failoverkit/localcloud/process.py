"""Detached process supervision for the local clouds: start, identify, stop; never a broad kill.

A process started here outlives whoever started it (a dynamic provider, a
drill): it gets its own session, ``/dev/null`` as stdin and its own log file,
because the engine ends the provider's process group and pipes when an
operation finishes (see DESIGN.md, "Pulumi engine").

Identity: a pid alone can be reused by an unrelated process after ours died.
A ``ProcessRecord`` also holds the kernel's start time (``/proc/<pid>/stat``
field 22) and the argv, and every check or signal compares all three.

Layout under the state folder (``state_dir()``), one folder per process name::

    <state>/<name>/launch.json   how to start it again identically (``load_launch``)
    <state>/<name>/process.pid   the running process' record (JSON)
    <state>/<name>/process.log   its stdout and stderr

Example::

    launch = new_launch(state_dir(), "shop-aws-us-east-1", argv, env, "127.0.10.1", 8080)
    record = start(launch)
    assert is_running(record)
    stop(record, pid_path=launch.pid_path)
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from failoverkit.errors import FailoverKitError

STATE_DIR_ENV = "FAILOVERKIT_STATE_DIR"
START_TIMEOUT_SECONDS = 10.0
STOP_TIMEOUT_SECONDS = 5.0
LOG_TAIL_LINES = 20

# Popen objects of the processes this interpreter started: kept so their exit is reaped
# (no zombies while we live) and so Popen.__del__ never warns about a running child.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


class ProcessError(FailoverKitError):
    """A local process could not be started or stopped; ``log_tail`` holds the end of its log."""

    def __init__(self, message: str, log_tail: str = "") -> None:
        self.log_tail = log_tail
        super().__init__(f"{message}\n--- log tail ---\n{log_tail}" if log_tail else message)


def state_dir(stack: str | None = None) -> Path:
    """Where local processes keep pid files, launches and logs (absolute).

    ``$FAILOVERKIT_STATE_DIR`` if set (the CLI sets ``<project>/.failoverkit/state/<stack>``),
    else ``<cwd>/.failoverkit/state/<stack>`` with the current Pulumi stack (or ``stack``).
    """
    env = os.environ.get(STATE_DIR_ENV)
    if env:
        return Path(env).absolute()
    if stack is None:
        import pulumi  # only here: process supervision itself does not need the SDK

        stack = pulumi.get_stack()
    return (Path.cwd() / ".failoverkit" / "state" / stack).absolute()


@dataclass(frozen=True)
class Launch:
    """Everything needed to start a process again exactly as before."""

    name: str
    argv: tuple[str, ...]
    env: Mapping[str, str]
    """Added to the starting process' environment."""
    address: str
    port: int
    """The process is up once ``address:port`` accepts TCP."""
    log_path: Path
    pid_path: Path

    @property
    def launch_path(self) -> Path:
        return self.pid_path.parent / "launch.json"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "argv": list(self.argv),
            "env": dict(self.env),
            "address": self.address,
            "port": self.port,
            "logPath": str(self.log_path),
            "pidPath": str(self.pid_path),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Launch:
        return cls(
            name=str(data["name"]),
            argv=tuple(str(a) for a in data["argv"]),
            env={str(k): str(v) for k, v in dict(data["env"]).items()},
            address=str(data["address"]),
            port=int(data["port"]),
            log_path=Path(data["logPath"]),
            pid_path=Path(data["pidPath"]),
        )


@dataclass(frozen=True)
class ProcessRecord:
    """A running process' identity: pid plus kernel start time plus argv."""

    pid: int
    start_ticks: int
    """Field 22 of ``/proc/<pid>/stat``: start time in clock ticks since boot."""
    argv: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"pid": self.pid, "startTicks": self.start_ticks, "argv": list(self.argv)}


def process_dir(state: Path, name: str) -> Path:
    """The folder of process ``name`` under ``state``."""
    return Path(state) / name


def new_launch(state: Path, name: str, argv: Sequence[str], env: Mapping[str, str], address: str, port: int) -> Launch:
    """A Launch with the standard file layout under ``state``."""
    folder = process_dir(state, name)
    return Launch(name, tuple(argv), dict(env), address, port, folder / "process.log", folder / "process.pid")


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON so readers see the old or the new file, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)


def save_launch(launch: Launch) -> Path:
    """Save ``launch`` next to its pid file; returns the path."""
    write_json_atomic(launch.launch_path, launch.to_json())
    return launch.launch_path


def load_launch(state: Path, name: str) -> Launch | None:
    """The saved launch of process ``name``, or None if there is none."""
    path = process_dir(state, name) / "launch.json"
    try:
        return Launch.from_json(json.loads(path.read_text()))
    except FileNotFoundError:
        return None


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # comm (field 2) may hold spaces and parentheses: split after the last ')'.
    rest = text[text.rindex(")") + 2 :].split()
    return [str(pid), "comm", *rest]


def process_state(pid: int) -> str | None:
    """The kernel's one-letter state of ``pid`` (R, S, T, Z, ...), or None when there is no such process."""
    fields = _stat_fields(pid)
    return fields[2] if fields else None


def _start_ticks(pid: int) -> int | None:
    fields = _stat_fields(pid)
    return int(fields[21]) if fields else None


def _cmdline(pid: int) -> tuple[str, ...] | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return tuple(part.decode(errors="replace") for part in raw.split(b"\0")[:-1])


def _other_threads_alive(pid: int) -> bool:
    # A multi-threaded process whose main thread has exited shows its leader as a zombie while the other
    # threads still run or exit, and their shared file table (its listening socket) goes only with the
    # last of them: such a process is not gone yet (a SIGTERMed threaded server passes through this state).
    try:
        return len(os.listdir(f"/proc/{pid}/task")) > 1
    except OSError:
        return False


def is_running(record: ProcessRecord) -> bool:
    """True if the very process of ``record`` is alive: same pid, start time and argv; zombies are dead."""
    child = _CHILDREN.get(record.pid)
    if child is not None and child.poll() is not None:
        _CHILDREN.pop(record.pid, None)  # reaped: the pid may now belong to someone else
    fields = _stat_fields(record.pid)
    if fields is None or fields[2] == "X" or (fields[2] == "Z" and not _other_threads_alive(record.pid)):
        return False
    if int(fields[21]) != record.start_ticks:
        return False
    # An exiting process has already dropped its memory (empty cmdline) but may still hold its
    # sockets until it is a zombie: count it as running, or a restart would race for the port.
    argv = _cmdline(record.pid)
    return argv is not None and (argv == record.argv or argv == ())


def read_record(pid_path: Path) -> ProcessRecord | None:
    """The record in ``pid_path``, or None if there is no (readable) pid file."""
    try:
        data = json.loads(Path(pid_path).read_text())
        return ProcessRecord(int(data["pid"]), int(data["startTicks"]), tuple(str(a) for a in data["argv"]))
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None


def log_tail(log_path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last ``lines`` lines of a log file ('' if missing)."""
    try:
        return "\n".join(Path(log_path).read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return ""


def accepts_tcp(address: str, port: int, timeout: float = 0.5) -> bool:
    """True when something accepts a TCP connection on ``address:port`` within ``timeout`` seconds."""
    try:
        with socket.create_connection((address, port), timeout=timeout):
            return True
    except OSError:
        return False


def start(launch: Launch, timeout: float = START_TIMEOUT_SECONDS) -> ProcessRecord:
    """Start ``launch`` detached, record it in its pid file, and wait until it accepts TCP.

    Raises ProcessError (with the log tail) if it exits or does not listen within ``timeout``;
    the process is stopped first so nothing is left behind.
    """
    if accepts_tcp(launch.address, launch.port):
        # Else we would mistake the squatter for our process coming up.
        raise ProcessError(
            f"{launch.name}: {launch.address}:{launch.port} is already in use by another process; "
            "stop it (or give this target another address) and retry"
        )
    save_launch(launch)
    launch.log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **launch.env}
    with open(launch.log_path, "ab") as log, open(os.devnull, "rb") as devnull:
        # Own session + own stdio: survives the engine ending the provider's process group and pipes.
        child = subprocess.Popen(
            list(launch.argv),
            stdin=devnull,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
    _CHILDREN[child.pid] = child
    ticks = _start_ticks(child.pid)
    if ticks is None:  # exited (and was reaped by someone) before we could look
        child.wait()
        raise ProcessError(f"{launch.name}: exited at once with {child.returncode}", log_tail(launch.log_path))
    record = ProcessRecord(child.pid, ticks, launch.argv)
    write_json_atomic(launch.pid_path, record.to_json())
    deadline = time.monotonic() + timeout
    while True:
        if child.poll() is not None:
            _CHILDREN.pop(child.pid, None)
            _remove_pid_file(launch.pid_path, record)
            raise ProcessError(
                f"{launch.name}: exited with {child.returncode} before listening on {launch.address}:{launch.port}",
                log_tail(launch.log_path),
            )
        if accepts_tcp(launch.address, launch.port) and child.poll() is None:
            return record
        if time.monotonic() > deadline:
            stop(record, pid_path=launch.pid_path)
            raise ProcessError(
                f"{launch.name}: not listening on {launch.address}:{launch.port} after {timeout:g} s; stopped it",
                log_tail(launch.log_path),
            )
        time.sleep(0.05)


def _signal(record: ProcessRecord, sig: int) -> bool:
    """Send ``sig`` to exactly ``record``'s process; False if it is gone or someone else now."""
    # A pidfd pins the process: once the identity check passes, the signal cannot reach a pid reuser.
    try:
        fd = os.pidfd_open(record.pid)
    except ProcessLookupError:
        return False
    except (AttributeError, OSError):
        fd = -1
    try:
        if not is_running(record):
            return False
        if fd >= 0:
            signal.pidfd_send_signal(fd, sig)
        else:
            os.kill(record.pid, sig)
        return True
    except ProcessLookupError:
        return False
    finally:
        if fd >= 0:
            os.close(fd)


def _wait_gone(record: ProcessRecord, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while is_running(record):
        if time.monotonic() > deadline:
            return False
        child = _CHILDREN.get(record.pid)
        if child is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=0.05)
        else:
            time.sleep(0.02)
    return True


def _remove_pid_file(pid_path: Path | None, record: ProcessRecord) -> None:
    # Only our record's pid file: a restarted process may already have written a newer one.
    if pid_path is not None and read_record(pid_path) == record:
        Path(pid_path).unlink(missing_ok=True)


def stop(record: ProcessRecord, timeout: float = STOP_TIMEOUT_SECONDS, pid_path: Path | None = None) -> None:
    """Stop exactly ``record``'s process: SIGTERM, then SIGKILL after ``timeout``; then drop its pid file.

    A process that is already gone (or whose pid now belongs to another process) is left alone. A stopped
    (hung: SIGSTOP) process is continued after the SIGTERM, so it handles it rather than wait for the SIGKILL.
    """
    if _signal(record, signal.SIGTERM):
        if process_state(record.pid) == "T":
            _signal(record, signal.SIGCONT)
        if not _wait_gone(record, timeout):
            _signal(record, signal.SIGKILL)
            if not _wait_gone(record, timeout):
                raise ProcessError(f"pid {record.pid} survived SIGKILL for {timeout:g} s")
    _forget(record)
    _remove_pid_file(pid_path, record)


def _forget(record: ProcessRecord) -> None:
    child = _CHILDREN.get(record.pid)
    if child is not None and child.poll() is not None:
        _CHILDREN.pop(record.pid, None)


def kill(record: ProcessRecord, timeout: float = STOP_TIMEOUT_SECONDS, pid_path: Path | None = None) -> None:
    """Kill exactly ``record``'s process at once (SIGKILL: no graceful stop, as in a crash); drop its pid file."""
    if _signal(record, signal.SIGKILL) and not _wait_gone(record, timeout):
        raise ProcessError(f"pid {record.pid} survived SIGKILL for {timeout:g} s")
    _forget(record)
    _remove_pid_file(pid_path, record)


def _wait_state(record: ProcessRecord, stopped: bool, timeout: float) -> None:
    # Stop and continue are delivered asynchronously (to every thread): return once in effect.
    deadline = time.monotonic() + timeout
    while is_running(record) and (process_state(record.pid) == "T") != stopped:
        if time.monotonic() > deadline:
            what = "stop on SIGSTOP" if stopped else "continue on SIGCONT"
            raise ProcessError(f"pid {record.pid} did not {what} within {timeout:g} s")
        time.sleep(0.005)


def freeze(record: ProcessRecord, timeout: float = STOP_TIMEOUT_SECONDS) -> bool:
    """SIGSTOP exactly ``record``'s process (it keeps its sockets: TCP connects, nothing answers); False if gone."""
    if not _signal(record, signal.SIGSTOP):
        return False
    _wait_state(record, True, timeout)
    return True


def thaw(record: ProcessRecord, timeout: float = STOP_TIMEOUT_SECONDS) -> bool:
    """SIGCONT exactly ``record``'s process (undoes ``freeze``); False if it is gone."""
    if not _signal(record, signal.SIGCONT):
        return False
    _wait_state(record, False, timeout)
    return True
