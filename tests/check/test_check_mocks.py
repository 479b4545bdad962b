"""The mocks under `failoverkit check`: invokes answer with typed results or unknowns, never their own
arguments, and a failed run leaves nothing for the garbage collector to complain about."""

from __future__ import annotations

import gc
import json
import sys
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
from failoverkit.check.mocks import INVOKE_RESULTS, UNKNOWN_RESULT, PlausibleMocks, run_program
from pulumi.runtime.mocks import MockCallArgs

ECHO_KEY, ECHO_VALUE = "echoSentinel", "echo-sentinel-7f3a"
# What a caller passes: a marker nobody reads, a bool (get_ami's most_recent came back as "true"), a region.
CALL_ARGS: dict[str, Any] = {ECHO_KEY: ECHO_VALUE, "mostRecent": True, "region": "eu-west-1", "location": "westeurope"}


@pytest.mark.parametrize("token", sorted(INVOKE_RESULTS))
def test_a_known_data_source_answers_with_its_own_result_not_the_arguments(token: str) -> None:
    result, failures = PlausibleMocks(preview=True).call(MockCallArgs(token, dict(CALL_ARGS), ""))
    assert failures == []
    assert isinstance(result, dict) and result, result
    assert result != CALL_ARGS
    assert ECHO_KEY not in result and "mostRecent" not in result
    assert ECHO_VALUE not in json.dumps(result), result


def test_an_unknown_data_source_is_unknown_in_a_preview_not_its_arguments() -> None:
    mocks = PlausibleMocks(preview=True)
    result, _ = mocks.call(MockCallArgs("aws:ssm/getParameter:getParameter", dict(CALL_ARGS), ""))
    assert result is UNKNOWN_RESULT
    assert mocks.unanswered == ["aws:ssm/getParameter:getParameter"]


def test_a_program_sees_typed_invoke_results_and_unknowns() -> None:
    seen: dict[str, Any] = {}

    def program() -> None:
        ami = aws.ec2.get_ami_output(most_recent=True, owners=["amazon"])
        ami.apply(lambda r: seen.update(id=r.id, most_recent=r.most_recent, owners=r.owners))
        # No offline result: unknown, so the program's apply never runs (as in a real preview).
        aws.ssm.get_parameter_output(name="/shop/db-password").apply(lambda r: seen.update(parameter=r.value))

    run_program(program, project="p", stack="s", preview=True, config={"aws:region": "eu-west-1"})
    assert str(seen["id"]).startswith("ami-")
    assert seen["most_recent"] is not True and seen["most_recent"] != "true"  # not the argument echoed
    assert seen["owners"] != ["amazon"]
    assert "parameter" not in seen


def test_a_failed_run_leaves_no_event_loop_for_the_garbage_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    # A failed program used to leave the mock monitor's per-thread event loops in reference cycles; the
    # collector then finalised a loop after its self-pipe socket, and BaseEventLoop.__del__ raised
    # "ValueError: Invalid file descriptor: -1" into sys.unraisablehook ("Exception ignored in ..."). Every such
    # loop also warns "unclosed event loop" as it is collected (an error here: pytest's filterwarnings), so an
    # unclosed loop fails this test every time, not only when the collector picks the bad order.
    unraisable: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: unraisable.append(f"{u.object!r}: {u.exc_value!r}"))

    def program() -> None:
        for i in range(8):  # registrations run on the monitor's worker threads, each with its own loop
            pulumi.CustomResource("aws:s3/bucket:Bucket", f"bucket-{i}", {"bucket": f"b{i}"})
        aws.get_availability_zones_output().apply(lambda z: z.names)
        raise RuntimeError("boom from the program")

    for _ in range(3):
        with pytest.raises(Exception, match="boom from the program"):
            run_program(program, project="p", stack="s", preview=True, config={"aws:region": "eu-west-1"})
        gc.collect()
    gc.collect()
    assert unraisable == []
