"""The drill's orchestration against a simulated world: a fake clock, resolver and fetch; no sockets, no sleeping."""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest
from failoverkit.drill import DrillPlan, HttpAnswer, Observer, Sample, run_drill, wait_bound
from failoverkit.drill._plan import Fault
from failoverkit.drill._runner import verdict_reasons
from failoverkit.errors import DrillError

P, S = "aws-us-east-1", "gcp-europe-west1"


@dataclass
class World:
    """A stack whose DNS moves ``detect`` s after the fault and back ``recover`` s after the lift."""

    plan: DrillPlan
    detect: float | None = 0.8
    recover: float | None = 0.6
    restart: float | None = None
    primary_errors_while_faulted: bool = True
    now: float = 100.0
    fault_at: float | None = None
    lifted_at: float | None = None
    calls: list[str] = field(default_factory=list)
    interrupt_at: float | None = None
    next_probe: float = 100.0

    def clock(self) -> float:
        return self.now

    def _primary_down(self) -> bool:
        return self.fault_at is not None and self.lifted_at is None

    def _dns_on_standby(self) -> bool:
        if self.fault_at is None or self.detect is None or self.now < self.fault_at + self.detect:
            return False
        return self.lifted_at is None or self.recover is None or self.now < self.lifted_at + self.recover

    def resolve(self, hostname: str) -> str | None:
        assert hostname == self.plan.hostname
        return self.plan.endpoints[1 if self._dns_on_standby() else 0].address

    def fetch(self, address: str) -> HttpAnswer:
        key = self.plan.key_of(address)
        if key == P and self._primary_down() and self.primary_errors_while_faulted:
            raise ConnectionRefusedError("refused")
        cloud, region = key.split("-", 1) if key else ("?", "?")
        return HttpAnswer(200, {"cloud": cloud, "region": region, "instance": "i-1", "host": "x"})


class FakeInjector:
    def __init__(self, world: World, *, fail_check: bool = False, fail_inject: bool = False) -> None:
        self.world = world
        self.fault = world.plan.fault
        self.fail_check = fail_check
        self.fail_inject = fail_inject
        self.restores = 0

    def check(self) -> None:
        self.world.calls.append("check")
        if self.fail_check:
            raise DrillError("no /-/fault")

    def inject(self) -> None:
        self.world.calls.append("inject")
        if self.fail_inject:
            raise DrillError("vanished")
        self.world.fault_at = self.world.now

    def lift(self) -> float | None:
        self.world.calls.append("lift")
        self.world.lifted_at = self.world.now
        if self.world.restart is not None:
            self.world.now += self.world.restart  # the restart blocks, as the real one does
        return self.world.restart

    def restore(self) -> bool:
        self.world.calls.append("restore")
        self.restores += 1
        if self.world.fault_at is not None and self.world.lifted_at is None:
            self.world.lifted_at = self.world.now
        return True


class SyncTimeline:
    """The real Observer, probed synchronously as the fake clock advances (10 Hz)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.observer = Observer(world.plan, resolve=world.resolve, fetch=world.fetch, clock=world.clock)
        self.started = self.stopped = False

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.stopped = True

    def samples(self) -> list[Sample]:
        return self.observer.samples()

    def sleep(self, seconds: float) -> None:
        end = self.world.now + seconds
        while self.world.now < end - 1e-9:
            step = min(end, self.world.next_probe) - self.world.now
            self.world.now += max(step, 0.0)
            if self.world.now >= self.world.next_probe - 1e-9:
                self.observer.probe()
                self.world.next_probe += 0.1
            if self.world.interrupt_at is not None and self.world.now >= self.world.interrupt_at:
                raise KeyboardInterrupt


def drill(outputs: dict[str, Any], fault: str = "crash", **world_args: Any) -> tuple[Any, World, FakeInjector]:
    plan = DrillPlan.from_outputs(outputs, stack="test", fault=fault)
    world = World(plan, **{k: v for k, v in world_args.items() if k not in ("fail_check", "fail_inject")})
    injector = FakeInjector(
        world, fail_check=world_args.get("fail_check", False), fail_inject=world_args.get("fail_inject", False)
    )
    timeline = SyncTimeline(world)
    result = run_drill(plan, injector, timeline, clock=world.clock, sleep=timeline.sleep, hold_seconds=1.0)
    assert timeline.stopped
    return result, world, injector


def test_a_clean_failover_and_failback_pass_with_figures_on_the_probe_grid(outputs: dict[str, Any]) -> None:
    result, world, _ = drill(outputs, detect=0.8, recover=0.6)
    f = result.figures
    # Probes every 0.1 s: the first probe after fault + 0.8 s sees the standby.
    assert f.detect_seconds == pytest.approx(0.8, abs=0.101)
    assert f.failover_seconds == pytest.approx(0.8, abs=0.101)
    assert f.failover_to == S
    assert f.failback_seconds == pytest.approx(0.6, abs=0.101)
    assert f.error_window_seconds == pytest.approx(0.8, abs=0.101)  # refused until DNS moved
    assert result.passed and result.reasons == []
    assert result.restored
    assert world.calls == ["check", "inject", "lift", "restore"]
    assert result.timeline[0].t < 0 <= result.timeline[-1].t  # times are relative to the fault
    assert [e.name for e in result.events] == ["crash injected into aws-us-east-1", "crash lifted"]
    assert result.lifted_at is not None and result.lifted_at >= f.failover_seconds + 1.0  # held 1 s


def test_json_report_has_the_contract_fields(outputs: dict[str, Any]) -> None:
    result, _, _ = drill(outputs)
    data = result.to_json()
    for key in (
        "failover_seconds",
        "failback_seconds",
        "budget_seconds",
        "error_window_seconds",
        "detect_seconds",
        "fault",
        "target",
        "passed",
        "timeline",
    ):
        assert key in data
    assert data["fault"] == "crash" and data["target"] == P and data["passed"] is True
    assert data["budget_seconds"] == outputs["failoverBudgetSeconds"]
    assert {"t", "dns_answer", "dns_target", "http_status", "served_by", "error"} <= set(data["timeline"][0])


def test_crash_restart_time_is_added_to_the_failback_budget(outputs: dict[str, Any]) -> None:
    result, _, _ = drill(outputs, restart=0.7, recover=1.0)
    assert result.restart_seconds == 0.7
    assert "restart 0.70" in result.failback_budget.formula
    hc = result.plan.health_check
    assert result.failback_budget.seconds == pytest.approx(
        hc.interval_seconds * hc.recovery_threshold + hc.timeout_seconds + result.plan.ttl_seconds + 0.7
    )
    assert result.to_json()["failback_budget_terms"][-1]["name"] == "restart"
    assert result.figures.failback_seconds == pytest.approx(1.0, abs=0.101)  # measured from the lift, restart included
    assert any("restarted" in e.name for e in result.events)


def test_no_failover_is_a_fail_after_a_bounded_wait(outputs: dict[str, Any]) -> None:
    result, world, _ = drill(outputs, detect=None)
    assert not result.passed
    assert result.figures.failover_seconds is None
    assert any("no failover observed" in r for r in result.reasons)
    assert world.fault_at is not None and world.lifted_at is not None
    waited = world.lifted_at - world.fault_at
    assert wait_bound(result.failover_budget.seconds) <= waited < wait_bound(result.failover_budget.seconds) + 0.5
    assert result.restored  # still put back


def test_over_budget_failover_fails_with_the_figure(outputs: dict[str, Any]) -> None:
    budget = outputs["failoverBudgetSeconds"]
    result, _, _ = drill(outputs, detect=budget + 0.5)
    assert result.figures.failover_seconds is not None and result.figures.failover_seconds > budget
    assert not result.passed
    assert any("over the" in r for r in result.reasons)
    assert result.failover_ratio is not None and result.failover_ratio > 1


def test_no_failback_fails(outputs: dict[str, Any]) -> None:
    result, _, _ = drill(outputs, recover=None)
    assert result.figures.failover_seconds is not None
    assert result.figures.failback_seconds is None
    assert any("no failback observed" in r for r in result.reasons)


def test_a_target_that_is_not_serving_is_refused_before_any_fault(outputs: dict[str, Any]) -> None:
    plan = DrillPlan.from_outputs(outputs, stack="test", fault="crash", target="gcp")
    world = World(plan)
    injector = FakeInjector(world)
    timeline = SyncTimeline(world)
    with pytest.raises(DrillError, match="not the one serving"):
        run_drill(plan, injector, timeline, clock=world.clock, sleep=timeline.sleep)
    assert "inject" not in world.calls
    assert injector.restores == 1 and timeline.stopped


def test_refused_check_starts_nothing(outputs: dict[str, Any]) -> None:
    with pytest.raises(DrillError, match="no /-/fault"):
        drill(outputs, fault="unhealthy", fail_check=True)


def test_an_error_while_injecting_still_restores(outputs: dict[str, Any]) -> None:
    plan = DrillPlan.from_outputs(outputs, stack="test", fault=Fault.HANG)
    world = World(plan)
    injector = FakeInjector(world, fail_inject=True)
    timeline = SyncTimeline(world)
    with pytest.raises(DrillError, match="vanished"):
        run_drill(plan, injector, timeline, clock=world.clock, sleep=timeline.sleep)
    assert world.calls[-1] == "restore" and timeline.stopped


def test_ctrl_c_during_the_wait_lifts_the_fault_and_propagates(outputs: dict[str, Any]) -> None:
    plan = DrillPlan.from_outputs(outputs, stack="test", fault="slow")
    world = World(plan, detect=None, interrupt_at=102.0)
    injector = FakeInjector(world)
    timeline = SyncTimeline(world)
    with pytest.raises(KeyboardInterrupt):
        run_drill(plan, injector, timeline, clock=world.clock, sleep=timeline.sleep)
    assert "inject" in world.calls and world.calls[-1] == "restore"
    assert world.lifted_at is not None  # restore lifted the fault the drill never got to lift
    assert timeline.stopped


def test_observer_records_failures_as_samples_not_exceptions(outputs: dict[str, Any]) -> None:
    plan = DrillPlan.from_outputs(outputs, stack="test", fault="crash")

    def resolve(hostname: str) -> str | None:
        raise TimeoutError("timeout")

    clock = iter([1.0, 1.25])
    obs = Observer(plan, resolve=resolve, fetch=lambda a: HttpAnswer(200, None), clock=lambda: next(clock))
    s = obs.probe()
    assert s.error == "dns: timeout" and s.dns_answer is None and not s.good
    assert s.latency_seconds == 0.25

    def status_503(address: str) -> HttpAnswer:
        return HttpAnswer(503, None)

    obs = Observer(plan, resolve=lambda h: "127.0.66.2", fetch=status_503, clock=lambda: 5.0)
    s = obs.probe()
    assert s.http_status == 503 and s.error == "http: status 503"
    assert s.served_by == S and s.dns_target == S  # no JSON body: the address tells who served


def test_observer_background_probing_runs_at_ten_hertz(outputs: dict[str, Any]) -> None:
    import time

    plan = DrillPlan.from_outputs(outputs, stack="test", fault="crash")

    def slow_fetch(address: str) -> HttpAnswer:
        time.sleep(0.35)  # a hung target: each probe waits on its timeout
        raise TimeoutError

    obs = Observer(plan, resolve=lambda h: "127.0.66.1", fetch=slow_fetch)
    obs.start()
    time.sleep(1.05)
    obs.stop()
    samples = obs.samples()
    # Slow probes overlap instead of slowing the rate: about 10 probes in a second.
    assert 9 <= len(samples) <= 12
    gaps = [b.t - a.t for a, b in itertools.pairwise(samples)]
    assert max(gaps) < 0.2
    assert all(s.error == "http: TimeoutError" for s in samples)


def test_signals_during_restore_are_held_until_it_is_done() -> None:
    import os
    import signal

    from failoverkit.drill._runner import hold_interrupts

    finished = []
    with pytest.raises(KeyboardInterrupt), hold_interrupts():
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGTERM)
        finished.append("restore")  # still reached: neither signal cut the restore short
    assert finished == ["restore"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.parametrize("fault", [Fault.UNHEALTHY, Fault.FLAPPING])
def test_the_resolver_path_must_see_failover_except_for_a_flapping_target(
    outputs: dict[str, Any], fault: Fault
) -> None:
    # A caching resolver refreshes once per TTL; a flapping answer toggles about as often, so the two can alias.
    result, _, _ = drill(outputs, detect=0.8, recover=0.6)
    unseen = dataclasses.replace(result.figures, failover_seconds=None, failback_seconds=None)
    plan = dataclasses.replace(result.plan, fault=fault)
    judged = dataclasses.replace(result, plan=plan, resolver_name="dnsmasq", resolver_figures=unseen, reasons=[])
    reasons = verdict_reasons(judged)
    if fault is Fault.FLAPPING:
        assert reasons == []
    else:
        assert reasons == [
            "no failover observed through the resolver (dnsmasq)",
            "no failback observed through the resolver (dnsmasq)",
        ]
