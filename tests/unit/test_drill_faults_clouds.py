"""``drillFaults`` on the cloud reference stacks under mocks: the documented fault resources and nothing else.

Each case runs a stack of stacks/ through the reference program twice, without and with one fault, and
diffs what was registered (resource by URN: type, inputs, options that matter): the difference must be
exactly the fault's documented change (docs/components.md, "Drill faults"). Removing the setting gives the
first run back, which is how a fault is lifted.
"""

from __future__ import annotations

import json
from typing import Any

from failoverkit.check.mocks import PlausibleMocks, RecordedResource, RecordingMonitor, run_program
from failoverkit.program import reference_program
from test_stacks import stack_config


def run(stack: str, faults: list[dict[str, str]] | None = None) -> tuple[dict[str, RecordedResource], dict[str, Any]]:
    config = stack_config(stack)
    if faults is not None:
        config["failoverkit:drillFaults"] = json.dumps(faults)
    monitor = RecordingMonitor(PlausibleMocks())
    resources = run_program(reference_program, project="failoverkit", stack=stack, config=config, monitor=monitor)
    return {r.name: r for r in resources}, monitor.stack_outputs


def inputs(resource: RecordedResource) -> dict[str, Any]:
    """Inputs, plus the options that change what an ``up`` does (as ``options.<name>``)."""
    props = {**resource.inputs, **{f"options.{k}": v for k, v in resource.options.items()}}
    return dict(json.loads(json.dumps(props, sort_keys=True, default=str)))


def diff(
    stack: str, faults: list[dict[str, str]]
) -> tuple[set[str], dict[str, dict[str, tuple[Any, Any]]], dict[str, RecordedResource], dict[str, Any]]:
    """(names added, {name: {input: (without, with)}} changed, the faulted run's resources, its stack outputs)."""
    before, _ = run(stack)
    after, outputs = run(stack, faults)
    assert set(before) <= set(after), f"a fault removes nothing: {sorted(set(before) - set(after))}"
    changed: dict[str, dict[str, tuple[Any, Any]]] = {}
    for name, old in before.items():
        new = after[name]
        assert (new.type, new.parent, new.provider) == (old.type, old.parent, old.provider), name
        a, b = inputs(old), inputs(new)
        delta = {k: (a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)}
        if delta:
            changed[name] = delta
    return set(after) - set(before), changed, after, outputs


def test_no_drill_faults_export_an_empty_list() -> None:
    _, outputs = run("aws-gcp")
    assert outputs["drillFaults"] == []


def test_drill_faults_in_effect_are_a_stack_output() -> None:
    _, outputs = run("aws-gcp", [{"target": "aws-us-east-1", "fault": "unhealthy"}])
    assert outputs["drillFaults"] == [{"target": "aws-us-east-1", "fault": "unhealthy"}]
