"""parse_spec: one test per default, one per validation rule (each names key, value and what is allowed)."""

from __future__ import annotations

from typing import Any

import pytest
from cloud_testkit import app_args
from failoverkit.errors import ConfigError
from failoverkit.spec import Cloud, Criticality, DnsProvider, parse_spec


def args(*placements: str | dict[str, Any], **app: Any) -> dict[str, Any]:
    return app_args(placements or ("aws/us-east-1", "gcp/us-central1"), **app)


def minimal() -> dict[str, Any]:
    return {
        "app": {"name": "shop", "image": "ghcr.io/acme/shop:1.4.2"},
        "hostname": "shop.example.com",
        "targets": [{"cloud": "aws", "region": "us-east-1"}, {"cloud": "gcp", "region": "us-central1"}],
        "dns": {"provider": "route53", "zone": "example.com"},
    }


# --- defaults ---


def test_default_port_is_8080() -> None:
    assert parse_spec(minimal()).app.port == 8080


def test_default_health_path_is_health() -> None:
    assert parse_spec(minimal()).app.health_path == "/health"


def test_default_criticality_is_critical() -> None:
    assert parse_spec(minimal()).app.criticality is Criticality.CRITICAL


def test_default_rto_is_300_seconds() -> None:
    assert parse_spec(minimal()).rto_seconds == 300


def test_default_ttl_is_30_seconds_on_cloud_dns_providers() -> None:
    assert parse_spec(minimal()).dns.ttl_seconds == 30


def test_targets_keep_order_and_derive_keys() -> None:
    spec = parse_spec(minimal())
    assert [(t.cloud, t.priority, t.key) for t in spec.targets] == [
        (Cloud.AWS, 0, "aws-us-east-1"),
        (Cloud.GCP, 1, "gcp-us-central1"),
    ]
    assert spec.primary.key == "aws-us-east-1"
    assert spec.dns.provider is DnsProvider.ROUTE53


def test_camel_and_snake_case_keys_are_both_accepted() -> None:
    camel = parse_spec(args(healthPath="/ready"))
    snake = parse_spec(args(health_path="/ready"))
    assert camel.app.health_path == snake.app.health_path == "/ready"


# --- validation rules: one test each ---


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda a: a["app"].update(name="Shop_1"), r"app\.name: must be 1-32 characters .* got 'Shop_1'"),
        (lambda a: a["app"].update(name="s" * 33), r"app\.name: must be 1-32 characters"),
        (lambda a: a["app"].update(image="not an image"), r"app\.image: must be a container image reference"),
        (lambda a: a["app"].pop("image"), r"app\.image: is required for cloud targets"),
        (lambda a: a["app"].update(port=70000), r"app\.port: must be between 1 and 65535, got 70000"),
        (lambda a: a["app"].update(healthPath="health"), r"app\.healthPath: must be an absolute URL path"),
        (lambda a: a["app"].update(criticality="high"), r"app\.criticality: must be one of critical \| standard"),
        (lambda a: a.update(hostname="shop"), r"hostname: must be a fully qualified DNS name"),
        (lambda a: a.update(hostname="shop.example.org"), r"hostname: must be inside dns.zone 'example.com'"),
        (lambda a: a.update(targets=a["targets"][:1]), r"targets: failover needs at least 2 targets"),
        (lambda a: a["targets"][1].update(cloud="oracle"), r"targets\[1\]\.cloud: must be one of aws \| gcp \| azure"),
        (lambda a: a["targets"][0].update(region="useast1"), r"targets\[0\]\.region: is not a aws region name"),
        (lambda a: a["targets"][1].update(region="us_central1"), r"targets\[1\]\.region: is not a gcp region name"),
        (lambda a: a["targets"].append({"cloud": "aws", "region": "us-east-1"}), r"targets\[2\]: aws/us-east-1 rep"),
        (lambda a: a["targets"][0].update(zone="a"), r"targets\[0\]\.zone: unknown key"),
        (lambda a: a.update(rtoSeconds=0), r"rtoSeconds: must be at least 1 second"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_core_rules(mutate: Any, message: str) -> None:
    config = args()
    mutate(config)
    with pytest.raises(ConfigError, match=message):
        parse_spec(config)


# Cloud Run "Known issues", reserved URL paths (https://cloud.google.com/run/docs/known-issues): /eventlog,
# paths under /_ah/ and some paths ending in "z" (Google: avoid them all) never reach the container.
@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/livez/", "/_ah/health", "/eventlog"])
def test_health_path_cloud_run_reserves_is_refused_with_a_gcp_target(path: str) -> None:
    with pytest.raises(ConfigError, match=rf"app\.healthPath: '{path}' never reaches the app on a gcp target"):
        parse_spec(args("aws/us-east-1", "gcp/us-central1", healthPath=path))


def test_health_path_ending_in_z_is_fine_without_a_gcp_target() -> None:
    assert parse_spec(args("aws/us-east-1", "azure/eastus2", healthPath="/healthz")).app.health_path == "/healthz"


def test_vpc_id_applies_only_to_aws_targets() -> None:
    gcp = {"cloud": "gcp", "region": "us-central1", "vpcId": "vpc-0a1b2c3d"}
    with pytest.raises(ConfigError, match=r"targets\[1\]\.vpcId: applies only to aws targets, this target is gcp"):
        parse_spec(args("aws/us-east-1", gcp))


def test_vpc_id_must_look_like_a_vpc_id() -> None:
    subnets = ["subnet-0a1b2c3d", "subnet-0a1b2c3e"]
    aws = {"cloud": "aws", "region": "us-east-1", "vpcId": "my-vpc", "subnetIds": subnets}
    with pytest.raises(ConfigError, match=r"targets\[0\]\.vpcId: must be a VPC id like vpc-.*, got 'my-vpc'"):
        parse_spec(args(aws, "gcp/us-central1"))


def test_vpc_id_needs_two_subnets() -> None:
    aws = {"cloud": "aws", "region": "us-east-1", "vpcId": "vpc-0a1b2c3d", "subnetIds": ["subnet-0a1b2c3d"]}
    with pytest.raises(ConfigError, match=r"targets\[0\]\.subnetIds: with vpc_id, give at least two subnets"):
        parse_spec(args(aws, "gcp/us-central1"))


def test_subnet_ids_must_look_like_subnet_ids() -> None:
    aws = {"cloud": "aws", "region": "us-east-1", "vpcId": "vpc-0a1b2c3d", "subnetIds": ["subnet-0a1b2c3d", "public"]}
    with pytest.raises(ConfigError, match=r"targets\[0\]\.subnetIds: must hold subnet ids like .*, got 'public'"):
        parse_spec(args(aws, "gcp/us-central1"))


def test_subnet_ids_must_be_a_list() -> None:
    aws = {"cloud": "aws", "region": "us-east-1", "vpcId": "vpc-0a1b2c3d", "subnetIds": "subnet-0a1b2c3d"}
    with pytest.raises(ConfigError, match=r"targets\[0\]\.subnetIds: must be a list of subnet ids"):
        parse_spec(args(aws, "gcp/us-central1"))


def test_subnet_ids_need_a_vpc_id() -> None:
    aws = {"cloud": "aws", "region": "us-east-1", "subnetIds": ["subnet-0a1b2c3d", "subnet-0a1b2c3e"]}
    with pytest.raises(ConfigError, match=r"targets\[0\]\.subnetIds: needs vpc_id"):
        parse_spec(args(aws, "gcp/us-central1"))


def test_existing_vpc_is_accepted() -> None:
    subnets = ["subnet-0a1b2c3d", "subnet-0a1b2c3e"]
    aws = {"cloud": "aws", "region": "us-east-1", "vpcId": "vpc-0a1b2c3d", "subnetIds": subnets}
    target = parse_spec(args(aws, "gcp/us-central1")).primary
    assert (target.vpc_id, target.subnet_ids) == ("vpc-0a1b2c3d", tuple(subnets))


def test_at_most_one_azure_target() -> None:
    with pytest.raises(ConfigError, match=r"targets\[2\]: at most one azure target per hostname .* azure/westeurope"):
        parse_spec(args("aws/us-east-1", "azure/eastus2", "azure/westeurope"))


def test_every_problem_is_reported_at_once() -> None:
    config = args()
    config["app"]["port"] = 0
    config["targets"][1]["region"] = "Central"
    with pytest.raises(ConfigError) as caught:
        parse_spec(config)
    assert len(caught.value.problems) == 2


@pytest.mark.parametrize("name", ["1shop", "shop--eu"])
def test_azure_targets_need_a_container_apps_compatible_name(name: str) -> None:
    with pytest.raises(
        ConfigError, match=rf"app\.name: an azure target needs a name that starts with a letter .* {name!r}"
    ):
        parse_spec(args("aws/us-east-1", "azure/eastus2", name=name))


def test_names_starting_with_a_digit_are_fine_on_aws() -> None:
    assert parse_spec(args("aws/us-east-1", "aws/us-west-2", name="1shop")).app.name == "1shop"


def test_gcp_targets_need_a_name_starting_with_a_letter() -> None:
    with pytest.raises(
        ConfigError, match=r"app\.name: a gcp target needs a name that starts with a letter, got '1shop'"
    ):
        parse_spec(args("aws/us-east-1", "gcp/us-central1", name="1shop"))
