"""The mocks under `failoverkit check`: invokes answer with typed results or unknowns, never their own
arguments."""

from __future__ import annotations

import json
from typing import Any

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
