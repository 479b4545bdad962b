"""DNS policies on Route 53, Traffic Manager, Cloudflare, Cloud DNS and the local DNS; budgets from properties."""

from __future__ import annotations

from typing import Any

import pytest
from failoverkit_policies import dns_failure_domain, dns_health_checked, ttl_bounded, within_rto
from failoverkit_policies.failover_dns import failover_setups
from failoverkit_policies.model import Model
from policy_fixtures import TAGS, UNKNOWN, StackBuilder, cloud_baseline, local_baseline

HEALTH = dns_health_checked.POLICY
RTO = within_rto.POLICY
TTL = ttl_bounded.POLICY
DOMAIN = dns_failure_domain.POLICY
DNS_POLICIES = (HEALTH, RTO, TTL, DOMAIN)


def _setups(b: StackBuilder) -> dict[str, object]:
    return {s.provider: s for s in failover_setups(Model.from_args(b.args()))}


def test_baselines_pass() -> None:
    for b in (cloud_baseline(), local_baseline()):
        for policy in DNS_POLICIES:
            assert policy.run(b.args()) == [], policy.name


def test_budgets_from_resource_properties() -> None:
    setups = failover_setups(Model.from_args(cloud_baseline().args()))
    by = {s.provider: s for s in setups}
    # Route 53: 3 x 10 s + 3 x (4 s connect + 2 s status) + 10 s propagation allowance + 30 s TTL.
    assert by["route53"].formula() == "detection 30 + check timeouts 18 + propagation 10 + ttl 30"
    assert by["route53"].known_seconds == 88
    # Cloudflare: 2 consecutive down x 15 s + 5 s timeout x (1 + 1 retry) + 10 s propagation + 30 s TTL.
    assert by["cloudflare"].formula() == "detection 30 + check timeout 10 + propagation 10 + ttl 30"
    [local] = failover_setups(Model.from_args(local_baseline().args()))
    assert local.formula() == "detection 2 + check timeout 0.5 + ttl 1"
    assert local.known_seconds == 3.5
    assert [e.cloud for e in local.endpoints] == ["aws", "gcp", "azure"]


def test_route53_endpoint_without_health_check() -> None:
    b = cloud_baseline()
    b.props("shop-gcp-us-central1-r53-secondary").pop("healthCheckId")
    b.specs["shop-gcp-us-central1-r53-secondary"].deps.pop("healthCheckId")
    [(message, urn)] = HEALTH.run(b.args())
    assert message == (
        'Failover shop.example.com (route53, shop-aws-us-east-1-r53-primary) of critical workload "shop": '
        "SECONDARY record shop-gcp-us-central1-r53-secondary has no health check, so DNS keeps sending users to it "
        "after it fails. Add an aws.route53.HealthCheck on the endpoint, referenced by the record's health_check_id."
    )
    assert urn == b.urn("shop-aws-us-east-1-r53-primary")


def test_route53_alias_evaluating_target_health_counts_as_checked() -> None:
    b = cloud_baseline()
    rec = b.props("shop-gcp-us-central1-r53-secondary")
    rec.pop("healthCheckId")
    rec.pop("records")
    rec.pop("ttl")
    rec["aliases"] = [{"name": "failover-1.shop.example.com", "zoneId": "Z0123456789", "evaluateTargetHealth": True}]
    assert HEALTH.run(b.args()) == []


def test_route53_missing_standby_is_not_pre_provisioned() -> None:
    b = cloud_baseline().remove("shop-gcp-us-central1-r53-secondary")
    messages = [m for m, _ in HEALTH.run(b.args())]
    assert any("SECONDARY record (missing) has no health check" in m for m in messages)
    assert any("SECONDARY record (missing) is not pre-provisioned" in m for m in messages)


def test_workload_without_any_failover_dns() -> None:
    b = cloud_baseline()
    b.remove(*[n for n, s in b.specs.items() if "route53" in s.type or "cloudflare:index" in s.type])
    [(message, urn)] = HEALTH.run(b.args())
    assert message.startswith(
        'Critical workload "shop" runs at aws/us-east-1 (shop-aws-us-east-1-cluster, shop-aws-us-east-1-service, '
        "shop-aws-us-east-1-alb), gcp/us-central1 (shop-gcp-us-central1-run), but no health-checked failover DNS "
        "fronts it"
    )
    assert urn == b.urn("shop")


def test_local_dns_without_health_check() -> None:
    b = local_baseline()
    b.props("shop-dns").pop("healthCheck")
    found = HEALTH.run(b.args())
    assert len(found) == 3  # one per endpoint
    assert found[0][0].startswith(
        'Failover shop.failoverkit.test (local, shop-dns) of critical workload "shop": endpoint aws/us-east-1 '
        "127.0.10.1 has no health check"
    )


def test_local_dns_with_a_single_endpoint() -> None:
    b = local_baseline()
    b.props("shop-dns")["endpoints"] = b.props("shop-dns")["endpoints"][:1]
    [(message, _)] = HEALTH.run(b.args())
    assert "has 1 endpoint(s); it needs a primary and at least one standby" in message


def _traffic_manager(b: StackBuilder, monitor: dict[str, object] | None, **endpoint: object) -> StackBuilder:
    props: dict[str, object] = {
        "profileName": "shop",
        "trafficRoutingMethod": "Priority",
        "dnsConfig": {"relativeName": "shop-acme", "ttl": 30},
        "tags": dict(TAGS),
        "endpoints": [
            {
                "name": "aws",
                "type": "Microsoft.Network/trafficManagerProfiles/externalEndpoints",
                "target": "x.us-east-1.elb.amazonaws.com",
                "priority": 1,
            },
            {
                "name": "azure",
                "type": "Microsoft.Network/trafficManagerProfiles/azureEndpoints",
                "targetResourceId": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/shop",
                "priority": 2,
                **endpoint,
            },
        ],
    }
    if monitor is not None:
        props["monitorConfig"] = monitor
    return b.add("azure-native:trafficmanager:Profile", "shop-tm", props)


def test_traffic_manager_monitored_and_budget() -> None:
    monitor = {
        "protocol": "HTTPS",
        "port": 443,
        "path": "/health",
        "intervalInSeconds": 10,
        "timeoutInSeconds": 5,
        "toleratedNumberOfFailures": 2,
    }
    b = _traffic_manager(StackBuilder(), monitor)
    assert HEALTH.run(b.args()) == []
    tm = _setups(b)["traffic-manager"]
    # 10 s x (2 tolerated + 1) + 5 s timeout + 10 s propagation + 30 s TTL.
    assert tm.known_seconds == 75
    assert tm.hostname == "shop-acme.trafficmanager.net"
    assert tm.primary_cloud() == "aws"
    [(message, _)] = RTO.run(b.args({"rtoSeconds": 60.0}))
    assert "can take up to 75 s, above the RTO of 60 s (policy config rtoSeconds)" in message


def test_traffic_manager_without_monitor_or_disabled_standby() -> None:
    found = HEALTH.run(_traffic_manager(StackBuilder(), None).args())
    assert len(found) == 2 and all("has no health check" in m and "monitorConfig" in m for m, _ in found)
    monitor = {"protocol": "HTTPS", "port": 443, "path": "/health"}
    [(a, _), (b, _)] = HEALTH.run(_traffic_manager(StackBuilder(), monitor, endpointStatus="Disabled").args())
    assert "endpoint azure has no health check" in a
    assert "endpoint azure is not pre-provisioned" in b


def test_cloudflare_pool_without_monitor() -> None:
    b = cloud_baseline()
    pool = "shop-gcp-us-central1-cf-pool"
    b.props(pool).pop("monitor")
    b.specs[pool].deps.pop("monitor")
    [(message, urn)] = HEALTH.run(b.args())
    assert f"pool {pool} has no health check" in message
    assert "cloudflare.LoadBalancerMonitor" in message
    assert urn == b.urn("shop-cf-lb")


def test_cloudflare_proxied_has_no_ttl_term() -> None:
    b = cloud_baseline()
    b.props("shop-cf-lb")["proxied"] = True
    assert _setups(b)["cloudflare"].known_seconds == 50


def _cloud_dns(backup: dict[str, object]) -> StackBuilder:
    b = StackBuilder()
    b.add(
        "gcp:compute/healthCheck:HealthCheck",
        "shop-hc",
        {"checkIntervalSec": 30, "timeoutSec": 5, "unhealthyThreshold": 2, "httpsHealthCheck": {"port": 443}},
    )
    b.add(
        "gcp:dns/recordSet:RecordSet",
        "shop-rs",
        {
            "name": "shop.example.com.",
            "type": "A",
            "ttl": 30,
            "routingPolicy": {
                "healthCheck": UNKNOWN,
                "primaryBackup": {
                    "primary": {"externalEndpoints": ["203.0.113.10"]},
                    "backupGeos": [{"location": "us-east1", **backup}],
                },
            },
        },
        # The primary's address comes from the workload's Cloud Run service: that links the record set to it.
        deps={"routingPolicy": ["shop-hc", "run"]},
    )
    b.add("gcp:cloudrunv2/service:Service", "run", {"labels": dict(TAGS), "location": "us-central1"})
    b.add("aws:ecs/service:Service", "svc", {"tags": dict(TAGS), "region": "us-east-1"})
    return b


def test_cloud_dns_primary_backup() -> None:
    good = _cloud_dns({"healthCheckedTargets": {"externalEndpoints": ["198.51.100.7"]}})
    assert HEALTH.run(good.args()) == []
    assert _setups(good)["cloud-dns"].known_seconds == 30 * 2 + 5 + 30 + 30
    [(message, _)] = HEALTH.run(_cloud_dns({"rrdatas": ["198.51.100.7"]}).args())
    assert "backup us-east1 has no health check" in message


def test_within_rto_uses_the_workloads_own_rto_when_stricter() -> None:
    b = cloud_baseline()
    b.props("shop-aws-us-east-1-r53-health")["requestInterval"] = 30  # 90 + 18 + 10 + 30 = 148 > 120
    [(message, urn)] = RTO.run(b.args())
    assert message == (
        'Failover shop.example.com (route53, shop-aws-us-east-1-r53-primary) of critical workload "shop" can take '
        'up to 148 s, above the RTO of 120 s (the workload\'s own rtoSeconds in its FailoverApp "shop"): '
        "detection 90 + check timeouts 18 + propagation 10 + ttl 30. Lower the TTL, the health-check interval or "
        "failure threshold, or raise the RTO."
    )
    assert urn == b.urn("shop-aws-us-east-1-r53-primary")


def test_within_rto_config_override_and_local() -> None:
    assert RTO.run(local_baseline().args({"rtoSeconds": 3.5})) == []
    [(message, _)] = RTO.run(local_baseline().args({"rtoSeconds": 3.0}))
    assert message.startswith(
        'Failover shop.failoverkit.test (local, shop-dns) of critical workload "shop" can take up to 3.5 s, above '
        "the RTO of 3 s (policy config rtoSeconds): detection 2 + check timeout 0.5 + ttl 1."
    )


def test_within_rto_with_unknown_terms() -> None:
    b = local_baseline()
    b.props("shop-dns")["ttlSeconds"] = UNKNOWN
    assert RTO.run(b.args({"rtoSeconds": 3.0})) == []  # 2.5 s known: cannot prove a breach yet
    [(message, _)] = RTO.run(b.args({"rtoSeconds": 2.0}))
    assert "takes at least 2.5 s before counting ttl (not known until the update runs)" in message


def test_ttl_bounded() -> None:
    b = cloud_baseline()
    b.props("shop-aws-us-east-1-r53-primary")["ttl"] = 300
    [(message, urn)] = TTL.run(b.args())
    assert message == (
        "Health-checked failover shop.example.com (route53, shop-aws-us-east-1-r53-primary) has a TTL of 300 s, "
        "above maxTtlSeconds 60 s: resolvers keep sending users to a failed endpoint for up to one TTL after DNS "
        "has moved. Set its TTL to 60 s or less."
    )
    assert urn == b.urn("shop-aws-us-east-1-r53-primary")
    assert len(TTL.run(cloud_baseline().args({"maxTtlSeconds": 20.0}))) == 2  # route53 and cloudflare


def test_dns_in_primarys_provider_without_second_dns() -> None:
    b = cloud_baseline()
    b.remove(*[n for n, s in b.specs.items() if s.type.startswith("cloudflare:index")])
    b.props("shop")["dns"]["providers"] = ["route53"]
    [(message, urn)] = DOMAIN.run(b.args())
    assert message == (
        'Critical workload "shop": its failover DNS (route53) runs on aws, the same provider as its primary '
        "(aws/us-east-1). An aws outage can take down the primary and the DNS that should move users away from it "
        "together. Add a second DNS provider for the zone (failoverkit: dns.secondary, e.g. cloudflare) or serve "
        "the failover from a provider outside aws."
    )
    assert urn == b.urn("shop-aws-us-east-1-r53-primary")
    # The primary is found from the PRIMARY record's target even when the component's outputs are not visible.
    b.props("shop").clear()
    assert len(DOMAIN.run(b.args())) == 1


def test_second_dns_zone_resource_satisfies_failure_domain() -> None:
    b = cloud_baseline()
    b.remove(*[n for n, s in b.specs.items() if s.type.startswith("cloudflare:index")])
    b.props("shop").clear()
    b.add("cloudflare:index/zone:Zone", "example-com", {"name": "example.com"})
    assert DOMAIN.run(b.args()) == []


def test_dns_outside_primary_provider_passes() -> None:
    b = cloud_baseline()
    b.remove(*[n for n, s in b.specs.items() if s.type.startswith("cloudflare:index")])
    b.props("shop").clear()
    # Swap roles: the GCP target is primary, Route 53 (aws) is outside its failure domain.
    b.props("shop-aws-us-east-1-r53-primary")["failoverRoutingPolicies"] = [{"type": "SECONDARY"}]
    b.props("shop-gcp-us-central1-r53-secondary")["failoverRoutingPolicies"] = [{"type": "PRIMARY"}]
    b.specs["shop-gcp-us-central1-r53-secondary"].deps["records"] = ["shop-gcp-us-central1-ip"]
    assert DOMAIN.run(b.args()) == []


@pytest.mark.parametrize("policy", DNS_POLICIES, ids=lambda p: p.name)
def test_non_critical_stack_is_not_judged_for_failover(policy: object) -> None:
    b = cloud_baseline()
    for spec in b.specs.values():
        for key in ("tags", "tagsAll", "labels"):
            if key in spec.props:
                spec.props[key] = {**TAGS, "criticality": "standard"}
    b.props("shop-gcp-us-central1-r53-secondary").pop("healthCheckId")
    b.props("shop-aws-us-east-1-r53-primary")["ttl"] = 45
    assert policy.run(b.args()) == []  # type: ignore[attr-defined]


CF_ZONE = "fedcba9876543210fedcba9876543210"
TRI = ["aws/us-east-1", "gcp/us-central1", "azure/westeurope"]
LOCAL = [{"cloud": c, "region": r, "simulated": True} for c, r in (("aws", "us-east-1"), ("gcp", "europe-west1"))]

# (provider, targets, dns settings): what failoverkit registers for each is judged by the pack.
KIT_SETUPS = [
    ("route53", ["aws/us-east-1", "gcp/us-central1"], {"ttl": 30, "healthCheck": {"intervalSeconds": 10}}),
    ("route53", ["aws/us-east-1", "gcp/us-central1"], {"ttl": 60, "healthCheck": {"failureThreshold": 1}}),
    ("route53", TRI, {"ttl": 0, "healthCheck": {"intervalSeconds": 10, "failureThreshold": 2}}),
    (
        "traffic-manager",
        ["aws/us-east-1", "azure/westeurope"],
        {"resourceGroup": "rg", "ttl": 30, "healthCheck": {"intervalSeconds": 10, "failureThreshold": 3}},
    ),
    ("traffic-manager", ["aws/us-east-1", "azure/westeurope"], {"resourceGroup": "rg", "ttl": 10}),
    (
        "cloudflare",
        TRI,
        {
            "zoneId": CF_ZONE,
            "plan": "business",
            "ttl": 30,
            "healthCheck": {"intervalSeconds": 15, "failureThreshold": 2, "timeoutSeconds": 5},
        },
    ),
    (
        "cloudflare",
        ["aws/us-east-1", "gcp/us-central1"],
        {"zoneId": CF_ZONE, "proxied": True, "healthCheck": {"failureThreshold": 3, "recoveryThreshold": 4}},
    ),
    (
        "cloud-dns",
        ["gcp/us-central1", "azure/westeurope"],
        {"managedZone": "example-com", "ttl": 30, "healthCheck": {"failureThreshold": 2, "recoveryThreshold": 3}},
    ),
    (
        "local",
        LOCAL,
        {"ttl": 1, "healthCheck": {"intervalSeconds": 0.5, "timeoutSeconds": 0.2, "recoveryThreshold": 3}},
    ),
]


def _kit_stack(provider: str, targets: list[Any], dns: dict[str, Any]) -> tuple[StackBuilder, Any]:
    """Run failoverkit's FailoverApp under mocks and hand the pack what it registered, as the engine would."""
    from failoverkit.app import FailoverApp
    from failoverkit.check.mocks import run_program
    from failoverkit.spec import parse_spec

    args = {
        "app": {"name": "shop", "image": "ghcr.io/acme/shop:1.4.2"},
        "hostname": "shop.example.com",
        "targets": [
            t if isinstance(t, dict) else dict(zip(("cloud", "region"), t.split("/"), strict=True)) for t in targets
        ],
        "dns": {"provider": provider, "zone": "example.com", **dns},
        "rtoSeconds": 3600,
    }
    recorded = run_program(lambda: FailoverApp("shop", args), project="failoverkit", stack="test")  # type: ignore[arg-type]
    names = {r.urn: r.name for r in recorded}
    b = StackBuilder()
    for r in recorded:
        if r.custom:
            props = {**r.outputs, **({"id": r.id} if r.id else {})}
            deps = {k: [names[u] for u in urns if u in names] for k, urns in r.property_dependencies.items()}
            b.add(r.type, r.name, props, deps=deps)
    return b, parse_spec(args)


@pytest.mark.parametrize(("provider", "targets", "dns"), KIT_SETUPS)
def test_failover_and_failback_budgets_match_failoverkits_models(
    provider: str, targets: list[Any], dns: dict[str, Any]
) -> None:
    """The pack keeps its own copy of the arithmetic (it may not import failoverkit): both must agree, failover and
    failback, on the resources failoverkit's DNS backends really register for those settings."""
    from failoverkit.budget import failback_budget, failover_budget

    b, spec = _kit_stack(provider, targets, dns)
    hc, ttl, proxied = spec.dns.health_check, spec.dns.ttl_seconds, spec.dns.proxied
    setup = _setups(b)[provider]
    assert not setup.unknown_terms
    assert setup.known_seconds == failover_budget(provider, hc, ttl, proxied=proxied).total_seconds
    assert setup.failback_known_seconds == failback_budget(provider, hc, ttl, proxied=proxied).total_seconds


def test_the_mirror_covers_every_provider() -> None:
    from failoverkit.budget import PROVIDERS

    assert {p for p, _, _ in KIT_SETUPS} == set(PROVIDERS)


def test_primary_with_unknown_cloud_falls_back_to_the_components_word() -> None:
    """During preview the primary's target may be unknown: never guess from a standby."""
    monitor = {"protocol": "HTTPS", "port": 443, "path": "/health"}
    b = _traffic_manager(StackBuilder(), monitor)
    b.props("shop-tm")["endpoints"][0]["target"] = UNKNOWN  # the aws primary's ALB name
    assert _setups(b)["traffic-manager"].primary_cloud() is None
    b.add(
        "failoverkit:index:FailoverApp", "shop", {"tags": dict(TAGS), "placements": ["azure/eastus2", "aws/us-east-1"]}
    )
    b.add("azure-native:app:ContainerApp", "app", {"tags": dict(TAGS), "location": "eastus2"})
    [(message, _)] = DOMAIN.run(b.args())
    assert (
        "its failover DNS (traffic-manager) runs on azure, the same provider as its primary (azure/eastus2)" in message
    )
    b.props("shop")["placements"] = ["aws/us-east-1", "azure/eastus2"]
    assert DOMAIN.run(b.args()) == []


def test_an_unlinked_failover_is_not_credited_to_the_only_critical_workload() -> None:
    # A health-checked pair for another hostname, on fixed addresses, with no tag and no link to the workload.
    b = cloud_baseline()
    b.remove(*[n for n, s in b.specs.items() if "route53" in s.type or "cloudflare:index" in s.type])
    for role, address in (("PRIMARY", "198.51.100.10"), ("SECONDARY", "198.51.100.20")):
        b.add("aws:route53/healthCheck:HealthCheck", f"status-{role}", {"ipAddress": address, "type": "HTTP"})
        b.add(
            "aws:route53/record:Record",
            f"status-{role}-record",
            {
                "zoneId": "Z1",
                "name": "status.example.com",
                "type": "A",
                "ttl": 300,
                "records": [address],
                "failoverRoutingPolicies": [{"type": role}],
                "healthCheckId": UNKNOWN,
            },
            deps={"healthCheckId": [f"status-{role}"]},
        )
    [(message, _)] = HEALTH.run(b.args())
    assert message.endswith(
        "Failover DNS for status.example.com was found, but nothing links it to this workload: tag its records or "
        "health checks workload=shop, or point them at the workload's own resources."
    )
    assert RTO.run(b.args()) == []  # an unattributed set-up is not judged against the workload's RTO


def test_route53_groups_relative_and_absolute_names_and_takes_the_primarys_ttl() -> None:
    b = cloud_baseline()
    b.add("aws:route53/zone:Zone", "zone", {"name": "example.com", "zoneId": "Z0123456789"})
    primary, secondary = b.props("shop-aws-us-east-1-r53-primary"), b.props("shop-gcp-us-central1-r53-secondary")
    primary["name"] = "shop"  # relative to the zone: shop.example.com
    secondary["ttl"] = 300  # a SECONDARY's TTL never counts
    route53 = _setups(b)["route53"]
    assert route53.hostname == "shop.example.com"
    assert route53.ttl.seconds == 30
    assert HEALTH.run(b.args()) == []
    # An alias PRIMARY serves its target's TTL: 60 s for an ELB.
    primary.pop("ttl")
    primary["aliases"] = [{"name": UNKNOWN, "zoneId": UNKNOWN, "evaluateTargetHealth": True}]
    assert _setups(b)["route53"].ttl.seconds == 60
