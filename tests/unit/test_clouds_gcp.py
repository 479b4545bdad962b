"""GCP target under mocks: Cloud Run v2 behind a global external ALB with a DNS-authorised managed certificate."""

from __future__ import annotations

from typing import Any

import pytest
from assertions import FAKE_RECORD_TYPE, Infra, untagged
from cloud_testkit import HOSTNAME, IMAGE, outside_app, run_app

PLACEMENTS = ("aws/us-east-1", "gcp/us-central1")
# GCP resources without a labels field (the API has none for them).
UNLABELLED = (
    "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
    "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup",
    "gcp:compute/backendService:BackendService",
    "gcp:compute/uRLMap:URLMap",
    "gcp:compute/targetHttpsProxy:TargetHttpsProxy",
    "gcp:compute/targetHttpProxy:TargetHttpProxy",
)
RUN = "gcp:cloudrunv2/service:Service"


@pytest.fixture
def infra(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> Infra:
    return run_app(recorder, monkeypatch, PLACEMENTS)


def test_child_names_derive_from_target_key(infra: Infra) -> None:
    roles = {
        "run", "invoker", "neg", "backend", "url-map", "https-proxy", "ip", "https-rule", "redirect-map",
        "http-proxy", "http-rule", "cert", "cert-map", "cert-map-entry", "cert-map-primary",
    }  # fmt: skip
    gcp = {r.name for r in infra.custom("gcp:")}
    assert gcp == {f"shop-gcp-us-central1-{role}" for role in roles} | {"shop-gcp-dns-auth"}


def test_every_labellable_resource_carries_lowercase_workload_labels(infra: Infra) -> None:
    assert untagged(infra, "labels", lambda r: not r.type.startswith("gcp:") or r.type in UNLABELLED) == []
    for r in infra.custom("gcp:"):
        for key, value in (r.inputs.get("labels") or {}).items():
            assert key == key.lower() and value == value.lower(), f"{r.name}: GCP labels must be lowercase"


def test_every_resource_hangs_off_the_failover_app(infra: Infra) -> None:
    assert outside_app(infra, "gcp:") == []


def test_regional_resources_carry_the_target_region(infra: Infra) -> None:
    infra.assert_has_resource(RUN, {"location": "us-central1"})
    infra.assert_has_resource("gcp:cloudrunv2/serviceIamMember:ServiceIamMember", {"location": "us-central1"})
    infra.assert_has_resource(
        "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup",
        {"region": "us-central1", "networkEndpointType": "SERVERLESS"},
    )


def test_cloud_run_service_runs_the_image_with_probes_on_the_health_path(infra: Infra) -> None:
    probe = {"httpGet": {"path": "/health", "port": 8080}}
    infra.assert_has_resource(
        RUN,
        {
            "deletionProtection": False,
            "ingress": "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
            "template": {
                "containers": [
                    {"image": IMAGE, "ports": {"containerPort": 8080}, "startupProbe": probe, "livenessProbe": probe}
                ]
            },
        },
    )


def test_probes_stay_within_cloud_run_limits(infra: Infra) -> None:
    # Limits from the API reference: startup period <= 240 s; timeout below the period.
    (container,) = infra.assert_has_resource(RUN).inputs["template"]["containers"]
    for kind in ("startupProbe", "livenessProbe"):
        probe = container[kind]
        assert probe["timeoutSeconds"] < probe["periodSeconds"] <= 240, probe
        assert probe["failureThreshold"] >= 1
    startup = container["startupProbe"]
    assert startup["failureThreshold"] * startup["periodSeconds"] >= 60, "a slow start gets a minute"


def test_default_critical_app_keeps_one_instance_warm(infra: Infra) -> None:
    infra.assert_has_resource(RUN, {"template": {"scaling": {"minInstanceCount": 1, "maxInstanceCount": 10}}})


def test_standard_app_may_scale_to_zero(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    infra = run_app(recorder, monkeypatch, PLACEMENTS, criticality="standard")
    infra.assert_has_resource(RUN, {"template": {"scaling": {"minInstanceCount": 0}}})


def test_public_invoker_lets_the_load_balancer_in(infra: Infra) -> None:
    run = infra.named("shop-gcp-us-central1-run")
    infra.assert_has_resource(
        "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
        {"role": "roles/run.invoker", "member": "allUsers", "name": run.outputs["name"]},
    )


def test_load_balancer_chain_reaches_cloud_run(infra: Infra) -> None:
    neg = infra.named("shop-gcp-us-central1-neg")
    backend = infra.assert_has_resource(
        "gcp:compute/backendService:BackendService",
        {"loadBalancingScheme": "EXTERNAL_MANAGED", "backends": [{"group": neg.id}]},
    )
    url_map = infra.assert_has_resource("gcp:compute/uRLMap:URLMap", {"defaultService": backend.id})
    proxy = infra.assert_has_resource("gcp:compute/targetHttpsProxy:TargetHttpsProxy", {"urlMap": url_map.id})
    ip = infra.assert_has_resource(
        "gcp:compute/globalAddress:GlobalAddress", {"addressType": "EXTERNAL", "ipVersion": "IPV4"}
    )
    infra.assert_has_resource(
        "gcp:compute/globalForwardingRule:GlobalForwardingRule",
        {"target": proxy.id, "portRange": "443", "ipAddress": ip.id, "loadBalancingScheme": "EXTERNAL_MANAGED"},
    )


def test_http_redirects_to_https_on_the_same_address(infra: Infra) -> None:
    redirect = infra.assert_has_resource(
        "gcp:compute/uRLMap:URLMap", {"defaultUrlRedirect": {"httpsRedirect": True, "stripQuery": False}}
    )
    proxy = infra.assert_has_resource("gcp:compute/targetHttpProxy:TargetHttpProxy", {"urlMap": redirect.id})
    ip = infra.named("shop-gcp-us-central1-ip")
    infra.assert_has_resource(
        "gcp:compute/globalForwardingRule:GlobalForwardingRule",
        {"target": proxy.id, "portRange": "80", "ipAddress": ip.id},
    )


def test_managed_certificate_for_the_hostname_is_authorised_through_dns(infra: Infra) -> None:
    auth = infra.assert_has_resource(
        "gcp:certificatemanager/dnsAuthorization:DnsAuthorization", {"domain": HOSTNAME, "location": "global"}
    )
    record = infra.assert_has_resource(
        FAKE_RECORD_TYPE, {"recordName": f"_acme-challenge.{HOSTNAME}.", "recordType": "CNAME"}
    )
    cert = infra.assert_has_resource(
        "gcp:certificatemanager/certificate:Certificate",
        {"managed": {"domains": [HOSTNAME], "dnsAuthorizations": [auth.id]}},
    )
    assert record.urn in cert.dependencies
    cert_map = infra.named("shop-gcp-us-central1-cert-map")
    infra.assert_has_resource(
        "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry",
        {"hostname": HOSTNAME, "certificates": [cert.id], "map": cert_map.outputs["name"]},
    )
    infra.assert_has_resource(
        "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry",
        {"matcher": "PRIMARY", "certificates": [cert.id]},
    )
    proxy = infra.assert_has_resource("gcp:compute/targetHttpsProxy:TargetHttpsProxy")
    assert proxy.inputs["certificateMap"] == f"//certificatemanager.googleapis.com/{cert_map.id}"


def test_two_gcp_regions_share_one_dns_authorization(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    infra = run_app(recorder, monkeypatch, ["gcp/us-central1", "gcp/europe-west1"])
    infra.assert_resource_count("gcp:certificatemanager/dnsAuthorization:DnsAuthorization", 1)
    infra.assert_resource_count(FAKE_RECORD_TYPE, 1)
    infra.assert_resource_count(RUN, 2)
    assert {r.inputs["location"] for r in infra.resources_of(RUN)} == {"us-central1", "europe-west1"}


def test_endpoint_is_the_static_ip(infra: Infra) -> None:
    ip = infra.named("shop-gcp-us-central1-ip").outputs["address"]
    gcp = next(e for e in infra.component().outputs["endpoints"] if e["cloud"] == "gcp")
    assert gcp["originHostname"] == ip
    assert gcp["healthUrl"] == f"https://{ip}/health"
