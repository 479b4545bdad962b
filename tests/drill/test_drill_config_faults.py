"""Drills through ``failoverkit:drillFaults``: refusals, ``--yes``, and the lift on error, Ctrl-C and failure.

A fake Automation API stack stands in for the engine: ``set_config``/``remove_config`` with paths edit a
config dict, ``up`` copies it into the ``drillFaults`` output (as FailoverApp exports it), and the fake
world's DNS follows the faults in effect. No engine, no sockets, no sleeping beyond a few polls.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from drill_support import make_outputs
from failoverkit.drill import ConfigFault, DrillPlan, HttpAnswer, Observer, hand_lift_commands, run_drill
from failoverkit.drill._plan import DRILL_FAULTS_KEY
from failoverkit.errors import DrillError, LiftFailed

P, S, T = "aws-us-east-1", "gcp-europe-west1", "azure-westeurope"


class UpFailed(Exception):
    """What an engine ``up`` raises here (the Automation API raises CommandError)."""


@dataclass
class FakeStack:
    """An Automation API stack: config with ``path`` keys, ``up`` applying it to the ``drillFaults`` output."""

    outputs_now: dict[str, Any]
    name: str = "prod"
    deployed: bool = True
    config: list[dict[str, str]] | None = None
    calls: list[str] = field(default_factory=list)
    fail_ups_after: int | None = None
    """Ups that succeed before every later one fails."""
    interrupt_on_up: int | None = None
    ups: int = 0

    def outputs(self) -> dict[str, Any]:
        return dict(self.outputs_now) if self.deployed else {}

    def history(self, page_size: int | None = None, page: int | None = None) -> list[str]:
        return ["update 1"] if self.deployed else []

    def get_config(self, key: str, *, path: bool = False) -> Any:
        if key != DRILL_FAULTS_KEY or self.config is None:
            raise KeyError(key)
        return json.dumps(self.config)

    def set_config(self, key: str, value: Any, *, path: bool = False) -> None:
        self.calls.append(f"set {key}={value.value}")
        m = re.fullmatch(rf"{DRILL_FAULTS_KEY}\[(\d+)\]\.(target|fault)", key)
        assert path and m, key
        faults = self.config = self.config or []
        index = int(m.group(1))
        while len(faults) <= index:
            faults.append({})
        faults[index][m.group(2)] = value.value

    def remove_config(self, key: str, *, path: bool = False) -> None:
        self.calls.append(f"rm {key}")
        if key == DRILL_FAULTS_KEY:
            self.config = None
            return
        m = re.fullmatch(rf"{DRILL_FAULTS_KEY}\[(\d+)\]", key)
        assert path and m and self.config is not None, key
        del self.config[int(m.group(1))]

    def up(self, on_output: Any = None) -> None:
        self.ups += 1
        self.calls.append("up")
        if self.interrupt_on_up == self.ups:
            raise KeyboardInterrupt
        if self.fail_ups_after is not None and self.ups > self.fail_ups_after:
            raise UpFailed("error: the provider said no")
        self.outputs_now["drillFaults"] = [dict(f) for f in self.config or []]


def cloud_outputs(**extra: Any) -> dict[str, Any]:
    outputs = make_outputs(interval=10, threshold=3, timeout=5, recovery=3, ttl=30, server=None)
    outputs["dns"]["providers"] = ["route53"]
    for e in outputs["endpoints"]:
        e.update(simulated=False, protocol="HTTPS", port=443, originHostname=f"{e['key']}.lb.example.com")
    return {**outputs, "drillFaults": [], **extra}


def plan_of(outputs: dict[str, Any], fault: str = "unhealthy", target: str | None = None) -> DrillPlan:
    return DrillPlan.from_outputs(outputs, stack="prod", fault=fault, target=target)


def injector(stack: FakeStack, *, confirmed: bool = True, **kw: Any) -> ConfigFault:
    return ConfigFault(plan_of(stack.outputs_now, **kw), stack, confirmed=confirmed)


# --- refusals: each before anything is touched ---


def refused(stack: FakeStack, match: str, **kw: Any) -> None:
    with pytest.raises(DrillError, match=match):
        injector(stack, **kw).check()
    assert stack.calls == [], "a refused drill must not touch the stack"


def test_a_stack_that_was_never_deployed_is_refused() -> None:
    refused(FakeStack(cloud_outputs(), deployed=False), r"stack 'prod' is not deployed \(no update in its history\)")


@pytest.mark.parametrize("fault", ["crash", "hang", "slow", "flapping"])
def test_process_and_endpoint_faults_are_refused_on_cloud_targets(fault: str) -> None:
    refused(
        FakeStack(cloud_outputs()),
        rf"--fault {fault}: target {P} \(aws\) cannot take it.*takes --fault unhealthy \| down",
        fault=fault,
    )


def test_a_fault_the_targets_cloud_cannot_take_is_refused() -> None:
    # Azure Container Apps has no path rules: the component takes only `down` there (spec.CLOUD_FAULTS).
    refused(
        FakeStack(cloud_outputs()), rf"--fault unhealthy: target {T} \(azure\) cannot take it.*--fault down", target=T
    )


def test_the_last_healthy_target_is_refused() -> None:
    stack = FakeStack(cloud_outputs(drillFaults=[{"target": S, "fault": "down"}, {"target": T, "fault": "down"}]))
    refused(stack, rf"{P} is the last healthy target.*{S}: down, {T}: down")


def test_a_target_already_faulted_is_refused_with_the_command_that_lifts_it() -> None:
    stack = FakeStack(cloud_outputs(drillFaults=[{"target": P, "fault": "down"}]))
    refused(stack, re.escape(f"pulumi config rm {DRILL_FAULTS_KEY} -s prod && pulumi up -s prod"))
    # Second of two entries in the config: only its own entry goes.
    entries = [{"target": T, "fault": "down"}, {"target": P, "fault": "down"}]
    stack = FakeStack(cloud_outputs(drillFaults=entries), config=[dict(e) for e in entries])
    refused(stack, re.escape(f"pulumi config rm --path '{DRILL_FAULTS_KEY}[1]' -s prod && pulumi up -s prod"))
    # Lifted in the config but not yet applied (an interrupted lift): only the up is missing.
    stack = FakeStack(cloud_outputs(drillFaults=entries[1:]), config=[dict(entries[0])])
    refused(stack, r"lift it first: pulumi up -s prod$")


def test_a_cloud_stack_needs_yes_and_the_message_says_why() -> None:
    refused(
        FakeStack(cloud_outputs()),
        r"runs on real clouds.*engine up.*users of shop.drill.test.*pass --yes",
        confirmed=False,
    )


def test_a_simulated_stack_needs_no_yes() -> None:
    stack = FakeStack({**make_outputs(), "drillFaults": []}, name="local")
    ConfigFault(plan_of(stack.outputs_now), stack, confirmed=False).check()


# --- injection and lifting ---


def test_inject_appends_the_fault_and_ups_lift_removes_it_and_ups() -> None:
    stack = FakeStack(cloud_outputs())
    fault = injector(stack)
    fault.check()
    assert fault.inject() is None  # no health probe given: times count from the call
    assert stack.outputs_now["drillFaults"] == [{"target": P, "fault": "unhealthy"}]
    fault.lift()
    assert stack.calls == [
        f"set {DRILL_FAULTS_KEY}[0].target={P}",
        f"set {DRILL_FAULTS_KEY}[0].fault=unhealthy",
        "up",
        f"rm {DRILL_FAULTS_KEY}",
        "up",
    ]
    assert stack.config is None and fault.restore() is True


def test_a_fault_beside_another_one_is_lifted_by_its_own_index() -> None:
    other = {"target": T, "fault": "down"}
    stack = FakeStack(cloud_outputs(drillFaults=[other]), config=[dict(other)])
    fault = injector(stack, fault="down")
    fault.check()
    fault.inject()
    assert stack.outputs_now["drillFaults"] == [other, {"target": P, "fault": "down"}]
    assert fault.hand_lift == f"pulumi config rm --path '{DRILL_FAULTS_KEY}[1]' -s prod && pulumi up -s prod"
    fault.lift()
    assert stack.config == [other] and stack.outputs_now["drillFaults"] == [other]


def test_injection_and_lift_are_timed_from_when_the_health_url_shows_them() -> None:
    stack = FakeStack(cloud_outputs())
    now = [50.0]
    fault = ConfigFault(
        plan_of(stack.outputs_now),
        stack,
        confirmed=True,
        health_status=lambda: 503 if stack.outputs_now["drillFaults"] else 200,
        clock=lambda: now[0],
    )
    fault.check()
    assert fault.inject() == 50.0
    now[0] = 80.0
    fault.lift()
    assert fault.lift_seen_at == 80.0  # failback counts from when the health URL answered 200 again


# --- the whole drill against a fake world: lift on error, on Ctrl-C, and when lifting fails ---


@dataclass
class World:
    """DNS answers the first target without a fault in effect (as the health checks would decide)."""

    stack: FakeStack
    plan: DrillPlan

    def resolve(self, hostname: str) -> str:
        faulted = {f["target"] for f in self.stack.outputs_now.get("drillFaults") or []}
        return next(e.address for e in self.plan.endpoints if e.key not in faulted)

    def fetch(self, address: str) -> HttpAnswer:
        cloud, region = (self.plan.key_of(address) or "?-?").split("-", 1)
        return HttpAnswer(200, {"cloud": cloud, "region": region})


def drill(stack: FakeStack, **kw: Any) -> Any:
    # Cloud targets whose origins are addresses, so the fake DNS answers map back to targets.
    plan = DrillPlan.from_outputs(
        {
            **stack.outputs_now,
            "endpoints": [
                {**e, "originHostname": f"10.0.0.{i + 1}"} for i, e in enumerate(stack.outputs_now["endpoints"])
            ],
        },
        stack="prod",
        fault="unhealthy",
    )
    world = World(stack, plan)
    observer = Observer(plan, resolve=world.resolve, fetch=world.fetch, period_seconds=0.01)
    return run_drill(
        plan, ConfigFault(plan, stack, confirmed=True), observer, hold_seconds=0.05, poll_seconds=0.01, **kw
    )


def test_a_drill_through_the_config_passes_and_leaves_no_fault() -> None:
    stack = FakeStack(cloud_outputs())
    result = drill(stack)
    assert result.passed, result.reasons
    assert result.figures.failover_to == S and stack.config is None and stack.outputs_now["drillFaults"] == []


def test_an_error_after_the_injection_lifts_the_fault() -> None:
    stack = FakeStack(cloud_outputs())

    class Broken(Exception):
        pass

    class Explodes:
        def phase(self, name: str, bound_seconds: float) -> None:
            if name.startswith("failover"):
                raise Broken("observer died")

        def update(self, elapsed_seconds: float, latest: Any) -> None: ...
        def event(self, message: str) -> None: ...
        def close(self) -> None: ...

    with pytest.raises(Broken):
        drill(stack, progress=Explodes())
    assert stack.calls[-2:] == [f"rm {DRILL_FAULTS_KEY}", "up"] and stack.outputs_now["drillFaults"] == []


def test_ctrl_c_during_the_injecting_up_lifts_the_fault() -> None:
    stack = FakeStack(cloud_outputs(), interrupt_on_up=1)
    with pytest.raises(KeyboardInterrupt):
        drill(stack)
    assert stack.calls[-2:] == [f"rm {DRILL_FAULTS_KEY}", "up"] and stack.config is None


def test_a_lift_that_fails_says_the_commands_that_lift_it_by_hand() -> None:
    stack = FakeStack(cloud_outputs(), fail_ups_after=1)
    with pytest.raises(LiftFailed) as caught:
        drill(stack)
    command = f"pulumi config rm {DRILL_FAULTS_KEY} -s prod && pulumi up -s prod"
    assert caught.value.commands == command == hand_lift_commands("prod", None)
    assert f"lift it by hand: {command}" in str(caught.value) and "the provider said no" in str(caught.value)
    # The config entry was removed once; the retry only re-ran the up (never a second, wrong removal).
    assert stack.calls.count(f"rm {DRILL_FAULTS_KEY}") == 1 and stack.calls[-1] == "up"


# --- the command: --yes and the hand-lift message reach the user ---


def run_command(monkeypatch: pytest.MonkeyPatch, stack: FakeStack, *argv: str) -> int:
    import argparse

    from failoverkit.drill import _cli

    monkeypatch.setattr(_cli, "_load", lambda args: (stack.outputs(), None, stack))
    monkeypatch.setattr(_cli, "cloud_addresses", lambda plan: {})
    parser = argparse.ArgumentParser()
    _cli.add_arguments(parser)
    return _cli.run(parser.parse_args(["--stack", "prod", *argv]))


def test_the_command_refuses_a_cloud_stack_without_yes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = FakeStack(cloud_outputs())
    assert run_command(monkeypatch, stack, "--fault", "down") == 2
    assert "pass --yes to go ahead" in capsys.readouterr().err and stack.calls == []


def test_the_command_prints_the_hand_lift_commands(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from failoverkit.drill import _cli

    stack = FakeStack(cloud_outputs())

    def lift_fails(*args: Any, **kw: Any) -> Any:
        raise LiftFailed("the down fault on aws-us-east-1 is still in stack 'prod'", hand_lift_commands("prod", None))

    monkeypatch.setattr(_cli, "execute", lift_fails)
    assert run_command(monkeypatch, stack, "--fault", "down", "--yes") == 2
    err = capsys.readouterr().err
    assert f"lift it by hand: pulumi config rm {DRILL_FAULTS_KEY} -s prod && pulumi up -s prod" in err
    assert "the fault was lifted" not in err
