"""Property tests: the placement rules decide exactly on distinct providers and distinct cloud/region pairs, and
every verdict is the same whatever order the engine hands the resources in."""

from __future__ import annotations

from failoverkit_policies import POLICIES, multi_provider, multi_region
from failoverkit_policies.placement import normalise_region
from hypothesis import given, settings
from hypothesis import strategies as st
from policy_fixtures import TAGS, UNKNOWN, StackBuilder, cloud_baseline, local_baseline
from pulumi_policy import StackValidationArgs

REGIONS = {
    "aws": ["us-east-1", "us-west-2", "eu-west-1"],
    "gcp": ["us-central1", "europe-west1"],
    "azure": ["westeurope", "eastus2"],
}
placements = st.lists(
    st.sampled_from([(cloud, region) for cloud, regions in REGIONS.items() for region in regions]),
    min_size=1,
    max_size=5,
)


@settings(max_examples=60, deadline=None)
@given(placements, st.integers(min_value=1, max_value=4), st.integers(min_value=1, max_value=4))
def test_fires_iff_too_few_distinct(places: list[tuple[str, str]], min_providers: int, min_regions: int) -> None:
    targets = tuple((c, r, f"127.0.20.{i + 1}") for i, (c, r) in enumerate(places))
    args = local_baseline(targets).args({"minProviders": float(min_providers), "minRegions": float(min_regions)})
    providers = {c for c, _ in places}
    regions = set(places)
    assert bool(multi_provider.POLICY.run(args)) == (len(providers) < min_providers)
    assert bool(multi_region.POLICY.run(args)) == (len(regions) < min_regions)


@given(st.sampled_from(REGIONS["gcp"]), st.sampled_from("abcf"))
def test_gcp_zone_maps_to_its_region(region: str, letter: str) -> None:
    assert normalise_region("gcp", f"{region}-{letter}") == region
    assert normalise_region("gcp", region) == region


@given(st.sampled_from(REGIONS["aws"]), st.sampled_from("abcdef"))
def test_aws_availability_zone_maps_to_its_region(region: str, letter: str) -> None:
    assert normalise_region("aws", f"{region}{letter}") == region
    assert normalise_region("aws", region) == region


def _two_failover_sets() -> StackBuilder:
    """The cloud baseline plus a second failover set (api.example.com, tagged for shop) and more compute: an
    ECS service in eu-west-1, one whose region nobody can tell, and a TTL above the bound, so several policies
    report, and report against named resources."""
    b = cloud_baseline()
    aws = {"provider": "default_7_51_1", "parent": "shop"}
    tags = {"tags": dict(TAGS), "tagsAll": dict(TAGS)}
    b.add("pulumi:providers:aws", "eu", {"region": "eu-west-1"})
    b.add("pulumi:providers:aws", "nowhere", {})  # an explicit provider without a region: placement unknown
    b.add("aws:ecs/service:Service", "api-eu-service", {"launchType": "FARGATE", **tags}, provider="eu", parent="shop")
    b.add("aws:ecs/service:Service", "api-nowhere-service", {"launchType": "FARGATE", **tags}, provider="nowhere")
    b.add("aws:lb/loadBalancer:LoadBalancer", "api-eu-alb", {"dnsName": UNKNOWN, **tags}, provider="eu")
    hc = {"type": "HTTPS", "resourcePath": "/health", "port": 443, "requestInterval": 30, "failureThreshold": 3}
    b.add("aws:route53/healthCheck:HealthCheck", "api-eu-health", {**hc, "fqdn": UNKNOWN, "tags": dict(TAGS)}, **aws)
    record = {"zoneId": "Z0123456789", "name": "api.example.com", "type": "CNAME", "ttl": 300, "tags": dict(TAGS)}
    b.add(
        "aws:route53/record:Record",
        "api-primary",
        {
            **record,
            "records": [UNKNOWN],
            "setIdentifier": "eu",
            "failoverRoutingPolicies": [{"type": "PRIMARY"}],
            "healthCheckId": UNKNOWN,
        },
        deps={"records": ["api-eu-alb"], "healthCheckId": ["api-eu-health"]},
        **aws,
    )
    b.add(
        "aws:route53/record:Record",
        "api-secondary",  # no health check: DNS keeps answering with it after it fails
        {
            **record,
            "records": ["shop-aws-us-east-1.example.com"],
            "setIdentifier": "us",
            "failoverRoutingPolicies": [{"type": "SECONDARY"}],
        },
        deps={"records": ["shop-aws-us-east-1-alb"]},
        **aws,
    )
    return b


# A TTL bound both sets exceed, so one policy reports on each: the order of its reports is judged too.
STRICT_TTL = {"maxTtlSeconds": 20.0}


def _verdicts(args: StackValidationArgs) -> list[tuple[str, list[tuple[str, str | None]]]]:
    return [(policy.name, policy.run(args)) for policy in POLICIES]


TWO_SETS = _two_failover_sets()
TWO_SETS_VERDICTS = _verdicts(TWO_SETS.args(STRICT_TTL))


def test_the_two_set_baseline_has_violations_that_name_resources() -> None:
    named = {policy: urn for policy, found in TWO_SETS_VERDICTS for _, urn in found if urn}
    assert {"critical-workload-placement-known", "failover-dns-health-checked", "dns-ttl-bounded"} <= set(named)
    assert sum(len(found) for _, found in TWO_SETS_VERDICTS) >= 4


# The engine hands a stack policy its resources in no fixed order: every verdict is the same whatever it is.
@settings(max_examples=40, deadline=None)
@given(st.permutations(range(len(TWO_SETS.specs))))
def test_verdicts_do_not_depend_on_the_order_of_args_resources(order: list[int]) -> None:
    args = TWO_SETS.args(STRICT_TTL)
    args.resources = [args.resources[i] for i in order]
    assert _verdicts(args) == TWO_SETS_VERDICTS
