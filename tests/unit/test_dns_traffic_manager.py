"""Traffic Manager backend under mocks: profile, endpoints, the CNAME in Azure DNS or Route 53, validation."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from assertions import Infra
from dns_testkit import config, make_spec, run_backend
from failoverkit.dns.traffic_manager import profile_dns_name
from failoverkit.errors import ConfigError
from failoverkit.spec import parse_spec

PROFILE = "azure-native:trafficmanager:Profile"
ENDPOINT = "azure-native:trafficmanager:Endpoint"
RECORDSET = "azure-native:dns:RecordSet"
TRI = ["aws/us-east-1", "azure/westeurope", "gcp/us-central1"]


def is_ip(target: str) -> bool:
    try:
        ipaddress.ip_address(target)
    except ValueError:
        return False
    return True


def test_profile_priority_routing_and_monitor(recorder: Any) -> None:
    spec = make_spec("traffic-manager", TRI)
    infra, (record,) = run_backend(recorder, spec)
    infra.assert_resource_count(PROFILE, 1)
    name = profile_dns_name(spec)
    profile = infra.assert_has_resource(
        PROFILE,
        {
            "resourceGroupName": "rg-dns",
            "profileName": name,
            "location": "global",
            "trafficRoutingMethod": "Priority",
            "dnsConfig": {"relativeName": name, "ttl": 30},
            "monitorConfig": {
                "protocol": "HTTPS",
                "port": 443,
                "path": "/health",
                "intervalInSeconds": 10,
                "timeoutInSeconds": 5,
                "toleratedNumberOfFailures": 2,  # failureThreshold 3 = 2 tolerated + the failing one
                # "Traffic Manager endpoint monitoring", custom header settings: a host header routes the probe
                # in a multi-tenant front end; without one it carries the endpoint target's own name (FAQ:
                # "What host header do endpoint health checks use?"), which every origin answers.
                "customHeaders": [{"name": "host", "value": "shop.example.com"}],
            },
        },
    )
    assert profile.inputs["tags"] == {"workload": "shop", "criticality": "critical", "managed-by": "failoverkit"}
    assert record.provider == "traffic-manager" and record.health_checks


def test_one_external_endpoint_per_target_with_unique_priorities(recorder: Any) -> None:
    spec = make_spec("traffic-manager", TRI)
    infra, _ = run_backend(recorder, spec)
    infra.assert_resource_count(ENDPOINT, 3)
    by_priority = {r.inputs["priority"]: r for r in infra.resources_of(ENDPOINT)}
    assert sorted(by_priority) == [1, 2, 3]
    assert by_priority[1].name == "shop-aws-us-east-1-tm-endpoint"
    assert by_priority[1].inputs["target"] == "shop-us-east-1-123.us-east-1.elb.amazonaws.com"
    assert by_priority[2].inputs["target"] == "shop-westeurope.azurecontainerapps.io"
    assert by_priority[3].inputs["target"] == "gcp-us-central1.shop.example.com"
    for r in by_priority.values():
        assert r.inputs["endpointType"] == "ExternalEndpoints"
        assert r.inputs["type"] == "Microsoft.Network/trafficManagerProfiles/externalEndpoints"
        assert r.inputs["profileName"] == profile_dns_name(spec)
        assert r.inputs["endpointStatus"] == "Enabled"


def test_every_endpoint_is_a_dns_name_when_a_target_is_an_ip(recorder: Any) -> None:
    # Traffic Manager FAQ, "Can I use different endpoint addressing types within a single profile?": no, except
    # IPv4 with IPv6 under MultiValue routing. A GCP origin is an IP; ALB and Container Apps are names.
    spec = make_spec("traffic-manager", ["aws/us-east-1", "gcp/us-central1"])
    infra, _ = run_backend(recorder, spec)
    targets = [r.inputs["target"] for r in infra.resources_of(ENDPOINT)]
    assert not any(is_ip(t) for t in targets), targets
    # The GCP origin's own A record is what the endpoint names, and the endpoint waits for it.
    origin = infra.assert_has_resource(
        RECORDSET,
        {
            "relativeRecordSetName": "gcp-us-central1.shop",
            "recordType": "A",
            "aRecords": [{"ipv4Address": "34.1.1.10"}],
        },
    )
    gcp = infra.named("shop-gcp-us-central1-tm-endpoint")
    assert gcp.inputs["target"] == "gcp-us-central1.shop.example.com"
    assert origin.urn in gcp.dependencies
    # Hostname origins get a name too (CNAME), and keep their own name as the endpoint target.
    infra.assert_has_resource(
        RECORDSET,
        {
            "relativeRecordSetName": "aws-us-east-1.shop",
            "recordType": "CNAME",
            "cnameRecord": {"cname": "shop-us-east-1-123.us-east-1.elb.amazonaws.com"},
        },
    )


def test_traffic_manager_stack_with_a_gcp_target_runs(recorder: Any) -> None:
    # The whole program (real targets and backend): aws + gcp behind Traffic Manager.
    from failoverkit.app import FailoverApp

    args = config("traffic-manager", ["aws/us-east-1", "gcp/us-central1"], rto=120)
    infra = Infra(recorder(lambda: FailoverApp("shop", args)))  # type: ignore[arg-type]
    endpoints = infra.resources_of(ENDPOINT)
    assert len(endpoints) == 2 and not any(is_ip(r.inputs["target"]) for r in endpoints)
    ip = infra.named("shop-gcp-us-central1-ip").outputs["address"]
    infra.assert_has_resource(
        RECORDSET, {"relativeRecordSetName": "gcp-us-central1.shop", "aRecords": [{"ipv4Address": ip}]}
    )


def test_cname_and_validation_records_in_azure_dns(recorder: Any) -> None:
    spec = make_spec("traffic-manager", TRI)
    infra, _ = run_backend(recorder, spec)
    infra.assert_has_resource(
        RECORDSET,
        {
            "resourceGroupName": "rg-dns",
            "zoneName": "example.com",
            "relativeRecordSetName": "shop",
            "recordType": "CNAME",
            "ttl": 30,
            "cnameRecord": {"cname": f"{profile_dns_name(spec)}.trafficmanager.net"},
        },
    )
    infra.assert_has_resource(RECORDSET, {"relativeRecordSetName": "_abc.shop", "recordType": "CNAME", "ttl": 300})
    for r in infra.resources_of(RECORDSET):
        assert r.inputs["metadata"]["workload"] == "shop"


def test_txt_and_a_records_in_azure_dns(recorder: Any) -> None:
    spec = make_spec("traffic-manager")

    def endpoints(s: Any) -> list[Any]:
        from dns_testkit import make_endpoint
        from failoverkit.dns.traffic_manager import AzureDnsZone

        zone = AzureDnsZone(s, "rg-dns", None)  # type: ignore[arg-type]  # no parent: a root resource
        zone.record("shop-asuid", record_name="asuid.shop.example.com", record_type="TXT", value="ABC123")
        zone.record("shop-origin", record_name="o.shop.example.com.", record_type="A", value="20.1.1.1")
        return [make_endpoint(t) for t in s.targets]

    infra, _ = run_backend(recorder, spec, endpoints=endpoints)
    infra.assert_has_resource(RECORDSET, {"relativeRecordSetName": "asuid.shop", "txtRecords": [{"value": ["ABC123"]}]})
    infra.assert_has_resource(RECORDSET, {"relativeRecordSetName": "o.shop", "aRecords": [{"ipv4Address": "20.1.1.1"}]})


def test_zone_in_route53_when_zone_id_is_given(recorder: Any) -> None:
    spec = make_spec("traffic-manager", TRI, zoneId="Z0123456789ABCDEFGHIJ")
    infra, _ = run_backend(recorder, spec)
    infra.assert_resource_count(RECORDSET, 0)
    infra.assert_has_resource(
        "aws:route53/record:Record",
        {
            "zoneId": "Z0123456789ABCDEFGHIJ",
            "name": "shop.example.com",
            "type": "CNAME",
            "records": [f"{profile_dns_name(spec)}.trafficmanager.net"],
            "ttl": 30,
        },
    )


def test_profile_name_is_stable_and_per_hostname() -> None:
    a = make_spec("traffic-manager")
    assert profile_dns_name(a) == profile_dns_name(make_spec("traffic-manager"))
    other = config("traffic-manager")
    other["hostname"] = "www.example.com"
    assert profile_dns_name(parse_spec(other)) != profile_dns_name(a)


@pytest.mark.parametrize(
    ("dns", "message"),
    [
        (
            {"healthCheck": {"intervalSeconds": 20, "timeoutSeconds": 5}},
            "dns.healthCheck.intervalSeconds: traffic-manager allows 10 or 30",
        ),
        (
            {"healthCheck": {"intervalSeconds": 10, "timeoutSeconds": 10}},
            "dns.healthCheck.timeoutSeconds: traffic-manager allows whole seconds 5 to 9",
        ),
        (
            {"healthCheck": {"intervalSeconds": 30, "timeoutSeconds": 11}},
            "dns.healthCheck.timeoutSeconds: traffic-manager allows whole seconds 5 to 10",
        ),
        (
            {"healthCheck": {"failureThreshold": 11, "intervalSeconds": 10}},
            "dns.healthCheck.failureThreshold: traffic-manager",
        ),
        ({"resourceGroup": None}, "dns.resourceGroup: is required with traffic-manager"),
        ({"zoneId": "Z0123456789", "secondary": "route53"}, "dns.zoneId: traffic-manager would write the hostname"),
    ],
)
def test_validation_errors(dns: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_spec(config("traffic-manager", **dns))
    assert any(p.startswith(message) for p in err.value.problems), err.value.problems
