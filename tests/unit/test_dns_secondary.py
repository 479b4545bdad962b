"""FailoverApp with real DNS backends (targets stubbed): primary + dns.secondary publish the same failover."""

from __future__ import annotations

from typing import Any

import pytest
from assertions import Infra
from dns_testkit import CF_ACCOUNT, config, make_endpoint
from failoverkit import clouds
from failoverkit.app import FailoverApp
from failoverkit.clouds import Endpoint, Zone
from failoverkit.spec import FailoverSpec, Target


@pytest.fixture
def stub_targets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Targets hand back hand-built endpoints and write one validation record, as the aws target does."""

    def deploy(spec: FailoverSpec, target: Target, zone: Zone, parent: Any) -> Endpoint:
        zone.record(
            f"shop-{target.key}-validation",
            record_name=f"_v-{target.key}.shop.example.com.",
            record_type="CNAME",
            value="_x.acm-validations.aws.",
        )
        return make_endpoint(target)

    monkeypatch.setattr(clouds, "deploy", deploy)


def _app(recorder: Any, args: dict[str, Any]) -> Infra:
    def program() -> None:
        FailoverApp("shop", args)  # type: ignore[arg-type]  # camelCase config, as the stack passes it

    return Infra(recorder(program))


@pytest.mark.usefixtures("stub_targets")
def test_route53_with_cloudflare_secondary_publishes_both(recorder: Any) -> None:
    # Cloudflare at Route 53's 10 s needs the Enterprise plan and a timeout whose retry fits the interval.
    hc = {"intervalSeconds": 10, "failureThreshold": 3, "timeoutSeconds": 4}
    args = config("route53", secondary="cloudflare", accountId=CF_ACCOUNT, plan="enterprise", healthCheck=hc)
    infra = _app(recorder, args)
    infra.assert_resource_count("failoverkit:dns:Route53Failover", 1)
    infra.assert_resource_count("failoverkit:dns:CloudflareFailover", 1)
    infra.assert_resource_count("aws:route53/healthCheck:HealthCheck", 2)
    infra.assert_resource_count("cloudflare:index/loadBalancerPool:LoadBalancerPool", 2)
    # Every validation record lands in both zones.
    for key in ("aws-us-east-1", "gcp-us-central1"):
        infra.assert_has_resource("aws:route53/record:Record", {"name": f"_v-{key}.shop.example.com."})
        infra.assert_has_resource("cloudflare:index/dnsRecord:DnsRecord", {"name": f"_v-{key}.shop.example.com"})
    outputs = infra.component().outputs
    assert outputs["dns"]["providers"] == ["route53", "cloudflare"]
    # The slower provider sets the budget: route53 88 s (fixed 6 s timeout) vs cloudflare 10x3 + 2x4 + 10 + 30 = 78 s.
    assert outputs["failoverBudgetSeconds"] == 88
    assert "route53ZoneId" in outputs["dns"] and "cloudflareLoadBalancerId" in outputs["dns"]


@pytest.mark.usefixtures("stub_targets")
def test_traffic_manager_with_route53_secondary(recorder: Any) -> None:
    args = config("traffic-manager", ["aws/us-east-1", "azure/westeurope"], secondary="route53")
    infra = _app(recorder, args)
    infra.assert_resource_count("azure-native:trafficmanager:Endpoint", 2)
    infra.assert_resource_count("aws:route53/healthCheck:HealthCheck", 2)
    infra.assert_has_resource("azure-native:dns:RecordSet", {"relativeRecordSetName": "shop", "recordType": "CNAME"})
    infra.assert_has_resource(
        "aws:route53/record:Record", {"name": "shop.example.com", "failoverRoutingPolicies": [{"type": "PRIMARY"}]}
    )


@pytest.mark.usefixtures("stub_targets")
def test_every_dns_child_hangs_off_the_app(recorder: Any) -> None:
    hc = {"intervalSeconds": 10, "failureThreshold": 3, "timeoutSeconds": 4}
    infra = _app(recorder, config("cloudflare", secondary="route53", plan="enterprise", healthCheck=hc))
    for r in infra.custom():
        assert infra.ancestors(r)[-1] == "failoverkit:index:FailoverApp", r.name
