"""One analysis of a stack serves every policy of the pack that reads that same stack, and no other stack."""

from __future__ import annotations

from typing import Any

import pytest
from failoverkit_policies import POLICIES
from failoverkit_policies.base import stack_context
from failoverkit_policies.config import PackConfig
from failoverkit_policies.props import UNKNOWN as PACK_UNKNOWN
from failoverkit_policies.props import known, plain, raw
from policy_fixtures import UNKNOWN, cloud_baseline
from pulumi_policy.proxy import UNKNOWN_NUMBER_VALUE, unknown_checking_proxy

RECORD = "shop-aws-us-east-1-r53-primary"


def test_the_same_resources_share_one_context() -> None:
    args = cloud_baseline().args()
    first = stack_context(args, PackConfig())
    assert stack_context(args, PackConfig()) is first
    assert (
        stack_context(cloud_baseline().args(), PackConfig()) is first
    )  # fresh objects, equal stack: the engine's case


def test_another_config_gets_its_own_context_of_the_same_model() -> None:
    args = cloud_baseline().args()
    default, strict = stack_context(args, PackConfig()), stack_context(args, PackConfig(min_regions=3))
    assert strict is not default
    assert strict.model is default.model
    assert strict.config.min_regions == 3


@pytest.mark.parametrize(("before", "after"), [(30, 30.0), (1, True), (0, False), (0.0, -0.0), (30, "30")])
def test_a_value_equal_only_to_python_is_another_stack(before: Any, after: Any) -> None:
    # 1 == 1.0 == True in Python, but a policy may tell them apart (a boolean is no TTL; -0 prints as -0).
    b = cloud_baseline()
    b.props(RECORD)["ttl"] = before
    seen = stack_context(b.args(), PackConfig()).model.by_urn(b.urn(RECORD))
    b.props(RECORD)["ttl"] = after
    now = stack_context(b.args(), PackConfig()).model.by_urn(b.urn(RECORD))
    assert seen is not None and now is not None and seen is not now
    assert repr(now.props["ttl"]) == repr(after)


def test_a_changed_value_deep_in_a_resource_is_another_stack() -> None:
    b = cloud_baseline()
    first = stack_context(b.args(), PackConfig())
    b.props("shop")["dns"]["healthCheck"]["intervalSeconds"] = 30
    assert stack_context(b.args(), PackConfig()) is not first


def test_the_engines_stack_config_is_part_of_the_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    args = cloud_baseline().args()
    monkeypatch.setenv("PULUMI_CONFIG", '{"aws:region": "us-east-1"}')
    first = stack_context(args, PackConfig())
    monkeypatch.setenv("PULUMI_CONFIG", '{"aws:region": "us-west-2"}')
    second = stack_context(args, PackConfig())
    assert second is not first
    assert second.model.stack_config == {"aws:region": "us-west-2"}


def test_raw_keeps_every_value_and_known_gives_plains_result() -> None:
    value = {"a": UNKNOWN, "b": [1, 1.0, True, None, UNKNOWN_NUMBER_VALUE], "c": {"d": {"e": -0.0}}, "f": "text"}
    proxied = unknown_checking_proxy(value)
    unwrapped = raw(proxied)
    assert unwrapped != raw(unknown_checking_proxy({**value, "b": [1.0, 1, 1, None, UNKNOWN_NUMBER_VALUE]}))
    assert known(unwrapped) == plain(proxied)
    assert plain(proxied) == {
        "a": PACK_UNKNOWN,
        "b": [1, 1.0, True, None, PACK_UNKNOWN],
        "c": {"d": {"e": -0.0}},
        "f": "text",
    }
    assert [type(v) for v in plain(proxied)["b"]] == [int, float, bool, type(None), type(PACK_UNKNOWN)]


def test_each_policy_judges_the_stack_it_is_given_not_the_last_one() -> None:
    bad = cloud_baseline()
    bad.props(RECORD)["ttl"] = 3600
    bad.remove("shop-gcp-us-central1-run")
    first = {p.name: p.run(bad.args()) for p in POLICIES}
    assert any(first.values())
    for policy in POLICIES:  # compliant, then the broken one again, policy by policy as the SDK runs them
        assert policy.run(cloud_baseline().args()) == [], policy.name
        assert policy.run(bad.args()) == first[policy.name], policy.name
