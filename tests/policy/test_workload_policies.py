"""critical-workload-multi-provider, -multi-region and -placement-known on the baselines and their mutations."""

from __future__ import annotations

from failoverkit_policies import dns_health_checked, multi_provider, multi_region, placement_known
from policy_fixtures import TAGS, UNKNOWN, StackBuilder, cloud_baseline, local_baseline

MULTI_PROVIDER = multi_provider.POLICY
MULTI_REGION = multi_region.POLICY
KNOWN = placement_known.POLICY


def _all_aws(b: StackBuilder) -> StackBuilder:
    """The GCP standby moved to AWS us-west-2 (same provider as the primary)."""
    b.remove("shop-gcp-us-central1-run")
    b.add(
        "aws:ecs/service:Service",
        "shop-aws-us-west-2-service",
        {"tags": dict(TAGS), "region": "us-west-2"},
        provider="default_7_51_1",
        parent="shop",
    )
    b.props("shop")["placements"] = ["aws/us-east-1", "aws/us-west-2"]
    return b


def test_baselines_pass() -> None:
    for b in (cloud_baseline(), local_baseline()):
        for policy in (MULTI_PROVIDER, MULTI_REGION, KNOWN):
            assert policy.run(b.args()) == [], policy.name


def test_single_provider_fires_naming_workload_places_and_remedy() -> None:
    b = _all_aws(cloud_baseline())
    [(message, urn)] = MULTI_PROVIDER.run(b.args())
    assert message == (
        'Critical workload "shop" runs on 1 provider: aws (aws/us-east-1 (shop-aws-us-east-1-cluster, '
        "shop-aws-us-east-1-service, shop-aws-us-east-1-alb), aws/us-west-2 (shop-aws-us-west-2-service)). "
        "It needs compute on at least 2 providers so that one "
        "provider's outage cannot take it down: add a standby target on gcp or azure and put it behind the "
        "health-checked failover DNS record."
    )
    assert urn == b.urn("shop-aws-us-east-1-cluster")
    assert MULTI_REGION.run(b.args()) == []  # two regions: that policy is satisfied


def test_component_word_is_not_trusted_over_visible_compute() -> None:
    b = _all_aws(cloud_baseline())
    b.props("shop")["placements"] = ["aws/us-east-1", "gcp/us-central1"]  # the component claims two clouds
    assert len(MULTI_PROVIDER.run(b.args())) == 1


def test_component_placements_used_when_no_compute_is_visible() -> None:
    b = StackBuilder().add(
        "failoverkit:index:FailoverApp",
        "shop",
        {"tags": dict(TAGS), "placements": ["aws/us-east-1", "gcp/us-central1"]},
    )
    assert MULTI_PROVIDER.run(b.args()) == []
    b.props("shop")["placements"] = ["aws/us-east-1", "aws/us-east-1"]
    [(message, _)] = MULTI_PROVIDER.run(b.args())
    assert "aws/us-east-1 (FailoverApp placements output)" in message
    [(message, _)] = MULTI_REGION.run(b.args())
    assert message.startswith('Critical workload "shop" runs in 1 region: aws/us-east-1 (')


def test_one_cloud_one_region_local_fires_both() -> None:
    one = (("aws", "us-east-1", "127.0.10.1"), ("aws", "us-east-1", "127.0.10.2"))
    b = local_baseline(one)
    [(provider_msg, _)] = MULTI_PROVIDER.run(b.args())
    [(region_msg, _)] = MULTI_REGION.run(b.args())
    assert "runs on 1 provider: aws (aws/us-east-1 (shop-aws-us-east-1, shop-aws-us-east-1-1))" in provider_msg
    assert "add a standby target on gcp or azure" in provider_msg
    assert region_msg.startswith('Critical workload "shop" runs in 1 region: aws/us-east-1 (')
    assert "at least 2 distinct regions" in region_msg


def test_three_clouds_pass_min_providers_three_and_two_do_not() -> None:
    config = {"minProviders": 3.0}  # numbers reach policies as floats
    assert MULTI_PROVIDER.run(local_baseline().args(config)) == []
    [(message, _)] = MULTI_PROVIDER.run(cloud_baseline().args(config))
    assert "runs on 2 providers: aws, gcp" in message
    assert "at least 3 providers" in message
    assert "add a standby target on azure" in message


def test_min_regions_override() -> None:
    assert MULTI_REGION.run(cloud_baseline().args({"minRegions": 2.0})) == []
    [(message, _)] = MULTI_REGION.run(cloud_baseline().args({"minRegions": 3.0}))
    assert "runs in 2 regions: aws/us-east-1 (shop-aws-us-east-1-cluster, " in message
    assert "gcp/us-central1 (shop-gcp-us-central1-run). It needs compute in at least 3 distinct regions" in message


def test_custom_tag_keys_and_values() -> None:
    b = _all_aws(cloud_baseline())
    for spec in b.specs.values():
        for key in ("tags", "tagsAll", "labels"):
            if key in spec.props:
                spec.props[key] = {"app": "shop", "tier": "tier-1"}
    config = {"workloadTagKey": "app", "criticalityTagKey": "tier", "criticalValues": ["tier-1"]}
    assert MULTI_PROVIDER.run(b.args()) == []  # with the default keys nothing is critical
    [(message, _)] = MULTI_PROVIDER.run(b.args(config))
    assert message.startswith('Critical workload "shop" runs on 1 provider: aws')


def test_standard_workloads_are_not_judged() -> None:
    b = _all_aws(cloud_baseline())
    for spec in b.specs.values():
        for key in ("tags", "tagsAll", "labels"):
            if key in spec.props:
                spec.props[key] = {**TAGS, "criticality": "standard"}
    assert MULTI_PROVIDER.run(b.args()) == []


def test_workloads_are_grouped_by_name() -> None:
    b = cloud_baseline()
    b.add(
        "aws:lambda/function:Function",
        "billing-fn",
        {"tags": {**TAGS, "workload": "billing"}, "region": "us-east-1"},
        provider="default_7_51_1",
    )
    [(message, urn)] = MULTI_PROVIDER.run(b.args())
    assert message.startswith('Critical workload "billing" runs on 1 provider: aws (aws/us-east-1 (billing-fn))')
    assert urn == b.urn("billing-fn")


def test_untagged_compute_inherits_its_components_workload() -> None:
    b = StackBuilder().add("pulumi:providers:aws", "default_7_51_1", {"region": "us-east-1"})
    b.add("acme:index:Service", "shop", {"tags": dict(TAGS)})
    b.add("aws:ecs/service:Service", "svc", {}, provider="default_7_51_1", parent="shop")
    [(message, _)] = MULTI_PROVIDER.run(b.args())
    assert "aws/us-east-1 (svc)" in message


def test_critical_workload_without_compute() -> None:
    b = StackBuilder().add("aws:s3/bucket:Bucket", "data", {"tags": dict(TAGS), "region": "us-east-1"})
    [(message, _)] = MULTI_PROVIDER.run(b.args())
    assert message.startswith('Critical workload "shop" has no compute the pack can see')
    assert MULTI_REGION.run(b.args()) == []


def _inventory(regions: dict[str, str | None]) -> StackBuilder:
    """Critical workload "inventory": an ECS service per AWS provider, its region given by the provider or None."""
    tags = {**TAGS, "workload": "inventory"}
    b = StackBuilder()
    for name, region in regions.items():
        b.add("pulumi:providers:aws", name, {"region": region} if region else {})
        b.add("aws:ecs/service:Service", f"inventory-{name}", {"tags": tags}, provider=name)
    return b


def test_multi_region_lists_only_known_regions_and_names_the_rest_apart() -> None:
    b = _inventory({"east": "us-east-1", "nowhere": None})
    [(message, _)] = MULTI_REGION.run(b.args({"minRegions": 3.0}))
    assert message == (
        'Critical workload "inventory" runs in 1 region: aws/us-east-1 (inventory-east). It needs compute in at '
        "least 3 distinct regions so that one region's outage cannot take it down: add a standby target in another "
        "region (preferably on another provider) behind the health-checked failover DNS record. Compute whose "
        "region is unknown is not counted: aws (inventory-nowhere); critical-workload-placement-known reports it."
    )
    assert [urn for _, urn in KNOWN.run(b.args())] == [b.urn("inventory-nowhere")]  # it does


def test_multi_region_when_no_region_is_known() -> None:
    [(message, _)] = MULTI_REGION.run(_inventory({"nowhere": None}).args())
    assert message.startswith(
        'Critical workload "inventory" runs in no region the pack knows. It needs compute in at least 2 distinct'
    )
    assert message.endswith(
        "Compute whose region is unknown is not counted: aws (inventory-nowhere); critical-workload-placement-known "
        "reports it."
    )


def test_no_failover_dns_reads_plainly_with_and_without_compute() -> None:
    without = StackBuilder().add("aws:s3/bucket:Bucket", "data", {"tags": dict(TAGS), "region": "us-east-1"})
    [(message, _)] = dns_health_checked.POLICY.run(without.args())
    assert message == (
        'Critical workload "shop" has no compute the pack can see, and no health-checked failover DNS fronts it '
        "either: no Route 53 failover records, Traffic Manager profile, Cloudflare load balancer, Cloud DNS "
        "primary-backup record set or failoverkit local DNS was found for it. Put its targets behind one, e.g. "
        "failoverkit's FailoverApp with dns.provider, and tag it workload=shop."
    )
    [(message, _)] = dns_health_checked.POLICY.run(_inventory({"east": "us-east-1"}).args())
    assert message.startswith(
        'Critical workload "inventory" runs at aws/us-east-1 (inventory-east), but no health-checked failover DNS '
        "fronts it: no Route 53 failover records,"
    )


def test_placement_known_fails_closed_without_region() -> None:
    b = cloud_baseline()
    b.props("default_7_51_1").pop("region")
    b.props("shop-aws-us-east-1-service").pop("region")
    [(message, urn)] = KNOWN.run(b.args())
    assert urn == b.urn("shop-aws-us-east-1-service")
    assert message == (
        'Resource shop-aws-us-east-1-service (aws:ecs/service:Service) of critical workload "shop" has no '
        "determinable region, so the pack cannot prove the workload survives a regional outage: its provider "
        "default_7_51_1 sets no region, the stack config has no aws:region, and the resource has no "
        "region/availabilityZone; set aws:region in the stack config, pass an explicit provider with a region, or "
        "set the resource's region/availabilityZone."
    )


def test_placement_known_with_unknown_region_in_preview() -> None:
    b = cloud_baseline()
    b.props("default_7_51_1").pop("region")
    b.props("shop-aws-us-east-1-alb")["region"] = UNKNOWN
    [(message, _)] = KNOWN.run(b.args())
    assert "its region is not known until the update runs" in message
    assert "set region/availabilityZone to a literal value" in message


def test_placement_known_unplaceable_package() -> None:
    b = cloud_baseline()
    b.add("pulumi:providers:kubernetes", "default_4_0_0", {})
    b.add(
        "kubernetes:apps/v1:Deployment",
        "shop-k8s",
        {"metadata": {"labels": dict(TAGS)}, "labels": dict(TAGS)},
        provider="default_4_0_0",
    )
    [(message, urn)] = KNOWN.run(b.args())
    assert urn == b.urn("shop-k8s")
    assert "it runs on the kubernetes default provider, whose cluster (an ambient kubeconfig) is not in the stack" in (
        message
    )


def test_local_target_without_region() -> None:
    b = local_baseline()
    b.props("shop-aws-us-east-1").pop("region")
    [(message, _)] = KNOWN.run(b.args())
    assert "the failoverkit local target has no known cloud/region inputs" in message
