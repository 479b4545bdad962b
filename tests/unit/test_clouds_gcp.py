"""GCP target under mocks: Cloud Run v2 behind a global external ALB with a DNS-authorised managed certificate."""

from __future__ import annotations

from typing import Any

import pytest
from assertions import FAKE_RECORD_TYPE, Infra, untagged, with_fake_dns
from cloud_testkit import HOSTNAME, IMAGE, app_args, outside_app, run_app
from failoverkit.app import FailoverApp
from failoverkit.check.mocks import PlausibleMocks, run_program
from failoverkit.errors import ConfigError
from failoverkit.spec import parse_spec

PLACEMENTS = ("aws/us-east-1", "gcp/us-central1")
# GCP resources without a labels field (the API has none for them).
UNLABELLED = (
    "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
    "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup",
    "gcp:compute/backendService:BackendService",
    "gcp:compute/uRLMap:URLMap",
    "gcp:compute/targetHttpsProxy:TargetHttpsProxy",
    "gcp:compute/targetHttpProxy:TargetHttpProxy",
    "gcp:compute/sSLPolicy:SSLPolicy",
    "gcp:projects/service:Service",
)
RUN = "gcp:cloudrunv2/service:Service"
INVOKER = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember"
API = "gcp:projects/service:Service"
TLS = "gcp:compute/sSLPolicy:SSLPolicy"
TARGET_APIS = {"run.googleapis.com", "compute.googleapis.com", "certificatemanager.googleapis.com"}


@pytest.fixture
def infra(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> Infra:
    return run_app(recorder, monkeypatch, PLACEMENTS)


def test_child_names_derive_from_target_key(infra: Infra) -> None:
    roles = {
        "run", "neg", "backend", "url-map", "https-proxy", "ip", "https-rule", "redirect-map",
        "http-proxy", "http-rule", "cert", "cert-map", "cert-map-entry", "cert-map-primary",
    }  # fmt: skip
    per_app = {"dns-auth", "tls-policy", "api-run", "api-compute", "api-certificatemanager"}
    gcp = {r.name for r in infra.custom("gcp:")}
    assert gcp == {f"shop-gcp-us-central1-{role}" for role in roles} | {f"shop-gcp-{role}" for role in per_app}


def test_every_labellable_resource_carries_lowercase_workload_labels(infra: Infra) -> None:
    assert untagged(infra, "labels", lambda r: not r.type.startswith("gcp:") or r.type in UNLABELLED) == []
    for r in infra.custom("gcp:"):
        for key, value in (r.inputs.get("labels") or {}).items():
            assert key == key.lower() and value == value.lower(), f"{r.name}: GCP labels must be lowercase"


def test_every_resource_hangs_off_the_failover_app(infra: Infra) -> None:
    assert outside_app(infra, "gcp:") == []


def test_regional_resources_carry_the_target_region(infra: Infra) -> None:
    infra.assert_has_resource(RUN, {"location": "us-central1"})
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


# "Allowing public (unauthenticated) access" (https://cloud.google.com/run/docs/authenticating/public): disabling the
# invoker IAM check is the recommended way to make a service public and the one to use under the domain restricted
# sharing org policy (constraints/iam.allowedPolicyMemberDomains), which refuses an allUsers binding.
def test_service_is_public_through_a_disabled_invoker_check_without_an_all_users_binding(infra: Infra) -> None:
    infra.assert_has_resource(RUN, {"invokerIamDisabled": True})
    infra.assert_resource_count(INVOKER, 0)


def test_invoker_iam_disabled_false_grants_the_invoker_role_to_all_users(
    recorder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    gcp = {"cloud": "gcp", "region": "us-central1", "invokerIamDisabled": False}
    infra = run_app(recorder, monkeypatch, ["aws/us-east-1", gcp])
    run = infra.assert_has_resource(RUN, {"invokerIamDisabled": False})
    infra.assert_has_resource(
        INVOKER,
        {"role": "roles/run.invoker", "member": "allUsers", "name": run.outputs["name"], "location": "us-central1"},
    )


# SSL policies overview (https://cloud.google.com/load-balancing/docs/ssl-policies-concepts) and the SslPolicy API:
# a target HTTPS proxy without a policy negotiates the COMPATIBLE profile from TLS 1.0. The AWS listener allows
# TLS 1.2+ only (ELBSecurityPolicy-TLS13-1-2-2021-06); RESTRICTED or MODERN with minTlsVersion TLS_1_2 matches it.
def test_https_proxy_refuses_tls_below_1_2(infra: Infra) -> None:
    policy = infra.assert_has_resource(TLS, {"minTlsVersion": "TLS_1_2"})
    assert policy.inputs["profile"] in {"MODERN", "RESTRICTED"}
    infra.assert_has_resource("gcp:compute/targetHttpsProxy:TargetHttpsProxy", {"sslPolicy": policy.id})


# Enabling and disabling services (https://cloud.google.com/service-usage/docs/enable-disable) and the
# projects.Service docs: a fresh project has run, compute and certificatemanager off, and every call fails with
# "Error 403: <API> has not been used in project <n> before or it is disabled". disable_on_destroy=False: a destroyed
# stack must not switch off APIs that other workloads of the project use.
def test_project_apis_are_enabled_and_stay_enabled_on_destroy(infra: Infra) -> None:
    apis = infra.resources_of(API)
    assert {a.inputs["service"] for a in apis} == TARGET_APIS
    assert all(a.inputs["disableOnDestroy"] is False for a in apis)
    urns = {a.urn for a in apis}
    waiting = [r for r in infra.custom("gcp:") if r.type != API]
    assert waiting
    for r in waiting:
        assert urns <= set(r.dependencies), f"{r.name} is created before the APIs it calls are enabled"


def test_enable_apis_false_leaves_the_project_apis_alone(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    gcp = {"cloud": "gcp", "region": "us-central1", "enableApis": False}
    infra = run_app(recorder, monkeypatch, ["aws/us-east-1", gcp])
    infra.assert_resource_count(API, 0)
    infra.assert_resource_count(RUN, 1)


def test_gcp_targets_share_one_tls_policy_and_one_set_of_apis(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    infra = run_app(recorder, monkeypatch, ["gcp/us-central1", "gcp/europe-west1"])
    infra.assert_resource_count(TLS, 1)
    infra.assert_resource_count(API, len(TARGET_APIS))
    policy = infra.resources_of(TLS)[0]
    proxies = infra.resources_of("gcp:compute/targetHttpsProxy:TargetHttpsProxy")
    assert [p.inputs["sslPolicy"] for p in proxies] == [policy.id, policy.id]


def test_gcp_targets_must_agree_on_enable_apis() -> None:
    a = {"cloud": "gcp", "region": "us-central1"}
    b = {"cloud": "gcp", "region": "europe-west1", "enableApis": False}
    with pytest.raises(ConfigError, match=r"targets\[1\]\.enableApis: every gcp target shares .* has true, got false"):
        parse_spec(app_args([a, b]))


# "Deploying container images to Cloud Run", supported container registries (https://cloud.google.com/run/docs/deploying):
# Artifact Registry (<location>-docker.pkg.dev, and gcr.io hosts, which Artifact Registry serves: "gcr.io
# repositories"), public Docker Hub and public GitHub Container Registry images; anything else is refused with HTTP 400
# unless it comes through an Artifact Registry remote repository.
@pytest.mark.parametrize(
    "image",
    [
        "us-central1-docker.pkg.dev/acme-shop/shop/shop:1.4.2",
        "europe-docker.pkg.dev/acme-shop/shop/shop@sha256:" + "a" * 64,
        "gcr.io/acme-shop/shop:1.4.2",
        "eu.gcr.io/acme-shop/shop:1.4.2",
        "nginx:1.27",
        "acme/shop:1.4.2",
        "docker.io/acme/shop:1.4.2",
        "ghcr.io/acme/shop:1.4.2",
    ],
)
def test_images_cloud_run_pulls_are_accepted(image: str) -> None:
    assert parse_spec(app_args(image=image)).app.image == image


@pytest.mark.parametrize(
    "image",
    [
        "quay.io/acme/shop:1.4.2",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:1.4.2",
        "acme.azurecr.io/shop:1.4.2",
        "registry.gitlab.com/acme/shop:1.4.2",
        "localhost:5000/shop:1.4.2",
    ],
)
def test_images_cloud_run_refuses_are_refused_for_gcp_targets(image: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_spec(app_args(image=image))
    (problem,) = err.value.problems
    assert problem.startswith("app.image: Cloud Run (gcp/us-central1) pulls only from Artifact Registry")
    assert repr(image) in problem and "set targets[1].image to the image's copy in Artifact Registry" in problem


def test_a_registry_cloud_run_refuses_is_fine_without_a_gcp_target() -> None:
    spec = parse_spec(app_args(["aws/us-east-1", "azure/eastus2"], image="quay.io/acme/shop:1.4.2"))
    assert spec.app.image == "quay.io/acme/shop:1.4.2"


def test_per_target_image_runs_on_that_target(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = "us-central1-docker.pkg.dev/acme-shop/shop/shop:1.4.2"
    gcp = {"cloud": "gcp", "region": "us-central1", "image": copy}
    infra = run_app(recorder, monkeypatch, ["aws/us-east-1", gcp], image="quay.io/acme/shop:1.4.2")
    infra.assert_has_resource(RUN, {"template": {"containers": [{"image": copy}]}})
    infra.assert_has_resource("aws:ecs/taskDefinition:TaskDefinition")


def test_per_target_image_must_be_one_cloud_run_pulls() -> None:
    gcp = {"cloud": "gcp", "region": "us-central1", "image": "quay.io/acme/shop:1.4.2"}
    with pytest.raises(ConfigError, match=r"targets\[1\]\.image: Cloud Run \(gcp/us-central1\) pulls only from"):
        parse_spec(app_args(["aws/us-east-1", gcp]))


@pytest.mark.parametrize("key", ["image", "invokerIamDisabled", "enableApis"])
def test_gcp_target_keys_apply_only_to_gcp_targets(key: str) -> None:
    value: Any = "us-docker.pkg.dev/acme/shop/shop:1" if key == "image" else False
    aws = {"cloud": "aws", "region": "us-east-1", key: value}
    with pytest.raises(ConfigError, match=rf"targets\[0\]\.{key}: applies only to gcp targets, this target is aws"):
        parse_spec(app_args([aws, "gcp/us-central1"]))


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
    (wanted,) = auth.outputs["dnsResourceRecords"]
    record = infra.assert_has_resource(FAKE_RECORD_TYPE, {"recordName": wanted["name"], "recordType": "CNAME"})
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


class _BlankAuthorization(PlausibleMocks):
    def new_resource(self, args: Any) -> tuple[str | None, dict[str, Any]]:
        rid, outputs = super().new_resource(args)
        if args.typ == "gcp:certificatemanager/dnsAuthorization:DnsAuthorization":
            outputs = {**outputs, "dnsResourceRecords": [{**outputs["dnsResourceRecords"][0], "name": ""}]}
        return rid, outputs


def test_a_blank_dns_authorization_record_stops_the_up_instead_of_publishing_an_empty_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with_fake_dns(monkeypatch)
    args: Any = app_args(PLACEMENTS)
    with pytest.raises(Exception, match=r"the DNS authorization record name is empty"):
        run_program(lambda: FailoverApp("shop", args), project="failoverkit", stack="test", mocks=_BlankAuthorization())
