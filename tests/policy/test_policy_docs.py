"""docs/policies.md shows real violation messages: regenerate them and find each one in the doc."""

from __future__ import annotations

from pathlib import Path

from failoverkit_policies import (
    POLICIES,
    dns_failure_domain,
    dns_health_checked,
    multi_region,
    placement_known,
    ttl_bounded,
    within_rto,
)
from policy_fixtures import cloud_baseline, local_baseline

DOC = (Path(__file__).resolve().parents[2] / "docs" / "policies.md").read_text()


def _examples() -> list[str]:
    out = []
    one_region = local_baseline((("aws", "us-east-1", "127.0.10.1"), ("aws", "us-east-1", "127.0.10.2")))
    out.append(multi_region.POLICY.run(one_region.args())[0][0])
    b = cloud_baseline()
    b.props("default_7_51_1").pop("region")
    b.props("shop-aws-us-east-1-service").pop("region")
    out.append(placement_known.POLICY.run(b.args())[0][0])
    b = cloud_baseline()
    b.props("shop-gcp-us-central1-r53-secondary").pop("healthCheckId")
    b.specs["shop-gcp-us-central1-r53-secondary"].deps.pop("healthCheckId")
    out.append(dns_health_checked.POLICY.run(b.args())[0][0])
    b = cloud_baseline()
    b.props("shop-aws-us-east-1-r53-health")["requestInterval"] = 30
    out.append(within_rto.POLICY.run(b.args())[0][0])
    b = cloud_baseline()
    b.props("shop-aws-us-east-1-r53-primary")["ttl"] = 300
    out.append(ttl_bounded.POLICY.run(b.args())[0][0])
    b = cloud_baseline()
    b.remove(*[n for n, s in b.specs.items() if s.type.startswith("cloudflare:index")])
    b.props("shop")["dns"]["providers"] = ["route53"]
    out.append(dns_failure_domain.POLICY.run(b.args())[0][0])
    return out


def test_doc_examples_are_what_the_policies_print() -> None:
    for message in _examples():
        assert message in DOC, message


def test_doc_covers_every_policy_and_config_key() -> None:
    for policy in POLICIES:
        assert f"### {policy.name} (" in DOC
        assert policy.config_schema is not None
        for key in policy.config_schema.properties:
            assert f"`{key}`" in DOC
