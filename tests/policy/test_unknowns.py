"""Preview: values the engine does not know yet never crash a policy and never pass for real values."""

from __future__ import annotations

import pytest
from failoverkit_policies import POLICIES
from failoverkit_policies.base import FailoverPolicy
from failoverkit_policies.props import UNKNOWN as PACK_UNKNOWN
from failoverkit_policies.props import plain
from policy_fixtures import UNKNOWN, cloud_baseline, local_baseline
from pulumi_policy.proxy import UNKNOWN_ARRAY_VALUE, UNKNOWN_NUMBER_VALUE, UNKNOWN_OBJECT_VALUE, unknown_checking_proxy


def test_plain_replaces_unknowns_behind_the_proxy() -> None:
    proxied = unknown_checking_proxy({"a": UNKNOWN, "b": [1, UNKNOWN_NUMBER_VALUE], "c": {"d": UNKNOWN_OBJECT_VALUE}})
    assert plain(proxied) == {"a": PACK_UNKNOWN, "b": [1, PACK_UNKNOWN], "c": {"d": PACK_UNKNOWN}}


def _everything_unknown(b: object) -> None:
    """Every leaf value unknown except type-defining ones: the harshest preview."""
    for spec in b.specs.values():  # type: ignore[attr-defined]
        for key in list(spec.props):
            if key not in ("kind",):
                spec.props[key] = UNKNOWN


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_all_unknown_does_not_crash(policy: FailoverPolicy) -> None:
    for b in (cloud_baseline(), local_baseline()):
        _everything_unknown(b)
        policy.run(b.args())  # no exception is the assertion; see the judged cases below


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_unknown_collections_do_not_crash(policy: FailoverPolicy) -> None:
    b = cloud_baseline()
    b.props("shop-aws-us-east-1-r53-primary")["failoverRoutingPolicies"] = UNKNOWN_ARRAY_VALUE
    b.props("shop-cf-lb")["defaultPools"] = UNKNOWN_ARRAY_VALUE
    b.props("shop")["placements"] = UNKNOWN_ARRAY_VALUE
    b.props("shop")["dns"] = UNKNOWN_OBJECT_VALUE
    b.props("shop-aws-us-east-1-r53-health")["requestInterval"] = UNKNOWN_NUMBER_VALUE
    policy.run(b.args())


def test_unknown_tags_make_nothing_critical_and_unknown_region_fails_closed() -> None:
    from failoverkit_policies import multi_provider, placement_known

    b = local_baseline()
    for spec in b.specs.values():
        if "tags" in spec.props:
            spec.props["tags"] = UNKNOWN
    assert multi_provider.POLICY.run(b.args()) == []

    b = local_baseline()
    b.props("shop-gcp-europe-west1")["region"] = UNKNOWN
    [(message, _)] = placement_known.POLICY.run(b.args())
    assert "shop-gcp-europe-west1" in message


def test_unknown_health_check_id_counts_as_set() -> None:
    """During preview every health check id is unknown: that is a health check to be, not a missing one."""
    from failoverkit_policies import dns_health_checked

    b = cloud_baseline()
    for name in ("shop-aws-us-east-1-r53-primary", "shop-gcp-us-central1-r53-secondary"):
        b.specs[name].deps.pop("healthCheckId")
        assert b.props(name)["healthCheckId"] == UNKNOWN
    assert dns_health_checked.POLICY.run(b.args()) == []
