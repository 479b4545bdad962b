"""Cloud DNS backend under mocks: the health check, the primary-backup record set, zone records, validation."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from dns_testkit import config, make_endpoint, make_spec, run_backend
from failoverkit.clouds import Endpoint
from failoverkit.errors import ConfigError
from failoverkit.spec import FailoverSpec, parse_spec

HC = "gcp:compute/healthCheck:HealthCheck"
RRSET = "gcp:dns/recordSet:RecordSet"
API = "gcp:projects/service:Service"
GA = ["gcp/us-central1", "azure/westeurope"]


def test_health_check_with_three_source_regions(recorder: Any) -> None:
    infra, (record,) = run_backend(recorder, make_spec("cloud-dns", GA))
    infra.assert_resource_count(HC, 1)
    check = infra.assert_has_resource(
        HC,
        {
            "checkIntervalSec": 30,
            "timeoutSec": 5,
            "unhealthyThreshold": 2,
            "healthyThreshold": 2,
            "httpsHealthCheck": {"port": 443, "requestPath": "/health", "host": "shop.example.com"},
        },
    )
    assert len(check.inputs["sourceRegions"]) == 3
    assert "workload=shop" in check.inputs["description"]
    assert record.provider == "cloud-dns"


def test_primary_backup_record_set_over_static_ips(recorder: Any) -> None:
    infra, _ = run_backend(recorder, make_spec("cloud-dns", [*GA, "gcp/europe-west1"]))
    check_id = infra.resources_of(HC)[0].id
    infra.assert_has_resource(
        RRSET,
        {
            "managedZone": "example-com",
            "name": "shop.example.com.",
            "type": "A",
            "ttl": 30,
            "routingPolicy": {
                "healthCheck": check_id,
                "primaryBackup": {
                    "primary": {"externalEndpoints": ["34.1.0.10"]},
                    "backupGeos": [
                        {"location": "us-central1", "healthCheckedTargets": {"externalEndpoints": ["20.1.1.20"]}},
                        {"location": "europe-west1", "healthCheckedTargets": {"externalEndpoints": ["34.1.2.10"]}},
                    ],
                    "trickleRatio": 0,
                },
            },
        },
    )


# "DNS routing policies and health checks" (https://cloud.google.com/dns/docs/routing-policies-overview, Health
# checks): in a DNSSEC-signed managed zone a health-checked policy item may hold only one IP address. The kit cannot
# see whether the zone is signed, so every item holds one: each standby is a backup geo item of its own, at a
# distinct GCP location (item locations are Google Cloud region names).
@pytest.mark.parametrize(
    "placements",
    [
        GA,
        [*GA, "gcp/europe-west1"],
        ["gcp/europe-west1", "gcp/us-central1", "azure/westeurope", "gcp/asia-southeast1"],
        ["gcp/us-central1", "gcp/europe-west1", "azure/westeurope"],
    ],
)
def test_every_policy_item_holds_one_ip_as_dnssec_zones_require(recorder: Any, placements: list[str]) -> None:
    infra, _ = run_backend(recorder, make_spec("cloud-dns", placements))
    policy = infra.assert_has_resource(RRSET, {"type": "A"}).inputs["routingPolicy"]["primaryBackup"]
    assert len(policy["primary"]["externalEndpoints"]) == 1
    items = policy["backupGeos"]
    assert all(len(item["healthCheckedTargets"]["externalEndpoints"]) == 1 for item in items)
    standbys = [ip for item in items for ip in item["healthCheckedTargets"]["externalEndpoints"]]
    assert len(standbys) == len(set(standbys)) == len(placements) - 1
    locations = [item["location"] for item in items]
    assert len(set(locations)) == len(locations)
    gcp_standbys = [p.split("/")[1] for p in placements[1:] if p.startswith("gcp/")]
    assert set(gcp_standbys) <= set(locations), "a GCP standby's item sits in its own region"


# The health check (Compute Engine) and the record set (Cloud DNS) call APIs a fresh project has off ("Error 403:
# ... has not been used in project <n> before or it is disabled"); projects.Service docs: disable_on_destroy=False
# keeps them on for the project's other workloads when the stack is destroyed.
def test_health_check_and_record_set_wait_for_the_compute_and_dns_apis(recorder: Any) -> None:
    infra, _ = run_backend(recorder, make_spec("cloud-dns", GA), zone_record=False)
    apis = {a.inputs["service"]: a for a in infra.resources_of(API)}
    assert {"compute.googleapis.com", "dns.googleapis.com"} <= set(apis)
    assert all(a.inputs["disableOnDestroy"] is False for a in apis.values())
    for typ in (HC, RRSET):
        resource = infra.resources_of(typ)[0]
        assert {a.urn for a in apis.values()} <= set(resource.dependencies), typ


def test_enable_apis_false_creates_no_api_services(recorder: Any) -> None:
    config_ = config("cloud-dns", GA)
    config_["targets"][0]["enableApis"] = False
    infra, _ = run_backend(recorder, parse_spec(config_))
    infra.assert_resource_count(API, 0)
    assert infra.resources_of(HC)[0].dependencies == []


def test_zone_records_are_absolute_and_txt_is_quoted(recorder: Any) -> None:
    def endpoints(spec: FailoverSpec) -> list[Endpoint]:
        from failoverkit.dns.cloud_dns import CloudDnsZone

        zone = CloudDnsZone("example-com", None)  # type: ignore[arg-type]  # no parent: a root resource
        zone.record("shop-asuid", record_name="asuid.shop.example.com", record_type="TXT", value="ABC123")
        zone.record("shop-cname", record_name="x.shop.example.com", record_type="CNAME", value="y.example.net")
        return [make_endpoint(t) for t in spec.targets]

    infra, _ = run_backend(recorder, make_spec("cloud-dns", GA), endpoints=endpoints)
    infra.assert_has_resource(RRSET, {"name": "asuid.shop.example.com.", "type": "TXT", "rrdatas": ['"ABC123"']})
    infra.assert_has_resource(RRSET, {"name": "x.shop.example.com.", "type": "CNAME", "rrdatas": ["y.example.net."]})
    infra.assert_has_resource(RRSET, {"name": "_abc.shop.example.com.", "rrdatas": ["_def.acm-validations.aws."]})


def test_an_endpoint_without_static_ip_is_refused_at_publish(recorder: Any) -> None:
    def endpoints(spec: FailoverSpec) -> list[Endpoint]:
        first = make_endpoint(spec.targets[0])
        no_ip = Endpoint(spec.targets[1], pulumi.Output.from_input("x.example.net"), "HTTPS", 443, "/health")
        return [first, no_ip]

    with pytest.raises(ConfigError, match=r"targets\[1\]: cloud-dns .* use dns.provider route53 or cloudflare"):
        run_backend(recorder, make_spec("cloud-dns", GA), endpoints=endpoints)


@pytest.mark.parametrize(
    ("placements", "dns", "message"),
    [
        (["aws/us-east-1", "gcp/us-central1"], {}, "dns.provider: cloud-dns fails over between static IPs"),
        (GA, {"managedZone": None}, "dns.managedZone: is required with cloud-dns"),
        (GA, {"healthCheck": {"intervalSeconds": 10}}, "dns.healthCheck.intervalSeconds: cloud-dns"),
        (GA, {"healthCheck": {"timeoutSeconds": 31}}, "dns.healthCheck.timeoutSeconds: cloud-dns"),
        (GA, {"zoneId": "Z123"}, "dns.zoneId: applies to route53, cloudflare and traffic-manager"),
    ],
)
def test_validation_errors(placements: list[str], dns: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_spec(config("cloud-dns", placements, **dns))
    assert any(p.startswith(message) for p in err.value.problems), err.value.problems
