"""Azure target under mocks: Container Apps with external ingress and a managed certificate for the hostname."""

from __future__ import annotations

from typing import Any

import pytest
from assertions import FAKE_RECORD_TYPE, Infra, is_secret, reveal, untagged
from cloud_testkit import HOSTNAME, IMAGE, outside_app, run_app

PLACEMENTS = ("aws/us-east-1", "azure/eastus2")
APP = "azure-native:app:ContainerApp"
CERT = "azure-native:app:ManagedCertificate"


@pytest.fixture
def infra(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> Infra:
    return run_app(recorder, monkeypatch, PLACEMENTS)


def test_child_names_derive_from_target_key(infra: Infra) -> None:
    names = {r.name for r in infra.custom("azure-native:")}
    assert names == {f"shop-azure-eastus2-{role}" for role in ("rg", "logs", "env", "app", "cert")}
    assert {r.name for r in infra.resources_of(FAKE_RECORD_TYPE)} >= {"shop-azure-asuid", "shop-azure-cert-validation"}


def test_every_resource_is_tagged_located_and_parented(infra: Infra) -> None:
    assert untagged(infra, "tags", lambda r: not r.type.startswith("azure-native:")) == []
    assert {r.inputs.get("location") for r in infra.custom("azure-native:")} == {"eastus2"}
    assert outside_app(infra, "azure-native:") == []


def test_everything_lives_in_the_targets_resource_group(infra: Infra) -> None:
    group = infra.named("shop-azure-eastus2-rg").outputs["name"]
    for r in infra.custom("azure-native:"):
        if r.type != "azure-native:resources:ResourceGroup":
            assert r.inputs["resourceGroupName"] == group, r.name


def test_environment_sends_logs_to_the_workspace(infra: Infra) -> None:
    workspace = infra.assert_has_resource(
        "azure-native:operationalinsights:Workspace", {"sku": {"name": "PerGB2018"}, "retentionInDays": 30}
    )
    env = infra.assert_has_resource(
        "azure-native:app:ManagedEnvironment", {"appLogsConfiguration": {"destination": "log-analytics"}}
    )
    assert is_secret(env.inputs["appLogsConfiguration"]), "the workspace key must stay secret in state"
    logs = reveal(env.inputs["appLogsConfiguration"])["logAnalyticsConfiguration"]
    assert logs["customerId"] == workspace.outputs["customerId"]
    assert logs["sharedKey"], "the workspace key must reach the environment"


def test_container_app_has_external_ingress_on_the_port_and_probes(infra: Infra) -> None:
    env = infra.named("shop-azure-eastus2-env")
    app = infra.assert_has_resource(
        APP,
        {
            "managedEnvironmentId": env.id,
            "configuration": {"ingress": {"external": True, "targetPort": 8080, "allowInsecure": False}},
            "template": {"containers": [{"image": IMAGE, "name": "shop"}]},
        },
    )
    (container,) = app.inputs["template"]["containers"]
    probes = {p["type"]: p for p in container["probes"]}
    assert set(probes) == {"Startup", "Liveness", "Readiness"}
    assert all(p["httpGet"] == {"path": "/health", "port": 8080, "scheme": "HTTP"} for p in probes.values())


def test_probes_stay_within_container_apps_limits(infra: Infra) -> None:
    # Limits from the API reference: failureThreshold 1-10, periodSeconds 1-240; timeout below the period.
    (container,) = infra.assert_has_resource(APP).inputs["template"]["containers"]
    for p in container["probes"]:
        assert 1 <= p["failureThreshold"] <= 10, p
        assert 1 <= p["periodSeconds"] <= 240, p
        assert p["timeoutSeconds"] < p["periodSeconds"], p
    startup = next(p for p in container["probes"] if p["type"] == "Startup")
    assert startup["failureThreshold"] * startup["periodSeconds"] >= 60, "a slow start gets a minute"


def test_default_critical_app_keeps_two_replicas(infra: Infra) -> None:
    infra.assert_has_resource(APP, {"template": {"scale": {"minReplicas": 2, "maxReplicas": 10}}})


def test_standard_app_keeps_one_replica(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    infra = run_app(recorder, monkeypatch, PLACEMENTS, criticality="standard")
    infra.assert_has_resource(APP, {"template": {"scale": {"minReplicas": 1}}})


def test_asuid_record_carries_the_subscription_verification_id(infra: Infra) -> None:
    asuid = infra.assert_has_resource(FAKE_RECORD_TYPE, {"recordName": f"asuid.{HOSTNAME}", "recordType": "TXT"})
    assert len(asuid.inputs["value"]) == 64
    app = infra.named("shop-azure-eastus2-app")
    assert asuid.urn in app.dependencies, "Container Apps checks asuid before it accepts the hostname"


def test_default_binds_the_hostname_to_the_managed_certificate(infra: Infra) -> None:
    cert = infra.assert_has_resource(CERT, {"properties": {"subjectName": HOSTNAME, "domainControlValidation": "TXT"}})
    infra.assert_has_resource(
        APP,
        {
            "configuration": {
                "ingress": {
                    "customDomains": [{"name": HOSTNAME, "bindingType": "SniEnabled", "certificateId": cert.id}]
                }
            }
        },
    )
    token = infra.assert_has_resource(FAKE_RECORD_TYPE, {"recordName": f"_dnsauth.{HOSTNAME}", "recordType": "TXT"})
    assert token.inputs["value"] == cert.outputs["properties"]["validationToken"]


def test_first_deployment_adds_the_hostname_unbound(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    target = {"cloud": "azure", "region": "westeurope", "certificateBinding": "disabled"}
    infra = run_app(recorder, monkeypatch, ["aws/us-east-1", target])
    app = infra.assert_has_resource(
        APP, {"configuration": {"ingress": {"customDomains": [{"name": HOSTNAME, "bindingType": "Disabled"}]}}}
    )
    assert "certificateId" not in app.inputs["configuration"]["ingress"]["customDomains"][0]
    cert = infra.assert_has_resource(CERT)
    assert app.urn in cert.dependencies, "the certificate needs the hostname on an app first"


def test_endpoint_is_the_app_fqdn_with_the_environment_static_ip(infra: Infra) -> None:
    app = infra.named("shop-azure-eastus2-app")
    fqdn = app.outputs["configuration"]["ingress"]["fqdn"]
    azure = next(e for e in infra.component().outputs["endpoints"] if e["cloud"] == "azure")
    assert azure["originHostname"] == fqdn
    assert azure["healthUrl"] == f"https://{fqdn}/health"


def test_long_app_names_fit_container_apps_limits(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    name = "orders-and-payments-gateway-prod"  # 32 characters, the kit's own limit
    infra = run_app(recorder, monkeypatch, PLACEMENTS, name=name)
    names = [
        infra.assert_has_resource(APP).inputs["containerAppName"],
        infra.assert_has_resource("azure-native:app:ManagedEnvironment").inputs["environmentName"],
        infra.assert_has_resource(CERT).inputs["managedCertificateName"],
    ]
    assert names[0] == name
    assert all(len(n) <= 32 and "--" not in n and not n.endswith("-") for n in names), names
