"""One drill from start to verdict: baseline, inject, wait for failover, lift, wait for failback, restore.

Every wait is bounded (three times its budget plus 10 s) and reports progress;
the target is restored in a ``finally`` whatever happens (an error, Ctrl-C,
SIGTERM turned into KeyboardInterrupt by the CLI), with a second Ctrl-C held
back until the restore is done.

Example::

    result = run_drill(plan, make_injector(plan), observer)
    result.passed, result.figures.failover_seconds
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from failoverkit.drill._faults import FaultInjector
from failoverkit.drill._plan import DrillPlan, Fault
from failoverkit.drill._timeline import (
    DrillBudget,
    Figures,
    Sample,
    analyze,
    answer_changes,
    failback_budget,
    flapping_bound,
    observed_seconds,
    serving,
)
from failoverkit.errors import DrillError

BASELINE_PROBES = 3
"""Consecutive good probes served by the target before the fault is injected."""


class Timeline(Protocol):
    """What the runner needs from an observer."""

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def samples(self) -> list[Sample]: ...


class Progress(Protocol):
    """Where the runner reports what it is waiting for (a rich display, a log, nothing)."""

    def phase(self, name: str, bound_seconds: float) -> None: ...
    def update(self, elapsed_seconds: float, latest: Sample | None) -> None: ...
    def event(self, message: str) -> None: ...
    def close(self) -> None: ...


class NullProgress:
    """Reports nothing (tests, benchmarks)."""

    def phase(self, name: str, bound_seconds: float) -> None:
        pass

    def update(self, elapsed_seconds: float, latest: Sample | None) -> None:
        pass

    def event(self, message: str) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class Event:
    t: float
    """Seconds since the fault was injected (negative: before)."""
    name: str


@dataclass
class DrillResult:
    """Figures, budgets, verdict and the whole timeline of one drill (times relative to the fault)."""

    plan: DrillPlan
    figures: Figures
    failover_budget: DrillBudget
    failback_budget: DrillBudget
    restart_seconds: float | None
    restored: bool
    timeline: list[Sample]
    events: list[Event]
    lifted_at: float | None
    """Seconds after the fault when it was lifted (None if it never was)."""
    reasons: list[str] = field(default_factory=list)
    """Why the drill did not pass (empty when it passed)."""
    resolver_name: str | None = None
    """The caching resolver the second path asked (e.g. ``dnsmasq 127.0.53.1:40001``); None: one path only."""
    resolver_figures: Figures | None = None
    """The same figures through the caching resolver: what a real client sees, TTL included."""
    resolver_timeline: list[Sample] = field(default_factory=list)
    dns_changes: int = 0
    """How many times the authoritative answer changed target after the fault."""
    resolver_dns_changes: int | None = None
    dns_changes_bound: int | None = None
    """flapping: the most answer changes the thresholds allow (``flapping_bound``)."""
    resolver_dns_changes_bound: int | None = None

    @property
    def passed(self) -> bool:
        return not self.reasons

    @property
    def failover_ratio(self) -> float | None:
        f = self.figures.failover_seconds
        return None if f is None else round(f / self.failover_budget.seconds, 3)

    @property
    def failback_ratio(self) -> float | None:
        f = self.figures.failback_seconds
        return None if f is None else round(f / self.failback_budget.seconds, 3)

    def _resolver_json(self) -> dict[str, Any] | None:
        r = self.resolver_figures
        if r is None:
            return None
        return {
            "name": self.resolver_name,
            "detect_seconds": r.detect_seconds,
            "failover_seconds": r.failover_seconds,
            "failover_to": r.failover_to,
            "error_window_seconds": r.error_window_seconds,
            "failed_probes": r.failed_probes,
            "failback_dns_seconds": r.failback_dns_seconds,
            "failback_seconds": r.failback_seconds,
            "budget_seconds": self.failover_budget.seconds,
            "failback_budget_seconds": self.failback_budget.seconds,
            "failover_ratio": _ratio(r.failover_seconds, self.failover_budget.seconds),
            "failback_ratio": _ratio(r.failback_seconds, self.failback_budget.seconds),
            "dns_changes": self.resolver_dns_changes,
            "dns_changes_bound": self.resolver_dns_changes_bound,
            "timeline": [s.to_json() for s in self.resolver_timeline],
        }

    def to_json(self) -> dict[str, Any]:
        """The ``--format json`` report (field names are a contract: see DESIGN.md, "CLI")."""
        f = self.figures
        hc = self.plan.health_check
        return {
            "stack": self.plan.stack,
            "hostname": self.plan.hostname,
            "fault": self.plan.fault.value,
            "target": self.plan.target.key,
            "passed": self.passed,
            "reasons": list(self.reasons),
            "restored": self.restored,
            "detect_seconds": f.detect_seconds,
            "failover_seconds": f.failover_seconds,
            "failover_to": f.failover_to,
            "error_window_seconds": f.error_window_seconds,
            "failed_probes": f.failed_probes,
            "failback_dns_seconds": f.failback_dns_seconds,
            "failback_seconds": f.failback_seconds,
            "restart_seconds": self.restart_seconds,
            "budget_seconds": self.failover_budget.seconds,
            "budget_formula": self.failover_budget.formula,
            "failback_budget_seconds": self.failback_budget.seconds,
            "failback_budget_formula": self.failback_budget.formula,
            "budget_terms": self.failover_budget.terms_json(),
            "failback_budget_terms": self.failback_budget.terms_json(),
            "failover_ratio": self.failover_ratio,
            "failback_ratio": self.failback_ratio,
            "health_check": {
                "interval_seconds": hc.interval_seconds,
                "failure_threshold": hc.failure_threshold,
                "timeout_seconds": hc.timeout_seconds,
                "recovery_threshold": hc.recovery_threshold,
            },
            "ttl_seconds": self.plan.ttl_seconds,
            "lifted_at": self.lifted_at,
            "dns_changes": self.dns_changes,
            "dns_changes_bound": self.dns_changes_bound,
            "resolver": self._resolver_json(),
            "events": [{"t": e.t, "event": e.name} for e in self.events],
            "timeline": [s.to_json() for s in self.timeline],
        }


def _ratio(value: float | None, budget: float) -> float | None:
    return None if value is None or budget <= 0 else round(value / budget, 3)


def wait_bound(budget_seconds: float) -> float:
    """How long a phase may wait for its event: generous, so a slow machine still shows a figure, yet finite."""
    return budget_seconds * 3 + 10


@contextlib.contextmanager
def hold_interrupts() -> Iterator[None]:
    """Defer Ctrl-C and SIGTERM while the target is restored (a half-restored target is worse than a late exit)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda signum, frame: pending.append(signum)) for sig in held}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if pending:
        raise KeyboardInterrupt


def _wait(
    what: str,
    done: Callable[[Sequence[Sample]], bool],
    bound_seconds: float,
    timeline: Timeline,
    progress: Progress,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    poll_seconds: float,
) -> bool:
    progress.phase(what, bound_seconds)
    started = clock()
    while True:
        samples = timeline.samples()
        progress.update(clock() - started, samples[-1] if samples else None)
        if done(samples):
            return True
        if clock() - started > bound_seconds:
            return False
        sleep(poll_seconds)


def run_drill(
    plan: DrillPlan,
    injector: FaultInjector,
    timeline: Timeline,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    progress: Progress | None = None,
    hold_seconds: float = 1.0,
    poll_seconds: float = 0.05,
    baseline_seconds: float | None = None,
    resolver: Timeline | None = None,
    resolver_name: str | None = None,
) -> DrillResult:
    """Run one drill and return its result; raise DrillError when it cannot start (nothing injected then).

    ``baseline_seconds`` bounds the wait for the target to be serving before the fault
    (default: the recovery budget + 5 s, so a drill right after another one still starts).
    ``resolver`` is a second timeline probing through a caching resolver (``resolver_name`` says which):
    failover and failback then wait for both paths, and both are judged against the budget.
    """
    progress = progress or NullProgress()
    target = plan.target.key
    paths = [timeline] if resolver is None else [timeline, resolver]

    def every_path(done: Callable[[Sequence[Sample]], bool]) -> Callable[[Sequence[Sample]], bool]:
        # The waits watch the main timeline's samples; the other paths are read directly.
        return lambda s: done(s) and all(done(p.samples()) for p in paths[1:])

    # A crash's restart time is only known once measured; until then the bound assumes the worst start.
    recovery = failback_budget(plan.failback, None)
    injector.check()
    for path in paths:
        path.start()
    raw_events: list[tuple[float, str]] = []
    fault_at: float | None = None
    lifted_at: float | None = None
    restart: float | None = None
    restored = False
    try:
        baseline_bound = baseline_seconds if baseline_seconds is not None else recovery.seconds + 5
        if not _wait(
            f"baseline: waiting for {target} to serve",
            every_path(lambda s: serving(s, target, BASELINE_PROBES)),
            baseline_bound,
            timeline,
            progress,
            clock,
            sleep,
            poll_seconds,
        ):
            raise DrillError(_not_serving(plan, timeline.samples(), baseline_bound))
        progress.event(f"baseline: {target} serving {plan.hostname} ({BASELINE_PROBES} good probes)")
        called_at = fault_at = clock()
        seen_at = injector.inject()
        # A configured fault takes effect during an engine up: count from when it was seen, if it was.
        injected_at = fault_at = seen_at if seen_at is not None else called_at
        raw_events.append((injected_at, f"{plan.fault.value} injected into {target}"))
        progress.event(f"{plan.fault.value} injected into {target}")

        bound = wait_bound(plan.budget.seconds)
        moved = _wait(
            f"failover: waiting for a standby to serve (budget {plan.budget.seconds:g} s)",
            every_path(
                lambda s: analyze(s, target=target, fault_at=injected_at, lifted_at=None).failover_seconds is not None
            ),
            bound,
            timeline,
            progress,
            clock,
            sleep,
            poll_seconds,
        )
        if moved:
            figures = analyze(timeline.samples(), target=target, fault_at=injected_at, lifted_at=None)
            progress.event(f"failover to {figures.failover_to} after {figures.failover_seconds:.2f} s")
            # Hold the fault a moment: the timeline then shows the standby serving steadily, not a blip.
            remaining = getattr(injector, "remaining_seconds", None)
            hold = max(hold_seconds, remaining() if callable(remaining) else 0.0)
            _wait("holding the fault", lambda s: False, hold, timeline, progress, clock, sleep, poll_seconds)
        else:
            progress.event(f"no failover within {bound:g} s")

        lifted_at = clock()
        restart = injector.lift()
        # A configured fault is lifted during an engine up: count failback from when it was seen lifted.
        seen_lifted = getattr(injector, "lift_seen_at", None)
        if isinstance(seen_lifted, float):
            lifted_at = seen_lifted
        raw_events.append((lifted_at, f"{plan.fault.value} lifted"))
        if restart is not None:
            raw_events.append((lifted_at + restart, f"{target} restarted ({restart:.2f} s)"))
        progress.event(f"{plan.fault.value} lifted" + (f"; {target} restarted in {restart:.2f} s" if restart else ""))
        back_budget = failback_budget(plan.failback, restart)
        back_at = lifted_at
        came_back = _wait(
            f"failback: waiting for {target} to serve again (budget {back_budget.seconds:g} s)",
            every_path(
                lambda s: (
                    analyze(s, target=target, fault_at=injected_at, lifted_at=back_at).failback_seconds is not None
                )
            ),
            wait_bound(back_budget.seconds),
            timeline,
            progress,
            clock,
            sleep,
            poll_seconds,
        )
        if came_back:
            back = analyze(timeline.samples(), target=target, fault_at=injected_at, lifted_at=back_at)
            progress.event(f"failback to {target} after {back.failback_seconds:.2f} s")
        else:
            progress.event(f"no failback within {wait_bound(back_budget.seconds):g} s")
        # A few more probes so the chart shows the target serving steadily after failback.
        _wait("settling", lambda s: False, min(0.5, hold_seconds), timeline, progress, clock, sleep, poll_seconds)
    finally:
        with hold_interrupts():
            try:
                restored = injector.restore()
            finally:
                for path in paths:
                    path.stop()
                progress.close()
    assert fault_at is not None
    samples = timeline.samples()
    figures = analyze(samples, target=target, fault_at=fault_at, lifted_at=lifted_at)
    other = resolver.samples() if resolver is not None else []
    flapping = plan.fault is Fault.FLAPPING
    result = DrillResult(
        plan=plan,
        figures=figures,
        failover_budget=plan.budget,
        failback_budget=failback_budget(plan.failback, restart),
        restart_seconds=restart,
        restored=restored,
        timeline=[s.shifted(fault_at) for s in samples],
        events=[Event(round(t - fault_at, 4), name) for t, name in raw_events],
        lifted_at=round(lifted_at - fault_at, 4) if lifted_at is not None else None,
        resolver_name=resolver_name if resolver is not None else None,
        resolver_figures=analyze(other, target=target, fault_at=fault_at, lifted_at=lifted_at) if resolver else None,
        resolver_timeline=[s.shifted(fault_at) for s in other],
        dns_changes=answer_changes(samples, fault_at),
        resolver_dns_changes=answer_changes(other, fault_at) if resolver is not None else None,
        dns_changes_bound=(
            flapping_bound(plan.health_check, observed_seconds(samples, fault_at), resolver_ttl_seconds=0)
            if flapping
            else None
        ),
        resolver_dns_changes_bound=(
            flapping_bound(plan.health_check, observed_seconds(other, fault_at), plan.ttl_seconds)
            if flapping and resolver is not None
            else None
        ),
    )
    result.reasons.extend(verdict_reasons(result))
    return result


def verdict_reasons(result: DrillResult) -> list[str]:
    """Why a drill did not pass: each missing or over-budget figure, or a target left unrestored."""
    reasons = []
    f = result.figures
    if f.failover_seconds is None:
        reasons.append("no failover observed: no standby served a good answer while the fault was in effect")
    elif f.failover_seconds > result.failover_budget.seconds:
        budget = result.failover_budget.seconds
        reasons.append(f"failover took {f.failover_seconds:.2f} s, over the {budget:g} s budget")
    if f.failback_seconds is None:
        reasons.append(f"no failback observed: {result.plan.target.key} did not serve again after the fault was lifted")
    elif f.failback_seconds > result.failback_budget.seconds:
        budget = result.failback_budget.seconds
        reasons.append(f"failback took {f.failback_seconds:.2f} s, over the {budget:g} s budget")
    r = result.resolver_figures
    # A flapping target's answer alternates about once per toggling period, and a caching resolver fetches it
    # once per TTL: the two can alias so that its clients never see the standby. That is no fault of the kit;
    # what flapping judges through the resolver is the bound on answer changes, below.
    if r is not None and result.plan.fault is not Fault.FLAPPING:
        via = f"through the resolver ({result.resolver_name})"
        if r.failover_seconds is None:
            reasons.append(f"no failover observed {via}")
        elif r.failover_seconds > result.failover_budget.seconds:
            budget = result.failover_budget.seconds
            reasons.append(f"failover {via} took {r.failover_seconds:.2f} s, over the {budget:g} s budget")
        if r.failback_seconds is None:
            reasons.append(f"no failback observed {via}")
        elif r.failback_seconds > result.failback_budget.seconds:
            budget = result.failback_budget.seconds
            reasons.append(f"failback {via} took {r.failback_seconds:.2f} s, over the {budget:g} s budget")
    for changes, bound, where in (
        (result.dns_changes, result.dns_changes_bound, "authoritative"),
        (result.resolver_dns_changes, result.resolver_dns_changes_bound, "resolver"),
    ):
        if bound is not None and changes is not None and changes > bound:
            reasons.append(f"DNS answer changed {changes} times ({where}), more than the thresholds allow ({bound})")
    if not result.restored:
        reasons.append(f"{result.plan.target.key} could not be verified restored; check it by hand")
    return reasons


def _not_serving(plan: DrillPlan, samples: Sequence[Sample], waited: float) -> str:
    last = samples[-1] if samples else None
    seen = "no probe completed"
    if last is not None:
        seen = f"DNS answers {last.dns_answer or 'nothing'} ({last.dns_target or 'unknown'})"
        seen += f", HTTP {last.http_status or last.error} from {last.served_by or 'nobody'}"
    return (
        f"target {plan.target.key} is not the one serving {plan.hostname} after {waited:g} s: {seen}. "
        "A drill fails the serving target; wait for the stack to settle, or pick the serving one with --target"
    )
