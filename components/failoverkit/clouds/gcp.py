"""GCP target: Cloud Run v2 behind a global external Application Load Balancer, HTTPS on the shared hostname.

Per target (names ``{app}-{target.key}-<role>``)::

    run (Cloud Run v2, region = target.region; public: invoker IAM check off, or invoker = allUsers)
    neg (serverless NEG) -> backend -> url-map -> https-proxy (certificate map, TLS policy) -> https-rule (:443) \\
                                                                                               ip (global static IPv4)
    redirect-map (301 to https) -> http-proxy -> http-rule (:80) -----------------------------/
    cert (Certificate Manager, Google-managed) -> cert-map -> cert-map-entry (hostname) + cert-map-primary

Once per app (names ``{app}-gcp-<role>``): ``api-<service>`` (gcp.projects.Service for each API, unless the gcp
targets set ``enableApis: false``; every resource above waits for them), ``tls-policy`` (SSL policy: RESTRICTED
profile, TLS 1.2 or later) and ``dns-auth`` (below).

Why Certificate Manager with a DNS authorization and not a classic ``ManagedSslCertificate``: a
classic managed certificate is issued only once the hostname resolves to the load balancer, which
a standby never does while DNS points at the primary, so the standby would fail over into a TLS
error. The DNS authorization's CNAME (one per project, written once through ``zone``) lets Google issue
the certificate whatever DNS currently answers. It is a PER_PROJECT_RECORD authorization, whose CNAME has a
name of its own (``_acme-challenge_<suffix>.<hostname>``): a FIXED_RECORD one would put a CNAME at
``_acme-challenge.<hostname>``, where an Azure target's ACME DNS-01 TXT must go, and a CNAME cannot share
its name with any other record (RFC 1034 section 3.6.2).

Drill faults (``drillFaults``, docs/components.md "Drill faults") change the url-map only, through fault
injection, which the global external Application Load Balancer (EXTERNAL_MANAGED) supports and the classic one
does not (Compute Engine API, HttpRouteAction.faultInjectionPolicy): ``unhealthy`` adds a route rule that aborts
healthPath with 503 (every other path still reaches Cloud Run); ``down`` aborts every request with 503, so no
request reaches the backend. Cloud Run's own probes reach the container directly and keep passing.

The project comes from the provider (``gcp:project`` or the provider the user passes in ``opts``). Its APIs
stay enabled when the stack is destroyed (``disable_on_destroy=False``): other workloads may use them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_gcp as gcp

from failoverkit import catalog
from failoverkit.clouds import Endpoint, Zone
from failoverkit.clouds._common import child_name, child_opts, max_instances, name_scope, nonempty, once
from failoverkit.spec import Cloud, DnsProvider, DrillFaultKind, FailoverSpec, Target
from failoverkit.tags import workload_tags

CPU = "1"
MEMORY = "512Mi"
STARTUP_PROBE_PERIOD_SECONDS = 5
STARTUP_PROBE_FAILURES = 12
"""Startup gets one minute (12 x 5 s) to answer healthPath before Cloud Run gives up on an instance."""
LIVENESS_PROBE_PERIOD_SECONDS = 15
LIVENESS_PROBE_FAILURES = 3
TARGET_APIS = ("run.googleapis.com", "compute.googleapis.com", "certificatemanager.googleapis.com")
"""What a gcp target uses: Cloud Run, Compute Engine (load balancer, NEG, address, SSL policy), Certificate Manager."""
CLOUD_DNS_APIS = ("compute.googleapis.com", "dns.googleapis.com")
"""What the cloud-dns backend uses: Compute Engine (its health check) and Cloud DNS."""
TLS_PROFILE = "RESTRICTED"
MIN_TLS_VERSION = "TLS_1_2"
"""SSL policies overview (https://cloud.google.com/load-balancing/docs/ssl-policies-concepts) and the SslPolicy API:
a proxy without a policy uses COMPATIBLE from TLS 1.0. RESTRICTED from TLS 1.2 drops SHA-1 CBC ciphers, as the AWS
listener's ELBSecurityPolicy-TLS13-1-2-2021-06 does."""


def min_run_instances(spec: FailoverSpec) -> int:
    """Warm instances: 1 for critical apps so a failover lands on a running app, not a cold start; else 0."""
    return 1 if spec.app.is_critical else 0


def required_apis(spec: FailoverSpec) -> tuple[str, ...]:
    """The project APIs the kit enables for ``spec``: none when the gcp targets opt out (``enableApis: false``)."""
    gcp = [t for t in spec.targets if t.cloud is Cloud.GCP and not t.simulated]
    if not gcp or not gcp[0].enable_apis:  # parse_spec makes every gcp target agree
        return ()
    cloud_dns = DnsProvider.CLOUD_DNS in (spec.dns.provider, spec.dns.secondary)
    return tuple(dict.fromkeys(TARGET_APIS + (CLOUD_DNS_APIS if cloud_dns else ())))


def project_apis(spec: FailoverSpec, parent: pulumi.Resource) -> list[pulumi.Resource]:
    """One ``gcp.projects.Service`` per required API, once per app (``parent``): GCP resources depend on them.

    A fresh project has these APIs off, and every call then fails with ``Error 403: <API> has not been used in
    project <n> before or it is disabled ... accessNotConfigured``. ``disable_on_destroy=False``: destroying the
    stack leaves them on, as other workloads in the project may use them.
    """

    def enable() -> list[pulumi.Resource]:
        return [
            gcp.projects.Service(
                f"{spec.app.name}-gcp-api-{api.split('.')[0]}",
                service=api,
                disable_on_destroy=False,
                opts=child_opts(parent),
            )
            for api in required_apis(spec)
        ]

    return once(parent, "gcp-apis", enable)


def deploy(spec: FailoverSpec, target: Target, zone: Zone, parent: pulumi.Resource) -> Endpoint:
    """Cloud Run v2 + global external ALB for ``target``; see the module docstring for the resource graph."""
    labels = workload_tags(spec.app)  # keys and values are already lowercase: valid GCP labels
    apis = project_apis(spec, parent)
    opts = child_opts(parent, depends_on=apis)
    app = spec.app

    def name(role: str) -> str:
        return child_name(spec, target, role)

    physical = _physical_names(spec, target)

    def probe_get() -> gcp.cloudrunv2.ServiceTemplateContainerStartupProbeHttpGetArgs:
        return gcp.cloudrunv2.ServiceTemplateContainerStartupProbeHttpGetArgs(path=app.health_path, port=app.port)

    service = gcp.cloudrunv2.Service(
        name("run"),
        name=physical["run"],
        location=target.region,
        deletion_protection=False,  # so `pulumi destroy` works
        # Traffic arrives through the load balancer only; the run.app URL is not a second front door.
        ingress="INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
        # "Allowing public (unauthenticated) access" (https://cloud.google.com/run/docs/authenticating/public):
        # turning the invoker IAM check off is Google's recommended way, and the one that works where domain
        # restricted sharing (iam.allowedPolicyMemberDomains) refuses an allUsers binding.
        invoker_iam_disabled=target.invoker_iam_disabled,
        labels=labels,
        template=gcp.cloudrunv2.ServiceTemplateArgs(
            labels=labels,
            scaling=gcp.cloudrunv2.ServiceTemplateScalingArgs(
                min_instance_count=min_run_instances(spec), max_instance_count=max_instances(app)
            ),
            containers=[
                gcp.cloudrunv2.ServiceTemplateContainerArgs(
                    name=app.name,
                    image=target.image or app.image or "",
                    ports=gcp.cloudrunv2.ServiceTemplateContainerPortsArgs(container_port=app.port),
                    resources=gcp.cloudrunv2.ServiceTemplateContainerResourcesArgs(
                        limits={"cpu": CPU, "memory": MEMORY}
                    ),
                    startup_probe=gcp.cloudrunv2.ServiceTemplateContainerStartupProbeArgs(
                        http_get=probe_get(),
                        period_seconds=STARTUP_PROBE_PERIOD_SECONDS,
                        timeout_seconds=3,
                        failure_threshold=STARTUP_PROBE_FAILURES,
                    ),
                    liveness_probe=gcp.cloudrunv2.ServiceTemplateContainerLivenessProbeArgs(
                        http_get=gcp.cloudrunv2.ServiceTemplateContainerLivenessProbeHttpGetArgs(
                            path=app.health_path, port=app.port
                        ),
                        period_seconds=LIVENESS_PROBE_PERIOD_SECONDS,
                        timeout_seconds=5,
                        failure_threshold=LIVENESS_PROBE_FAILURES,
                    ),
                )
            ],
        ),
        opts=opts,
    )
    public: list[pulumi.Resource] = []
    if not target.invoker_iam_disabled:
        invoker = gcp.cloudrunv2.ServiceIamMember(
            name("invoker"),
            name=service.name,
            location=target.region,
            role="roles/run.invoker",
            member="allUsers",  # the load balancer forwards anonymous users' requests
            opts=opts,
        )
        public.append(invoker)
    neg = gcp.compute.RegionNetworkEndpointGroup(
        name("neg"),
        name=physical["neg"],
        region=target.region,
        network_endpoint_type="SERVERLESS",
        cloud_run=gcp.compute.RegionNetworkEndpointGroupCloudRunArgs(service=service.name),
        opts=opts,
    )
    # Serverless NEGs take no load-balancer health check: DNS health checks watch this target end to end.
    backend = gcp.compute.BackendService(
        name("backend"),
        name=physical["backend"],
        load_balancing_scheme="EXTERNAL_MANAGED",
        protocol="HTTPS",
        backends=[gcp.compute.BackendServiceBackendArgs(group=neg.id)],
        log_config=gcp.compute.BackendServiceLogConfigArgs(enable=True, sample_rate=1.0),
        opts=opts,
    )
    url_map = gcp.compute.URLMap(
        name("url-map"),
        name=physical["url-map"],
        default_service=backend.id,
        **drill_fault_routes(spec, spec.fault_of(target), backend.id),
        opts=opts,
    )
    cert_map = _certificate_map(spec, target, zone, parent, apis)
    tls_policy = once(
        parent,
        "gcp-tls-policy",
        lambda: gcp.compute.SSLPolicy(
            f"{app.name}-gcp-tls-policy",
            name=catalog.gcp.app_names(app.name, name_scope())["tls-policy"].name,
            profile=TLS_PROFILE,
            min_tls_version=MIN_TLS_VERSION,
            opts=opts,
        ),
    )
    https_proxy = gcp.compute.TargetHttpsProxy(
        name("https-proxy"),
        name=physical["https-proxy"],
        url_map=url_map.id,
        certificate_map=cert_map.id.apply(lambda i: f"//certificatemanager.googleapis.com/{i}"),
        ssl_policy=tls_policy.id,
        opts=opts,
    )
    address = gcp.compute.GlobalAddress(
        name("ip"),
        name=physical["ip"],
        address_type="EXTERNAL",
        ip_version="IPV4",
        labels=labels,
        opts=opts,
    )
    https_rule = gcp.compute.GlobalForwardingRule(
        name("https-rule"),
        name=physical["https-rule"],
        target=https_proxy.id,
        ip_address=address.id,
        ip_protocol="TCP",
        port_range="443",
        load_balancing_scheme="EXTERNAL_MANAGED",
        labels=labels,
        opts=opts,
    )

    redirect_map = gcp.compute.URLMap(
        name("redirect-map"),
        name=physical["redirect-map"],
        default_url_redirect=gcp.compute.URLMapDefaultUrlRedirectArgs(
            https_redirect=True, strip_query=False, redirect_response_code="MOVED_PERMANENTLY_DEFAULT"
        ),
        opts=opts,
    )
    http_proxy = gcp.compute.TargetHttpProxy(
        name("http-proxy"), name=physical["http-proxy"], url_map=redirect_map.id, opts=opts
    )
    http_rule = gcp.compute.GlobalForwardingRule(
        name("http-rule"),
        name=physical["http-rule"],
        target=http_proxy.id,
        ip_address=address.id,
        ip_protocol="TCP",
        port_range="80",
        load_balancing_scheme="EXTERNAL_MANAGED",
        labels=labels,
        opts=opts,
    )
    return Endpoint(
        target=target,
        origin_hostname=address.address,
        protocol="HTTPS",
        port=443,
        health_path=app.health_path,
        static_ip=address.address,
        resources=[service, *public, https_rule, http_rule],
    )


DRILL_FAULT_STATUS = 503
"""Fault injection abort httpStatus: 200-599; percentage 0.0-100.0 (pulumi_gcp compute.URLMap)."""
DRILL_PATH_MATCHER = "drill-fault"


def _abort() -> dict[str, Any]:
    return {"abort": {"http_status": DRILL_FAULT_STATUS, "percentage": 100.0}}


def drill_fault_routes(spec: FailoverSpec, fault: DrillFaultKind | None, backend: pulumi.Input[str]) -> dict[str, Any]:
    """The url-map inputs a drill fault adds (none without one)."""
    if fault is DrillFaultKind.DOWN:
        # Beside default_service, a defaultRouteAction without weightedBackendServices is allowed (URLMap docs).
        return {"default_route_action": {"fault_injection_policy": _abort()}}
    if fault is DrillFaultKind.UNHEALTHY:
        return {
            # "*" matches every host: the checkers probe by the shared hostname, the address or the target's name.
            "host_rules": [{"hosts": ["*"], "path_matcher": DRILL_PATH_MATCHER}],
            "path_matchers": [
                {
                    "name": DRILL_PATH_MATCHER,
                    "default_service": backend,
                    "route_rules": [
                        {
                            "priority": 1,
                            "service": backend,
                            # The path without its query, as fullPathMatch compares it (case-sensitively).
                            "match_rules": [{"full_path_match": spec.app.health_path.split("?", 1)[0]}],
                            "route_action": {"fault_injection_policy": _abort()},
                        }
                    ],
                }
            ],
        }
    return {}


def _physical_names(spec: FailoverSpec, target: Target) -> dict[str, str | None]:
    """By role (failoverkit.catalog.gcp): None leaves the provider's autoname where it fits, else a short name."""
    names = catalog.gcp.target_names(spec.app.name, target.key, name_scope(), hostname=spec.hostname)
    return {role: p.name for role, p in names.items()}


def _certificate_map(
    spec: FailoverSpec, target: Target, zone: Zone, parent: pulumi.Resource, apis: Sequence[pulumi.Resource]
) -> gcp.certificatemanager.CertificateMap:
    """A certificate map serving a Google-managed certificate for the shared hostname, DNS-authorised."""
    labels = workload_tags(spec.app)
    opts = child_opts(parent, depends_on=apis)
    physical = _physical_names(spec, target)

    def authorize() -> tuple[gcp.certificatemanager.DnsAuthorization, pulumi.Resource]:
        # One authorisation per project and hostname serves every GCP target: written once.
        auth = gcp.certificatemanager.DnsAuthorization(
            f"{spec.app.name}-gcp-dns-auth",
            name=catalog.gcp.app_names(spec.app.name, name_scope(), hostname=spec.hostname)["dns-auth"].name,
            domain=spec.hostname,
            location="global",
            type="PER_PROJECT_RECORD",  # not FIXED_RECORD: see the module docstring
            labels=labels,
            opts=opts,
        )
        record = auth.dns_resource_records.apply(lambda records: records[0])
        dns_record = zone.record(
            f"{spec.app.name}-gcp-cert-authorization",
            record_name=record.apply(lambda r: nonempty("the DNS authorization record name")(r.name)),
            record_type=record.apply(lambda r: r.type or "CNAME"),
            value=record.apply(lambda r: nonempty("the DNS authorization record data")(r.data)),
            ttl_seconds=300,
        )
        return auth, dns_record

    auth, dns_record = once(parent, "gcp-dns-authorization", authorize)
    cert = gcp.certificatemanager.Certificate(
        child_name(spec, target, "cert"),
        name=physical["cert"],
        location="global",
        scope="DEFAULT",
        managed=gcp.certificatemanager.CertificateManagedArgs(domains=[spec.hostname], dns_authorizations=[auth.id]),
        labels=labels,
        opts=child_opts(parent, depends_on=[dns_record, *apis]),
    )
    cert_map = gcp.certificatemanager.CertificateMap(
        child_name(spec, target, "cert-map"), name=physical["cert-map"], labels=labels, opts=opts
    )
    gcp.certificatemanager.CertificateMapEntry(
        child_name(spec, target, "cert-map-entry"),
        name=physical["cert-map-entry"],
        map=cert_map.name,
        hostname=spec.hostname,
        certificates=[cert.id],
        labels=labels,
        opts=opts,
    )
    # PRIMARY answers clients that send no SNI or an IP (health checkers dialling the static IP).
    gcp.certificatemanager.CertificateMapEntry(
        child_name(spec, target, "cert-map-primary"),
        name=physical["cert-map-primary"],
        map=cert_map.name,
        matcher="PRIMARY",
        certificates=[cert.id],
        labels=labels,
        opts=opts,
    )
    return cert_map
