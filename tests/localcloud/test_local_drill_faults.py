"""A LocalTarget's ``fault`` input (its ``drillFaults`` entry), called directly on the provider (no engine).

``unhealthy``: the demo app's fault switch, kept across a restart; ``down``: the process stopped while the
resource stays deployed; removing the input lifts either (docs/components.md, "Drill faults").
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from failoverkit.localcloud import process
from failoverkit.localcloud.providers import LocalTargetProvider
from localcloud_helpers import demo_launch
from test_local_providers import target_props

NAME = "shop-aws-us-east-1"


@pytest.fixture
def cleanup(state: Path) -> Iterator[list[dict[str, Any]]]:
    """Outputs to delete at teardown (the last state of each target)."""
    created: list[dict[str, Any]] = []
    try:
        yield created
    finally:
        for outs in created:
            LocalTargetProvider().delete(outs["name"], outs)


def health(outs: dict[str, Any]) -> int:
    return httpx.get(outs["healthUrl"], timeout=2).status_code


def serves(outs: dict[str, Any]) -> bool:
    return httpx.get(outs["url"] + "/", timeout=2).status_code == 200


def running(outs: dict[str, Any]) -> process.ProcessRecord | None:
    record = process.read_record(Path(outs["pidPath"]))
    return record if record is not None and process.is_running(record) else None


def test_the_demo_app_starts_in_the_fault_its_environment_names(state: Path) -> None:
    launch = demo_launch(state, "starts-unhealthy")
    launch = dataclasses.replace(launch, env={**launch.env, "FAILOVERKIT_FAULT": "unhealthy"})
    record = process.start(launch)
    try:
        base = f"http://{launch.address}:{launch.port}"
        assert httpx.get(base + "/-/fault", timeout=2).json()["mode"] == "unhealthy"
        assert httpx.get(base + "/health", timeout=2).status_code == 503
        assert httpx.get(base + "/", timeout=2).status_code == 200
    finally:
        process.stop(record, pid_path=launch.pid_path)


def test_unhealthy_answers_503_on_the_health_path_only_and_survives_a_restart(
    state: Path, cleanup: list[dict[str, Any]]
) -> None:
    outs = LocalTargetProvider().create({**target_props(state, NAME, "aws", "us-east-1"), "fault": "unhealthy"}).outs
    assert outs is not None
    cleanup.append(outs)
    assert (health(outs), serves(outs)) == (503, True)

    # A crash and restart from the saved launch (what a drill or `refresh` + `up` does) keeps the fault.
    record = running(outs)
    assert record is not None
    process.stop(record, pid_path=Path(outs["pidPath"]))
    launch = process.load_launch(state, NAME)
    assert launch is not None and launch.env["FAILOVERKIT_FAULT"] == "unhealthy"
    process.start(launch)
    assert (health(outs), serves(outs)) == (503, True)


def test_unhealthy_is_switched_on_and_off_on_the_running_process(state: Path, cleanup: list[dict[str, Any]]) -> None:
    provider = LocalTargetProvider()
    olds = provider.create(target_props(state, NAME, "aws", "us-east-1")).outs
    assert olds is not None
    cleanup.append(olds)
    assert health(olds) == 200
    news = {k: v for k, v in olds.items() if k not in ("pid", "url")}

    diff = provider.diff(NAME, olds, {**news, "fault": "unhealthy"})
    assert diff.changes and diff.replaces == [], "a fault updates in place"
    faulted = provider.update(NAME, olds, {**news, "fault": "unhealthy"}).outs
    assert faulted is not None
    assert faulted["pid"] == olds["pid"], "same process: only its fault switch changed"
    assert (health(faulted), serves(faulted)) == (503, True)
    launch = process.load_launch(state, NAME)
    assert launch is not None and launch.env["FAILOVERKIT_FAULT"] == "unhealthy"

    lifted = provider.update(NAME, faulted, news).outs  # the input removed
    assert lifted is not None and lifted["pid"] == olds["pid"]
    assert health(lifted) == 200
    launch = process.load_launch(state, NAME)
    assert launch is not None and launch.env["FAILOVERKIT_FAULT"] == "none"


def test_down_stops_the_process_keeps_the_resource_and_lifting_starts_it(
    state: Path, cleanup: list[dict[str, Any]]
) -> None:
    provider = LocalTargetProvider()
    olds = provider.create(target_props(state, NAME, "aws", "us-east-1")).outs
    assert olds is not None
    cleanup.append(olds)
    first = running(olds)
    assert first is not None
    news = {k: v for k, v in olds.items() if k not in ("pid", "url")}

    down = provider.update(NAME, olds, {**news, "fault": "down"}).outs
    assert down is not None and down["pid"] is None
    assert not process.is_running(first)
    assert not process.accepts_tcp(down["address"], int(down["port"]))
    read = provider.read(NAME, down)
    assert read.id == NAME, "refresh keeps a target that is down on purpose"
    assert process.load_launch(state, NAME) is not None, "a drill still finds its launch"

    up = provider.update(NAME, down, news).outs
    assert up is not None
    cleanup.append(up)
    again = running(up)
    assert again is not None and again.pid != first.pid and up["pid"] == again.pid
    assert (health(up), serves(up)) == (200, True)


def test_created_down_starts_nothing_until_lifted(state: Path, cleanup: list[dict[str, Any]]) -> None:
    provider = LocalTargetProvider()
    props = {**target_props(state, NAME, "aws", "us-east-1"), "fault": "down"}
    outs = provider.create(props).outs
    assert outs is not None and outs["pid"] is None
    cleanup.append(outs)
    assert not process.accepts_tcp(outs["address"], int(outs["port"]))
    assert provider.read(NAME, outs).id == NAME
    up = provider.update(NAME, outs, {k: v for k, v in props.items() if k != "fault"}).outs
    assert up is not None and running(up) is not None
    cleanup.append(up)
    assert health(up) == 200


def test_unhealthy_on_an_app_without_the_fault_switch_is_refused_and_leaves_nothing(state: Path) -> None:
    props = {**target_props(state, NAME, "aws", "us-east-1"), "fault": "unhealthy"}
    # Any app without POST /-/fault: the standard library's file server answers 501 to a POST.
    props["argv"] = [sys.executable, "-m", "http.server", "--bind", props["address"], str(int(props["port"]))]
    with pytest.raises(process.ProcessError, match=r"fault 'unhealthy' needs the app's fault switch \(POST http"):
        LocalTargetProvider().create(props)
    assert not process.accepts_tcp(props["address"], int(props["port"])), "the process was stopped"


def test_an_unknown_fault_input_is_refused(state: Path) -> None:
    with pytest.raises(ValueError, match=re.escape("fault: must be one of unhealthy | down or absent, got 'crash'")):
        LocalTargetProvider().create({**target_props(state, NAME, "aws", "us-east-1"), "fault": "crash"})
