"""Placement resolution: resource property, explicit provider, default provider, stack config; zones to regions."""

from __future__ import annotations

import json

import pytest
from failoverkit_policies.model import Model
from failoverkit_policies.placement import is_compute, normalise_region, resolve
from policy_fixtures import TAGS, UNKNOWN, StackBuilder


def _placement(b: StackBuilder, name: str) -> tuple[str | None, str | None, str]:
    model = Model.from_args(b.args())
    res = next(r for r in model.resources if r.name == name)
    p = resolve(res, model)
    return p.cloud, p.region, p.source


@pytest.mark.parametrize(
    ("cloud", "value", "region"),
    [
        ("gcp", "us-central1-a", "us-central1"),
        ("gcp", "europe-west1", "europe-west1"),
        ("gcp", "us-central1", "us-central1"),
        ("aws", "us-east-1a", "us-east-1"),
        ("aws", "us-gov-west-1b", "us-gov-west-1"),
        ("aws", "eu-west-1", "eu-west-1"),
        ("azure", "East US 2", "eastus2"),
        ("azure", "westeurope", "westeurope"),
    ],
)
def test_zones_and_display_names_map_to_regions(cloud: str, value: str, region: str) -> None:
    assert normalise_region(cloud, value) == region


def _aws_service(b: StackBuilder, provider: str, **props: object) -> StackBuilder:
    return b.add("aws:ecs/service:Service", "svc", {"tags": dict(TAGS), **props}, provider=provider)


def test_resource_region_property_wins() -> None:
    # pulumi-aws v7: a resource's region overrides its provider's.
    b = StackBuilder().add("pulumi:providers:aws", "default_7_51_1", {"region": "us-east-1"})
    _aws_service(b, "default_7_51_1", region="eu-west-1")
    assert _placement(b, "svc") == ("aws", "eu-west-1", "its region property")


def test_explicit_provider_region() -> None:
    b = StackBuilder().add("pulumi:providers:aws", "west", {"region": "us-west-2"})
    _aws_service(b, "west")
    assert _placement(b, "svc") == ("aws", "us-west-2", "explicit provider west region")


def test_default_provider_region_from_stack_config() -> None:
    b = StackBuilder().add("pulumi:providers:aws", "default_7_51_1", {"region": "ap-southeast-2"})
    _aws_service(b, "default_7_51_1")
    assert _placement(b, "svc") == ("aws", "ap-southeast-2", "default provider (stack config) region")


def test_stack_config_exported_to_the_pack(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"aws:config:region": "ca-central-1"}))
    b = StackBuilder().add("pulumi:providers:aws", "default_7_51_1", {})
    _aws_service(b, "default_7_51_1")
    assert _placement(b, "svc") == ("aws", "ca-central-1", "stack config aws:region")


def test_gcp_zone_on_provider_and_resource() -> None:
    b = StackBuilder().add("pulumi:providers:gcp", "default_10_2_0", {"project": "p", "zone": "europe-west4-b"})
    b.add("gcp:compute/instance:Instance", "vm", {"labels": dict(TAGS)}, provider="default_10_2_0")
    b.add(
        "gcp:compute/instance:Instance",
        "vm2",
        {"labels": dict(TAGS), "zone": "asia-east1-c"},
        provider="default_10_2_0",
    )
    assert _placement(b, "vm")[:2] == ("gcp", "europe-west4")
    assert _placement(b, "vm2")[:2] == ("gcp", "asia-east1")


def test_azure_location_and_versioned_tokens() -> None:
    b = StackBuilder().add("pulumi:providers:azure-native", "default_3_29_0", {})
    b.add(
        "azure-native:app/v20240301:ContainerApp",
        "app",
        {"tags": dict(TAGS), "location": "West Europe"},
        provider="default_3_29_0",
    )
    assert _placement(b, "app")[:2] == ("azure", "westeurope")
    assert is_compute(next(r for r in Model.from_args(b.args()).resources if r.name == "app"))


def test_undeterminable_region_says_how_to_fix() -> None:
    b = StackBuilder().add("pulumi:providers:aws", "default_7_51_1", {})
    _aws_service(b, "default_7_51_1")
    cloud, region, why = _placement(b, "svc")
    assert (cloud, region) == ("aws", None)
    assert "set aws:region in the stack config" in why


def test_unknown_region_during_preview() -> None:
    b = StackBuilder().add("pulumi:providers:aws", "default_7_51_1", {})
    _aws_service(b, "default_7_51_1", region=UNKNOWN)
    cloud, region, why = _placement(b, "svc")
    assert (cloud, region) == ("aws", None)
    assert "not known until the update runs" in why


def test_global_resources_are_not_placements() -> None:
    b = StackBuilder()
    for type_ in (
        "aws:route53/record:Record",
        "aws:route53/healthCheck:HealthCheck",
        "azure-native:trafficmanager:Profile",
        "cloudflare:index/loadBalancer:LoadBalancer",
        "gcp:dns/recordSet:RecordSet",
        "gcp:compute/globalAddress:GlobalAddress",
    ):
        b.add(type_, type_, {"tags": dict(TAGS)})
    b.add("pulumi-python:dynamic:Resource", "dns", {"kind": "failoverkit:local:FailoverDns", "tags": dict(TAGS)})
    assert not any(is_compute(r) for r in Model.from_args(b.args()).resources)
