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
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx

from failoverkit.budget import HealthCheck
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

    def inject(self) -> float | None:
        """Put the fault in effect; return the clock time it was seen in effect (None: when inject was called)."""

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
    """crash (SIGKILL, then restart from the saved launch), hang (SIGSTOP, then SIGCONT) or down without the engine
    (SIGTERM, then restart from the saved launch)."""

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
                "processes only. Use --fault unhealthy or down (through failoverkit:drillFaults and an engine up)"
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

    def inject(self) -> float | None:
        if self._record is None:
            self.check()
        assert self._record is not None
        sig = {Fault.CRASH: signal.SIGKILL, Fault.HANG: signal.SIGSTOP}.get(self.fault, signal.SIGTERM)
        if not signal_exactly(self._record, sig):
            raise DrillError(f"target {self._plan.target.key}: process {self._record.pid} vanished before the fault")
        self._injected = True
        if self.fault is Fault.HANG:
            self._wait_stopped(self._record)
        else:
            self._wait_dead(self._record)
        return None

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

    def inject(self) -> float | None:
        body: dict[str, Any] = {"mode": self.fault.value}
        if self.fault is Fault.SLOW:
            body["delaySeconds"] = slow_delay_seconds(self._plan.health_check.timeout_seconds)
        self._post(body)
        self._injected = True
        return None

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


@dataclass(frozen=True)
class FlappingSchedule:
    """How the flapping fault toggles the target's health: ``cycles`` x (unhealthy, then healthy).

    Around the thresholds: each unhealthy span lasts half an interval longer than ``failureThreshold``
    checks take (so the checker marks the target down every cycle) and each healthy span half an interval
    shorter than ``recoveryThreshold`` checks take (a naive checker that recovers on one good answer would
    move traffic back every cycle; the kit may do so only when R good checks fit in the span).
    """

    unhealthy_seconds: float
    healthy_seconds: float
    cycles: int

    @classmethod
    def around_thresholds(cls, hc: HealthCheck, cycles: int = 4) -> FlappingSchedule:
        interval = hc.interval_seconds
        healthy = max(interval * 0.5, (hc.recovery_threshold - 0.5) * interval)
        return cls(round((hc.failure_threshold + 0.5) * interval, 3), round(healthy, 3), cycles)

    @property
    def total_seconds(self) -> float:
        return round(self.cycles * (self.unhealthy_seconds + self.healthy_seconds), 3)


class FlappingFault(EndpointFault):
    """The target's health alternates unhealthy/healthy on a schedule (``POST /-/fault`` toggles), local only."""

    def __init__(self, plan: DrillPlan, schedule: FlappingSchedule | None = None) -> None:
        super().__init__(plan)
        self.schedule = schedule or FlappingSchedule.around_thresholds(plan.health_check)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started_at: float | None = None
        self.toggles = 0
        self.toggle_error: Exception | None = None

    def inject(self) -> float | None:
        self._post({"mode": Fault.UNHEALTHY.value})
        self._injected = True
        self._started_at = time.monotonic()
        self._thread = threading.Thread(target=self._toggle, name="drill-flapping", daemon=True)
        self._thread.start()
        return None

    def _toggle(self) -> None:
        s = self.schedule
        assert self._started_at is not None
        at = self._started_at
        for cycle in range(s.cycles):
            for mode, span in ((Fault.UNHEALTHY.value, s.unhealthy_seconds), ("none", s.healthy_seconds)):
                if cycle or mode != Fault.UNHEALTHY.value:  # the first unhealthy span began in inject()
                    try:
                        self._post({"mode": mode})
                        self.toggles += 1
                    except (httpx.HTTPError, DrillError) as exc:
                        self.toggle_error = exc
                at += span
                if self._stop.wait(max(0.0, at - time.monotonic())):
                    return

    def remaining_seconds(self) -> float:
        """How much of the schedule is still to run (the runner holds the fault that long)."""
        if self._started_at is None:
            return 0.0
        return max(0.0, self._started_at + self.schedule.total_seconds - time.monotonic())

    def lift(self) -> float | None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        return super().lift()


def make_injector(plan: DrillPlan) -> FaultInjector:
    """The injector for ``plan.fault`` acting on the target directly (no engine: see ``ConfigFault`` for that)."""
    if plan.fault is Fault.FLAPPING:
        return FlappingFault(plan)
    if plan.fault.needs_process:
        return ProcessFault(plan)
    return EndpointFault(plan)
