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
                        {
                            "location": "europe-west1",
                            "healthCheckedTargets": {"externalEndpoints": ["20.1.1.20", "34.1.2.10"]},
                        }
                    ],
                    "trickleRatio": 0,
                },
            },
        },
    )


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
