"""Detached process supervision: start, identity, pid-reuse guard, stop, restart from the saved launch."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from failoverkit.localcloud import process
from localcloud_helpers import StartApp, demo_launch


def test_start_records_identity_and_detaches(start_app: StartApp) -> None:
    launch, record = start_app("detached")
    assert process.is_running(record)
    assert process.read_record(launch.pid_path) == record
    assert record.argv == launch.argv
    # Own session and process group, so the engine ending the provider's group leaves it alone.
    assert os.getsid(record.pid) == record.pid
    assert os.getpgid(record.pid) == record.pid
    # stdio is the log file and /dev/null, not our pipes.
    assert os.readlink(f"/proc/{record.pid}/fd/0") == os.devnull
    assert os.readlink(f"/proc/{record.pid}/fd/1") == str(launch.log_path)
    assert os.readlink(f"/proc/{record.pid}/fd/2") == str(launch.log_path)
    assert "listening on" in launch.log_path.read_text()


def test_launch_round_trips_for_an_identical_restart(start_app: StartApp, state: Path) -> None:
    launch, record = start_app("restartable")
    loaded = process.load_launch(state, "restartable")
    assert loaded == launch
    process.stop(record, pid_path=launch.pid_path)
    assert not launch.pid_path.exists()
    again = process.start(loaded)
    try:
        assert again.pid != record.pid
        assert process.is_running(again)
        assert process.read_record(launch.pid_path) == again
    finally:
        process.stop(again, pid_path=launch.pid_path)
    assert process.load_launch(state, "never-started") is None


def test_identity_guards_against_pid_reuse(start_app: StartApp) -> None:
    launch, record = start_app("guarded")
    reused_pid = dataclasses.replace(record, start_ticks=record.start_ticks - 1)
    other_argv = dataclasses.replace(record, argv=("/bin/sleep", "1000"))
    assert not process.is_running(reused_pid)
    assert not process.is_running(other_argv)
    process.stop(reused_pid, timeout=1, pid_path=launch.pid_path)
    process.stop(other_argv, timeout=1, pid_path=launch.pid_path)
    assert process.is_running(record), "a record that is not this process must never stop it"
    assert launch.pid_path.exists(), "the pid file belongs to the real process and stays"


def test_stop_of_a_dead_process_is_a_no_op(start_app: StartApp) -> None:
    launch, record = start_app("crashed")
    os.kill(record.pid, signal.SIGKILL)  # a drill's crash
    for _ in range(100):
        if not process.is_running(record):
            break
        os.sched_yield()
    process.stop(record, timeout=1, pid_path=launch.pid_path)
    assert not process.is_running(record)
    assert not launch.pid_path.exists()


def test_stop_escalates_to_sigkill_when_sigterm_is_ignored(state: Path) -> None:
    ignore = "import signal, socket, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    serve = "s = socket.socket(); s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(); time.sleep(60)"
    base = demo_launch(state, "stubborn")
    launch = dataclasses.replace(base, argv=(sys.executable, "-c", ignore + serve, base.address, str(base.port)))
    record = process.start(launch)
    try:
        process.stop(record, timeout=0.3, pid_path=launch.pid_path)
        assert not process.is_running(record)
    finally:
        process.stop(record, timeout=0.3)


def test_a_process_that_never_listens_is_stopped_with_its_log_tail(state: Path) -> None:
    base = demo_launch(state, "mute")
    launch = dataclasses.replace(
        base, argv=(sys.executable, "-c", "import time; print('warming up', flush=True); time.sleep(30)")
    )
    with pytest.raises(process.ProcessError, match="not listening") as info:
        process.start(launch, timeout=0.5)
    assert "warming up" in info.value.log_tail
    assert process.read_record(launch.pid_path) is None


def test_a_process_that_exits_at_once_reports_its_log(state: Path) -> None:
    base = demo_launch(state, "broken")
    launch = dataclasses.replace(base, argv=(sys.executable, "-c", "raise SystemExit('bad config: port')"))
    with pytest.raises(process.ProcessError, match="exited with 1") as info:
        process.start(launch)
    assert "bad config: port" in info.value.log_tail
    assert not launch.pid_path.exists()


def test_state_dir_from_env_or_cwd_and_stack(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, no_state_env: None
) -> None:
    monkeypatch.chdir(tmp_path)
    assert process.state_dir("local") == tmp_path / ".failoverkit" / "state" / "local"
    monkeypatch.setenv(process.STATE_DIR_ENV, "relative/state")
    assert process.state_dir("ignored") == tmp_path / "relative" / "state"
    assert process.state_dir().is_absolute()


def test_read_record_tolerates_missing_and_garbled_files(tmp_path: Path) -> None:
    assert process.read_record(tmp_path / "none.pid") is None
    garbled = tmp_path / "garbled.pid"
    garbled.write_text("{not json")
    assert process.read_record(garbled) is None


def test_an_address_already_in_use_is_refused_before_starting(start_app: StartApp, state: Path) -> None:
    first, record = start_app("first")
    squatted = dataclasses.replace(demo_launch(state, "second"), address=first.address, port=first.port)
    with pytest.raises(process.ProcessError, match="already in use by another process"):
        process.start(squatted)
    assert not squatted.pid_path.exists()
    assert process.is_running(record)


def test_a_zombie_leader_with_live_threads_still_counts_as_running(tmp_path: Path) -> None:
    # The main thread exits (pthread_exit) while another thread keeps the process alive: /proc shows the
    # leader as a zombie, yet the process still holds its files. Only when the last thread is gone is it gone.
    ready = tmp_path / "ready"
    script = (
        "import ctypes, pathlib, sys, threading, time\n"
        "threading.Thread(target=time.sleep, args=(1.5,)).start()\n"
        f"pathlib.Path({str(ready)!r}).touch()\n"
        "ctypes.CDLL(None).pthread_exit(None)\n"
    )
    argv = (sys.executable, "-c", script)
    child = subprocess.Popen(argv)
    try:
        deadline = time.monotonic() + 10
        while process.process_state(child.pid) != "Z" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert ready.exists() and process.process_state(child.pid) == "Z"
        ticks = int(Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
        record = process.ProcessRecord(child.pid, ticks, argv)
        assert process.is_running(record), "a zombie leader whose other thread still runs"
        child.wait(timeout=10)
        assert not process.is_running(record)
    finally:
        child.kill()
        child.wait()
