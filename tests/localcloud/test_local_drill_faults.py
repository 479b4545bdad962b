"""A LocalTarget's ``fault`` input (its ``drillFaults`` entry), called directly on the provider (no engine).

``unhealthy`` and ``slow``: the demo app's fault switch, kept across a restart; ``down``: the process stopped
(gracefully) and ``crash``: killed (SIGKILL), while the resource stays deployed; ``hang``: the process frozen
(SIGSTOP); removing the input lifts each (docs/components.md, "Drill faults").
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
from failoverkit import demoapp
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


def graceful_stops(outs: dict[str, Any]) -> int:
    """How often the app logged its clean exit (``stopped``, after SIGTERM); a SIGKILL leaves no line."""
    return sum(line.endswith(" stopped") for line in Path(outs["logPath"]).read_text().splitlines())


def answers(outs: dict[str, Any], path: str = "/", timeout: float = 0.5) -> int | None:
    """The status of ``path``, or None when nothing answers within ``timeout`` (a hung or slow app)."""
    try:
        return httpx.get(outs["url"] + path, timeout=timeout).status_code
    except httpx.TimeoutException:
        return None


def switch(outs: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(outs["url"] + "/-/fault", timeout=2).json()
    return body


def without_fault(outs: dict[str, Any]) -> dict[str, Any]:
    """The inputs of ``outs`` with no fault (what the next `up` passes once the setting is removed)."""
    return {k: v for k, v in outs.items() if k not in ("pid", "url", "fault", "faultDelaySeconds")}


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


def test_the_demo_app_starts_slow_with_the_delay_its_environment_names(state: Path) -> None:
    launch = demo_launch(state, "starts-slow")
    env = {**launch.env, "FAILOVERKIT_FAULT": "slow", "FAILOVERKIT_FAULT_DELAY_SECONDS": "0.8"}
    launch = dataclasses.replace(launch, env=env)
    record = process.start(launch)
    try:
        base = f"http://{launch.address}:{launch.port}"
        assert httpx.get(base + "/-/fault", timeout=2).json() == {"mode": "slow", "delaySeconds": 0.8}
        with pytest.raises(httpx.TimeoutException):
            httpx.get(base + "/health", timeout=0.3)
    finally:
        process.stop(record, pid_path=launch.pid_path)


@pytest.mark.parametrize("delay", ["abc", "-1", "601"])
def test_the_demo_app_refuses_a_bad_fault_delay(
    delay: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FAILOVERKIT_FAULT_DELAY_SECONDS", delay)
    with pytest.raises(SystemExit) as exited:
        demoapp.main(["--fault", "slow"])
    assert exited.value.code == 2
    assert f"--fault-delay-seconds: must be a number of seconds from 0 to 600, got {delay!r}" in capsys.readouterr().err


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
    assert graceful_stops(down) == 1, "down stops the app gracefully (SIGTERM)"
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
    message = "fault: must be one of unhealthy | down | crash | hang | slow or absent, got 'flapping'"
    with pytest.raises(ValueError, match=re.escape(message)):
        LocalTargetProvider().create({**target_props(state, NAME, "aws", "us-east-1"), "fault": "flapping"})


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"fault": "slow"}, "faultDelaySeconds: fault slow needs a number of seconds above 0, at most 600, got None"),
        (
            {"fault": "slow", "faultDelaySeconds": 601.0},
            "faultDelaySeconds: fault slow needs a number of seconds above 0, at most 600, got 601.0",
        ),
        (
            {"fault": "hang", "faultDelaySeconds": 2.0},
            "faultDelaySeconds: applies only to fault: slow, got 2.0 with fault: hang",
        ),
    ],
)
def test_a_bad_slow_delay_is_refused_before_anything_starts(state: Path, extra: dict[str, Any], message: str) -> None:
    props = {**target_props(state, NAME, "aws", "us-east-1"), **extra}
    with pytest.raises(ValueError, match=re.escape(message)):
        LocalTargetProvider().create(props)
    assert not process.accepts_tcp(props["address"], int(props["port"]))


def test_crash_kills_the_process_keeps_the_resource_and_lifting_starts_it(
    state: Path, cleanup: list[dict[str, Any]]
) -> None:
    provider = LocalTargetProvider()
    olds = provider.create(target_props(state, NAME, "aws", "us-east-1")).outs
    assert olds is not None
    cleanup.append(olds)
    first = running(olds)
    assert first is not None

    crashed = provider.update(NAME, olds, {**without_fault(olds), "fault": "crash"}).outs
    assert crashed is not None and crashed["pid"] is None
    assert not process.is_running(first)
    assert graceful_stops(crashed) == 0, "a crash is a SIGKILL: the app never logs its clean exit (unlike down)"
    assert not Path(crashed["pidPath"]).exists()
    assert not process.accepts_tcp(crashed["address"], int(crashed["port"]))
    read = provider.read(NAME, crashed)
    assert read.id == NAME and read.outs["pid"] is None, "refresh keeps a target crashed on purpose"
    assert process.load_launch(state, NAME) is not None, "not restarted, but a lift finds its launch"

    up = provider.update(NAME, crashed, without_fault(crashed)).outs
    assert up is not None
    cleanup.append(up)
    again = running(up)
    assert again is not None and again.pid != first.pid and up["pid"] == again.pid
    assert (health(up), serves(up)) == (200, True)


def test_created_crashed_starts_nothing_until_lifted(state: Path, cleanup: list[dict[str, Any]]) -> None:
    provider = LocalTargetProvider()
    outs = provider.create({**target_props(state, NAME, "aws", "us-east-1"), "fault": "crash"}).outs
    assert outs is not None and outs["pid"] is None
    cleanup.append(outs)
    assert not process.accepts_tcp(outs["address"], int(outs["port"]))
    assert provider.read(NAME, outs).id == NAME
    up = provider.update(NAME, outs, without_fault(outs)).outs
    assert up is not None and running(up) is not None
    cleanup.append(up)
    assert health(up) == 200


def test_hang_freezes_the_process_and_lifting_continues_the_same_one(
    state: Path, cleanup: list[dict[str, Any]]
) -> None:
    provider = LocalTargetProvider()
    olds = provider.create(target_props(state, NAME, "aws", "us-east-1")).outs
    assert olds is not None
    cleanup.append(olds)
    first = running(olds)
    assert first is not None

    hung = provider.update(NAME, olds, {**without_fault(olds), "fault": "hang"}).outs
    assert hung is not None and hung["pid"] == first.pid
    assert process.process_state(first.pid) == "T", "SIGSTOP is in effect"
    assert process.accepts_tcp(hung["address"], int(hung["port"])), "the kernel still accepts connections"
    assert answers(hung, "/health") is None and answers(hung, "/") is None, "nothing answers"
    read = provider.read(NAME, hung)
    assert read.id == NAME and read.outs["pid"] == first.pid, "refresh keeps a hung target"

    lifted = provider.update(NAME, hung, without_fault(hung)).outs
    assert lifted is not None and lifted["pid"] == first.pid, "the same process, continued"
    assert process.process_state(first.pid) != "T"
    assert (health(lifted), serves(lifted)) == (200, True)


def test_destroying_a_hung_target_continues_it_so_it_stops_cleanly(state: Path) -> None:
    provider = LocalTargetProvider()
    outs = provider.create({**target_props(state, NAME, "aws", "us-east-1"), "fault": "hang"}).outs
    assert outs is not None
    record = running(outs)
    assert record is not None and process.process_state(record.pid) == "T", "created hung: frozen once listening"
    provider.delete(NAME, outs)
    assert not process.is_running(record)
    # Without SIGCONT the pending SIGTERM waits for the SIGKILL fallback and the app never logs its exit.
    assert graceful_stops(outs) == 1
    assert not process.accepts_tcp(outs["address"], int(outs["port"]))
    assert not Path(outs["pidPath"]).exists() and not Path(outs["launchPath"]).exists()


def test_slow_answers_the_health_path_late_and_survives_a_restart(state: Path, cleanup: list[dict[str, Any]]) -> None:
    provider = LocalTargetProvider()
    props = {**target_props(state, NAME, "aws", "us-east-1"), "fault": "slow", "faultDelaySeconds": 1.5}
    outs = provider.create(props).outs
    assert outs is not None
    cleanup.append(outs)
    assert switch(outs) == {"mode": "slow", "delaySeconds": 1.5}
    assert answers(outs, "/health", timeout=0.5) is None, "later than a 0.5 s check timeout"
    assert answers(outs, "/health", timeout=5) == 200, "then it answers"
    assert serves(outs)

    # A crash and restart from the saved launch keeps the fault and its delay.
    record = running(outs)
    assert record is not None
    process.stop(record, pid_path=Path(outs["pidPath"]))
    launch = process.load_launch(state, NAME)
    assert launch is not None
    assert (launch.env["FAILOVERKIT_FAULT"], launch.env["FAILOVERKIT_FAULT_DELAY_SECONDS"]) == ("slow", "1.5")
    process.start(launch)
    assert switch(outs) == {"mode": "slow", "delaySeconds": 1.5}

    lifted = provider.update(NAME, outs, without_fault(outs)).outs
    assert lifted is not None
    assert switch(lifted)["mode"] == "none" and health(lifted) == 200
    launch = process.load_launch(state, NAME)
    assert launch is not None and launch.env["FAILOVERKIT_FAULT"] == "none"
    assert "FAILOVERKIT_FAULT_DELAY_SECONDS" not in launch.env


def test_one_fault_after_another_on_the_same_target(state: Path, cleanup: list[dict[str, Any]]) -> None:
    """Each change of the setting is one update: the switch, the process or both follow."""
    provider = LocalTargetProvider()
    outs = provider.create(target_props(state, NAME, "aws", "us-east-1")).outs
    assert outs is not None
    cleanup.append(outs)
    first = running(outs)
    assert first is not None
    base = without_fault(outs)

    def to(**fault: Any) -> dict[str, Any]:
        nonlocal outs
        news = provider.update(NAME, outs, {**base, **fault}).outs
        assert news is not None
        outs = news
        cleanup.append(outs)
        return outs

    to(fault="unhealthy")
    assert health(outs) == 503 and outs["pid"] == first.pid
    to(fault="slow", faultDelaySeconds=1.5)
    assert switch(outs) == {"mode": "slow", "delaySeconds": 1.5} and outs["pid"] == first.pid
    to(fault="hang")
    assert process.process_state(first.pid) == "T"
    to(fault="crash")
    assert outs["pid"] is None and not process.is_running(first), "a frozen process is killed too"
    to(fault="hang")
    hung = running(outs)
    assert hung is not None and hung.pid != first.pid and process.process_state(hung.pid) == "T"
    to(fault="down")
    assert outs["pid"] is None and not process.is_running(hung)
    to()
    assert running(outs) is not None and (health(outs), serves(outs)) == (200, True)
    assert switch(outs)["mode"] == "none"
