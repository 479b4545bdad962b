"""Azure target under mocks: Container Apps with external ingress, bound to an ACME certificate for the hostname."""

from __future__ import annotations

import re
from typing import Any

import pytest
from assertions import FAKE_RECORD_TYPE, Infra, is_secret, reveal, untagged, with_fake_dns
from cloud_testkit import HOSTNAME, IMAGE, app_args, outside_app, run_app
from dns_testkit import CF_ACCOUNT, config
from failoverkit.app import FailoverApp
from failoverkit.check.mocks import PlausibleMocks, run_program
from failoverkit.errors import ConfigError
from failoverkit.spec import parse_spec

PLACEMENTS = ("aws/us-east-1", "azure/eastus2")
APP = "azure-native:app:ContainerApp"
CERT = "azure-native:app:Certificate"
ACME_CERT = "acme:index/certificate:Certificate"
WORKSPACE = "azure-native:operationalinsights:Workspace"


@pytest.fixture
def infra(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> Infra:
    return run_app(recorder, monkeypatch, PLACEMENTS)


def full_app(recorder: Any, args: dict[str, Any], **kwargs: Any) -> Infra:
    """FailoverApp with its real DNS backends (no fake zone)."""
    return Infra(recorder(lambda: FailoverApp("shop", args), **kwargs))  # type: ignore[arg-type]


def depends_on(infra: Infra, resource: Any, other: Any) -> bool:
    """Whether ``resource`` waits for ``other``, directly or through a dependency or its parents."""
    seen, todo = set(), [resource.urn]
    while todo:
        urn = todo.pop()
        if urn in seen or urn not in infra.by_urn:
            continue
        seen.add(urn)
        r = infra.by_urn[urn]
        todo.extend(r.dependencies)
        todo.extend(u for us in r.property_dependencies.values() for u in us)
    return other.urn in seen - {resource.urn}


def test_child_names_derive_from_target_key(infra: Infra) -> None:
    names = {r.name for r in infra.custom("azure-native:")}
    assert names == {f"shop-azure-eastus2-{role}" for role in ("rg", "logs", "env", "app", "cert")}
    assert {r.name for r in infra.custom("random:")} == {"shop-azure-eastus2-logs-suffix", "shop-acme-pfx-password"}
    assert {r.name for r in infra.custom("acme:")} == {"shop-acme-account", "shop-acme-cert"}
    assert {r.name for r in infra.resources_of(FAKE_RECORD_TYPE)} >= {"shop-azure-asuid"}


def test_every_resource_is_tagged_located_and_parented(infra: Infra) -> None:
    assert untagged(infra, "tags", lambda r: not r.type.startswith("azure-native:")) == []
    assert {r.inputs.get("location") for r in infra.custom("azure-native:")} == {"eastus2"}
    for prefix in ("azure-native:", "acme:", "random:"):
        assert outside_app(infra, prefix) == []


def test_everything_lives_in_the_targets_resource_group(infra: Infra) -> None:
    group = infra.named("shop-azure-eastus2-rg").outputs["name"]
    for r in infra.custom("azure-native:"):
        if r.type != "azure-native:resources:ResourceGroup":
            assert r.inputs["resourceGroupName"] == group, r.name


def test_environment_sends_logs_to_the_workspace(infra: Infra) -> None:
    workspace = infra.assert_has_resource(WORKSPACE, {"sku": {"name": "PerGB2018"}, "retentionInDays": 30})
    env = infra.assert_has_resource(
        "azure-native:app:ManagedEnvironment", {"appLogsConfiguration": {"destination": "log-analytics"}}
    )
    assert is_secret(env.inputs["appLogsConfiguration"]), "the workspace key must stay secret in state"
    logs = reveal(env.inputs["appLogsConfiguration"])["logAnalyticsConfiguration"]
    assert logs["customerId"] == workspace.outputs["customerId"]
    assert logs["sharedKey"], "the workspace key must reach the environment"


def test_workspace_name_is_new_for_every_resource_group(infra: Infra) -> None:
    # Workspaces - Delete (Log Analytics REST API): a deleted workspace's name "is kept for 14 days and cannot
    # be used for another workspace", so a rebuilt target (a new, auto-named resource group) needs a new name.
    workspace = infra.assert_has_resource(WORKSPACE)
    suffix = infra.named("shop-azure-eastus2-logs-suffix")
    group = infra.named("shop-azure-eastus2-rg")
    assert suffix.inputs["keepers"] == {"resourceGroup": group.outputs["name"]}, "a new group, a new random part"
    assert suffix.inputs["length"] >= 8 and suffix.inputs["special"] is False and suffix.inputs["upper"] is False
    assert workspace.inputs["workspaceName"] == f"shop-logs-{suffix.outputs['result']}"


@pytest.mark.parametrize("region", ["eastus2", "australiasoutheast", "germanywestcentral"])
def test_workspace_names_fit_log_analytics_rules(recorder: Any, monkeypatch: pytest.MonkeyPatch, region: str) -> None:
    # Workspaces - Create Or Update (REST API): 4-63 characters, ^[A-Za-z0-9][A-Za-z0-9-]+[A-Za-z0-9]$.
    name = "orders-and-payments-gateway-prod"  # 32 characters, the kit's own limit
    infra = run_app(recorder, monkeypatch, ["aws/us-east-1", f"azure/{region}"], name=name)
    workspace_name = infra.assert_has_resource(WORKSPACE).inputs["workspaceName"]
    assert 4 <= len(workspace_name) <= 63, workspace_name
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]+[A-Za-z0-9]", workspace_name), workspace_name


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


def test_no_managed_certificate_and_no_validation_token_record(infra: Infra) -> None:
    # "Custom domain names and free managed certificates" (Container Apps): the subdomain's CNAME must map
    # directly to the app's generated domain; an intermediate CNAME (traffic managers, Cloudflare) blocks
    # issuance and renewal, and the requirements must hold at all times. Behind failover DNS they never do.
    infra.assert_resource_count("azure-native:app:ManagedCertificate", 0)
    assert not [r for r in infra.resources_of(FAKE_RECORD_TYPE) if r.inputs["recordName"].startswith("_dnsauth.")]


def test_hostname_is_bound_to_the_uploaded_acme_certificate(infra: Infra) -> None:
    # "Custom domain names and bring your own certificates": certificates are uploaded to the environment and
    # bound to apps with SNI. The environment certificate takes a PFX blob and its password.
    acme_cert = infra.assert_has_resource(ACME_CERT, {"commonName": HOSTNAME})
    password = infra.named("shop-acme-pfx-password").outputs["result"]
    cert = infra.assert_has_resource(CERT, {"environmentName": infra.named("shop-azure-eastus2-env").outputs["name"]})
    props = cert.inputs["properties"]
    assert is_secret(props), "the PFX and its password must stay secret in state"
    assert reveal(props) == {
        "certificateType": "ServerSSLCertificate",
        "value": acme_cert.outputs["certificateP12"],
        "password": password,
    }
    assert reveal(acme_cert.inputs["certificateP12Password"]) == password
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


def test_a_fresh_stack_binds_the_hostname_in_its_first_up(infra: Infra) -> None:
    # The old managed certificate needed the hostname on an app in the environment first, and the app then
    # needed the certificate: a cycle that took two `up`s. Now nothing the certificate needs waits for the app.
    app = infra.assert_has_resource(APP)
    cert = infra.assert_has_resource(CERT)
    acme_cert = infra.assert_has_resource(ACME_CERT)
    assert depends_on(infra, app, cert), "the app binds the certificate"
    assert not depends_on(infra, cert, app), "the certificate must not wait for the app"
    assert not depends_on(infra, acme_cert, app)
    (domain,) = app.inputs["configuration"]["ingress"]["customDomains"]
    assert domain["bindingType"] == "SniEnabled", "bound from the first up, no phase setting"


def test_a_preview_of_a_fresh_stack_registers_the_bound_app(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # A preview of a new stack sees no outputs yet: the whole graph must still be there, binding included.
    with_fake_dns(monkeypatch)
    args: Any = app_args(PLACEMENTS)
    resources = run_program(lambda: FailoverApp("shop", args), project="failoverkit", stack="test", preview=True)
    infra = Infra(resources)
    infra.assert_resource_count(CERT, 1)
    (domain,) = infra.assert_has_resource(APP).inputs["configuration"]["ingress"]["customDomains"]
    assert domain["name"] == HOSTNAME and domain["bindingType"] == "SniEnabled"


def test_the_old_phase_setting_is_refused_with_a_clear_message() -> None:
    for value in ("disabled", "sni"):
        target = {"cloud": "azure", "region": "eastus2", "certificateBinding": value}
        with pytest.raises(ConfigError) as err:
            parse_spec(app_args(["aws/us-east-1", target]))
        (problem,) = err.value.problems
        assert problem.startswith(f"targets[1].certificateBinding: is no longer used, got '{value}'")
        assert "first `pulumi up`" in problem and "delete the key" in problem


def test_certificate_renews_through_the_acme_provider(infra: Infra) -> None:
    # terraform-provider-acme, acme_certificate: min_days_remaining (default 30) is when an `up` renews it.
    acme_cert = infra.assert_has_resource(ACME_CERT, {"commonName": HOSTNAME, "minDaysRemaining": 30})
    account = infra.named("shop-acme-account")
    assert reveal(acme_cert.inputs["accountKeyPem"]) == account.outputs["accountKeyPem"]
    assert account.urn in acme_cert.dependencies or "accountKeyPem" in acme_cert.property_dependencies


def test_a_renewed_certificate_gets_a_new_environment_certificate(infra: Infra) -> None:
    # A bound certificate cannot be deleted; a new name per serial lets Pulumi create, rebind, then delete.
    from failoverkit.certificates import name_suffix

    serial = infra.assert_has_resource(ACME_CERT).outputs["certificateSerial"]
    name = infra.assert_has_resource(CERT).inputs["certificateName"]
    assert name == f"shop-cert-{name_suffix(serial)}"
    assert name_suffix(serial) != name_suffix(serial + "0")


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
        infra.assert_has_resource(CERT).inputs["certificateName"],
    ]
    assert names[0] == name
    assert all(len(n) <= 32 and "--" not in n and not n.endswith("-") for n in names), names


class _EmptyVerificationId(PlausibleMocks):
    def call(self, args: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        if args.token == "azure-native:app:getCustomDomainVerificationId":
            return {"value": ""}, []
        return super().call(args)


def test_an_empty_verification_id_fails_the_up_instead_of_publishing_an_empty_txt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with_fake_dns(monkeypatch)
    args: Any = app_args(PLACEMENTS)
    with pytest.raises(Exception, match=r"custom domain verification id \(asuid TXT\) is empty"):
        run_program(
            lambda: FailoverApp("shop", args), project="failoverkit", stack="test", mocks=_EmptyVerificationId()
        )


class _NoIngressFqdn(PlausibleMocks):
    def new_resource(self, args: Any) -> tuple[str | None, dict[str, Any]]:
        rid, outputs = super().new_resource(args)
        if args.typ == APP:
            outputs = {**outputs, "configuration": {**args.inputs["configuration"], "ingress": {"fqdn": ""}}}
        return rid, outputs


def test_an_empty_ingress_fqdn_fails_the_up_instead_of_publishing_an_empty_endpoint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with_fake_dns(monkeypatch)
    args: Any = app_args(PLACEMENTS)
    with pytest.raises(Exception, match=r"the container app's ingress FQDN is empty"):
        run_program(lambda: FailoverApp("shop", args), project="failoverkit", stack="test", mocks=_NoIngressFqdn())


# --- DNS-01 through every DNS backend (the acme provider's guides: docs/guides/dns-providers-<name>.md) ---

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ROUTE53_ZONE = "Z0123456789ABCDEFGHIJ"


def subscription_id(value: str) -> bool:
    return bool(UUID.fullmatch(value))


@pytest.mark.parametrize(
    ("placements", "dns", "challenges"),
    [
        # route53: AWS_HOSTED_ZONE_ID overrides lego's zone lookup; AWS_REGION for lego's AWS client.
        (PLACEMENTS, {}, [{"provider": "route53", "config": {"AWS_REGION": "us-east-1"}}]),
        (
            PLACEMENTS,
            {"zoneId": ROUTE53_ZONE},
            [{"provider": "route53", "config": {"AWS_REGION": "us-east-1", "AWS_HOSTED_ZONE_ID": ROUTE53_ZONE}}],
        ),
        # A secondary serves the zone too, so the TXT goes to both ("Using multiple primary DNS providers").
        (
            PLACEMENTS,
            {
                "secondary": "cloudflare",
                "accountId": CF_ACCOUNT,
                "plan": "enterprise",  # Cloudflare at Route 53's 10 s interval
                "healthCheck": {"intervalSeconds": 10, "failureThreshold": 3, "timeoutSeconds": 4},
            },
            [{"provider": "route53", "config": {"AWS_REGION": "us-east-1"}}, {"provider": "cloudflare", "config": {}}],
        ),
    ],
)
def test_dns01_through_route53(
    recorder: Any, placements: tuple[str, ...], dns: dict[str, Any], challenges: list[dict[str, Any]]
) -> None:
    infra = full_app(recorder, config("route53", placements, **dns))
    infra.assert_has_resource(ACME_CERT, {"dnsChallenges": challenges})


def test_dns01_through_traffic_managers_azure_dns_zone(recorder: Any) -> None:
    # azuredns: AZURE_RESOURCE_GROUP, AZURE_ZONE_NAME, AZURE_SUBSCRIPTION_ID (the zone's subscription).
    infra = full_app(recorder, config("traffic-manager", PLACEMENTS))
    azure_dns = {
        "AZURE_RESOURCE_GROUP": "rg-dns",
        "AZURE_ZONE_NAME": "example.com",
        "AZURE_SUBSCRIPTION_ID": subscription_id,
    }
    infra.assert_has_resource(ACME_CERT, {"dnsChallenges": [{"provider": "azuredns", "config": azure_dns}]})


def test_dns01_through_traffic_managers_route53_zone(recorder: Any) -> None:
    infra = full_app(recorder, config("traffic-manager", PLACEMENTS, zoneId=ROUTE53_ZONE))
    route53 = {"AWS_REGION": "us-east-1", "AWS_HOSTED_ZONE_ID": ROUTE53_ZONE}
    infra.assert_has_resource(ACME_CERT, {"dnsChallenges": [{"provider": "route53", "config": route53}]})


def test_dns01_through_cloudflare_reads_the_token_from_the_environment_by_default(recorder: Any) -> None:
    # cloudflare: CLOUDFLARE_DNS_API_TOKEN (alias of CF_DNS_API_TOKEN), Zone Read + DNS Edit.
    infra = full_app(recorder, config("cloudflare", PLACEMENTS))
    infra.assert_has_resource(ACME_CERT, {"dnsChallenges": [{"provider": "cloudflare", "config": {}}]})


def test_dns01_through_cloudflare_reuses_the_stacks_token_as_a_secret(recorder: Any) -> None:
    infra = full_app(
        recorder,
        config("cloudflare", PLACEMENTS),
        config={"cloudflare:apiToken": "cf-token"},
        secret_keys=["cloudflare:apiToken"],
    )
    cert = infra.assert_has_resource(
        ACME_CERT, {"dnsChallenges": [{"provider": "cloudflare", "config": {"CLOUDFLARE_DNS_API_TOKEN": "cf-token"}}]}
    )
    assert is_secret(cert.inputs["dnsChallenges"]), "the token stays a secret in state"


def test_dns01_through_cloud_dns(recorder: Any) -> None:
    # gcloud: GCE_PROJECT (else detected from the metadata server, which exists only on GCP), GCE_ZONE_ID.
    infra = full_app(
        recorder, config("cloud-dns", ["gcp/us-central1", "azure/eastus2"]), config={"gcp:project": "acme-prod"}
    )
    gcloud = {"GCE_PROJECT": "acme-prod", "GCE_ZONE_ID": "example-com"}
    infra.assert_has_resource(ACME_CERT, {"dnsChallenges": [{"provider": "gcloud", "config": gcloud}]})


def test_acme_challenge_name_is_free_for_the_txt_beside_a_gcp_target(recorder: Any) -> None:
    # DNS-01 writes TXT at _acme-challenge.<hostname>; a CNAME there cannot share its name with other data
    # (RFC 1034 section 3.6.2), and the acme provider would follow it into Google's zone. GCP's DNS
    # authorization is therefore a PER_PROJECT_RECORD one, whose CNAME has a name of its own.
    args = config("cloudflare", ["aws/us-east-1", "gcp/us-central1", "azure/westeurope"])
    infra = full_app(recorder, args)
    names = [r.inputs["name"].rstrip(".") for r in infra.resources_of("cloudflare:index/dnsRecord:DnsRecord")]
    assert any(n.startswith("_acme-challenge") for n in names), "the GCP authorization record is there"
    assert f"_acme-challenge.{HOSTNAME}" not in names
