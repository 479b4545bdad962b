"""Injecting and lifting one fault in one target, and always putting the target back.

Every injector has the same life: ``check`` (refuse early, before anything is
touched, with a ``DrillError`` that says what to do instead), ``inject``,
``lift`` and ``restore``. ``restore`` is idempotent and safe to call after an
error or Ctrl-C at any point; it returns whether the target was verified back.

Process faults (crash, hang) act on the target's process found through the
local cloud's launch and pid files, and signal exactly that process (pid,
start time and argv must match; a pidfd pins it). Endpoint faults (unhealthy,
slow) ask the demo app through ``POST /-/fault``.

Example::

    injector = make_injector(plan)
    injector.check()
    injector.inject()
    ...
    injector.lift()
    injector.restore()
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import httpx

from failoverkit.drill._plan import DrillPlan, Fault
from failoverkit.errors import DrillError
from failoverkit.localcloud import process

READY_TIMEOUT_SECONDS = 10.0
"""How long a restarted target may take to accept connections."""
FAULT_PATH = "/-/fault"


class FaultInjector(Protocol):
    fault: Fault

    def check(self) -> None:
        """Raise DrillError if the fault cannot be injected into this target."""

    def inject(self) -> None:
        """Put the fault in effect."""

    def lift(self) -> float | None:
        """Lift the fault; for a crash, return the seconds the restart took until the target accepted TCP."""

    def restore(self) -> bool:
        """Make sure the fault is lifted (idempotent); True when the target is verified back to normal."""


def slow_delay_seconds(timeout_seconds: float) -> float:
    """How late the slow fault answers health checks: well past the check timeout, yet short to lift."""
    return round(timeout_seconds + max(1.0, timeout_seconds), 3)


def _process_name(plan: DrillPlan, state: Path) -> str:
    """The target's local process: as exported (``dns.processes``), else ``<app>-<key>``, else the one ``*-<key>``."""
    key = plan.target.key
    if key in plan.processes:
        return plan.processes[key]
    if plan.app:
        return f"{plan.app}-{key}"
    # Older stacks do not export the app name; the launch folders still say whose they are.
    found = sorted(p.name for p in state.glob(f"*-{key}") if (p / "launch.json").is_file())
    if len(found) == 1:
        return found[0]
    raise DrillError(
        f"target {key}: found {len(found)} local processes for it under {state} ({', '.join(found) or 'none'}); "
        "redeploy with failoverkit up so the stack exports its app name"
    )


def signal_exactly(record: process.ProcessRecord, sig: int) -> bool:
    """Send ``sig`` to ``record``'s very process; False if it is gone (or its pid belongs to someone else now)."""
    try:
        fd = os.pidfd_open(record.pid)
    except ProcessLookupError:
        return False
    try:
        if not process.is_running(record):
            return False
        signal.pidfd_send_signal(fd, sig)
        return True
    except ProcessLookupError:
        return False
    finally:
        os.close(fd)


class ProcessFault:
    """crash (SIGKILL, then restart from the saved launch) or hang (SIGSTOP, then SIGCONT)."""

    def __init__(self, plan: DrillPlan, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.fault = plan.fault
        self._plan = plan
        self._clock = clock
        self._launch: process.Launch | None = None
        self._record: process.ProcessRecord | None = None
        self._injected = False
        self._lifted = False

    def check(self) -> None:
        plan = self._plan
        key = plan.target.key
        if not plan.target.simulated:
            raise DrillError(
                f"--fault {self.fault.value}: target {key} runs in the cloud; crash and hang act on local "
                "processes only. Use --fault unhealthy or slow with an app that exposes /-/fault"
            )
        state = plan.state_dir or process.state_dir(plan.stack)
        name = _process_name(plan, state)
        launch = process.load_launch(state, name)
        if launch is None:
            raise DrillError(f"target {key}: no saved launch for process {name!r} under {state}; run failoverkit up")
        record = process.read_record(launch.pid_path)
        if record is None or not process.is_running(record):
            raise DrillError(
                f"target {key}: process {name!r} is not running (pid file {launch.pid_path}); "
                f"run failoverkit up --stack {plan.stack} (or refresh, then up) to start it"
            )
        if process.process_state(record.pid) == "T":
            raise DrillError(
                f"target {key}: process {record.pid} is stopped (hung, maybe by a drill that was killed); "
                f"continue it first: kill -CONT {record.pid}"
            )
        self._launch, self._record = launch, record

    def inject(self) -> None:
        if self._record is None:
            self.check()
        assert self._record is not None
        sig = signal.SIGKILL if self.fault is Fault.CRASH else signal.SIGSTOP
        if not signal_exactly(self._record, sig):
            raise DrillError(f"target {self._plan.target.key}: process {self._record.pid} vanished before the fault")
        self._injected = True
        if self.fault is Fault.CRASH:
            self._wait_dead(self._record)
        else:
            self._wait_stopped(self._record)

    def _wait_stopped(self, record: process.ProcessRecord) -> None:
        # SIGSTOP is delivered asynchronously (every thread must stop): return once it is in effect.
        deadline = self._clock() + 5.0
        while process.process_state(record.pid) not in ("T", "t"):
            if self._clock() > deadline:
                raise DrillError(f"process {record.pid} did not stop within 5 s of SIGSTOP")
            time.sleep(0.005)

    def _wait_dead(self, record: process.ProcessRecord) -> None:
        deadline = self._clock() + 5.0
        while process.is_running(record):
            if self._clock() > deadline:
                raise DrillError(f"process {record.pid} survived SIGKILL for 5 s")
            time.sleep(0.01)

    def lift(self) -> float | None:
        if not self._injected or self._lifted:
            return None
        assert self._launch is not None and self._record is not None
        if self.fault is Fault.HANG:
            signal_exactly(self._record, signal.SIGCONT)
            self._lifted = True
            return None
        started = self._clock()
        try:
            self._record = process.start(self._launch, timeout=READY_TIMEOUT_SECONDS)
        except process.ProcessError as exc:
            raise DrillError(f"target {self._plan.target.key}: restart after the crash failed: {exc}") from exc
        self._lifted = True
        return round(self._clock() - started, 4)

    def restore(self) -> bool:
        if self._injected and not self._lifted:
            self.lift()
        if self._launch is None:
            return True  # never touched
        record = process.read_record(self._launch.pid_path)
        if record is None or not process.is_running(record):
            return False
        launch = self._launch
        return process.process_state(record.pid) != "T" and process.accepts_tcp(launch.address, launch.port, 0.25)


class EndpointFault:
    """unhealthy or slow, through the demo app's ``/-/fault`` control endpoint."""

    def __init__(self, plan: DrillPlan, *, timeout_seconds: float = 2.0) -> None:
        self.fault = plan.fault
        self._plan = plan
        self._base = f"http://{plan.target.address}:{plan.target.port}{FAULT_PATH}"
        self._timeout = timeout_seconds
        self._injected = False
        self._lifted = False

    def _mode(self) -> str | None:
        try:
            with self._client() as client:
                response = client.get(self._base, headers={"Host": self._plan.hostname})
            body: Any = response.json() if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            return None
        return body.get("mode") if isinstance(body, dict) and isinstance(body.get("mode"), str) else None

    def check(self) -> None:
        key = self._plan.target.key
        mode = self._mode()
        if mode is None:
            raise DrillError(
                f"--fault {self.fault.value}: target {key} does not expose {FAULT_PATH} (GET {self._base} gave no "
                "fault mode). It runs your own command, not the bundled demo app; use --fault crash or hang"
            )
        if mode != "none":
            raise DrillError(
                f"target {key}: already in fault mode {mode!r} (maybe left by a drill that was killed); lift it "
                f"first: curl -X POST -H 'Content-Type: application/json' -d '{{\"mode\": \"none\"}}' {self._base}"
            )

    def _client(self) -> httpx.Client:
        # One short-lived client per call: nothing to leak when a drill stops half-way.
        return httpx.Client(timeout=httpx.Timeout(self._timeout), trust_env=False)

    def _post(self, body: dict[str, Any]) -> None:
        with self._client() as client:
            response = client.post(self._base, json=body, headers={"Host": self._plan.hostname})
        if response.status_code >= 300:
            raise DrillError(f"POST {self._base} {body}: status {response.status_code}: {response.text[:200]}")

    def inject(self) -> None:
        body: dict[str, Any] = {"mode": self.fault.value}
        if self.fault is Fault.SLOW:
            body["delaySeconds"] = slow_delay_seconds(self._plan.health_check.timeout_seconds)
        self._post(body)
        self._injected = True

    def lift(self) -> float | None:
        if not self._injected or self._lifted:
            return None
        # A slow target may still be busy with requests it holds; retry briefly rather than leave it faulty.
        last: Exception | None = None
        for _ in range(5):
            try:
                self._post({"mode": "none"})
                self._lifted = True
                return None
            except (httpx.HTTPError, DrillError) as exc:
                last = exc
                time.sleep(0.2)
        raise DrillError(f"target {self._plan.target.key}: could not lift the {self.fault.value} fault: {last}")

    def restore(self) -> bool:
        if self._injected and not self._lifted:
            self.lift()
        return not self._injected or self._mode() == "none"


def make_injector(plan: DrillPlan) -> FaultInjector:
    """The injector for ``plan.fault``."""
    if plan.fault.needs_process:
        return ProcessFault(plan)
    return EndpointFault(plan)
