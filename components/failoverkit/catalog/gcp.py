"""GCP: the names the kit creates (a GCP target, the Cloud DNS backend) and the commercial regions.

Autonaming: pulumi-gcp gives every resource with a ``name`` input ``<logical>-<7 random hex>`` capped at
255 characters (pulumi-gcp provider/resources.go, ``prov.SetAutonaming(255, "-")``), far above what the
APIs accept: a long autoname is refused only by Google, at ``pulumi up``. Backend services alone are
capped at 63 by the provider (``lowercaseAutoName()``), so the bridge refuses those at preview.
"""

from __future__ import annotations

from failoverkit.catalog._rules import Autoname, NameRule, PlannedName, planned

_GENERIC = Autoname(7, "-", 255, "pulumi-gcp provider/resources.go: prov.SetAutonaming(255, '-')")
_RFC1035 = r"[a-z](?:[a-z0-9-]*[a-z0-9])?"
_RFC1035_WORDS = "lowercase letters, digits and '-', starting with a letter and not ending with '-'"
_COMPUTE_SOURCE = "Compute Engine naming convention (RFC 1035, 1-63 characters); pulumi_gcp compute docstrings"


def _compute(what: str, type_: str, unique: str = "project", autoname: Autoname = _GENERIC) -> NameRule:
    return NameRule(what, type_, "name", 1, 63, _RFC1035, _RFC1035_WORDS, unique, _COMPUTE_SOURCE, autoname)


def _certificate_manager(what: str, type_: str) -> NameRule:
    return NameRule(
        what=what,
        type=type_,
        prop="name",
        min_length=1,
        max_length=64,
        pattern=r"[a-zA-Z][a-zA-Z0-9_-]*",
        allowed="letters, digits, '-' and '_', starting with a letter",
        unique="project",
        source="pulumi_gcp certificatemanager Certificate and DnsAuthorization docstrings (1-64 characters, "
        "[a-zA-Z][a-zA-Z0-9_-]*); Certificate Manager resource IDs share that rule",
        autoname=_GENERIC,
    )


CLOUD_RUN_SERVICE = NameRule(
    what="Cloud Run service",
    type="gcp:cloudrunv2/service:Service",
    prop="name",
    min_length=1,
    max_length=49,
    pattern=_RFC1035,
    allowed=_RFC1035_WORDS,
    unique="project and region",
    source="Cloud Run Admin API v2, projects.locations.services.create (serviceId: begins with a letter, "
    "cannot end with a hyphen, fewer than 50 characters)",
    autoname=_GENERIC,
)
NETWORK_ENDPOINT_GROUP = _compute(
    "serverless network endpoint group",
    "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup",
    unique="project and region",
)
BACKEND_SERVICE = _compute(
    "backend service",
    "gcp:compute/backendService:BackendService",
    autoname=Autoname(
        7, "-", 63, "pulumi-gcp provider/resources.go: google_compute_backend_service lowercaseAutoName()"
    ),
)
URL_MAP = _compute("URL map", "gcp:compute/uRLMap:URLMap")
TARGET_HTTPS_PROXY = _compute("target HTTPS proxy", "gcp:compute/targetHttpsProxy:TargetHttpsProxy")
TARGET_HTTP_PROXY = _compute("target HTTP proxy", "gcp:compute/targetHttpProxy:TargetHttpProxy")
GLOBAL_ADDRESS = _compute("global address", "gcp:compute/globalAddress:GlobalAddress")
FORWARDING_RULE = _compute("global forwarding rule", "gcp:compute/globalForwardingRule:GlobalForwardingRule")
HEALTH_CHECK = _compute("health check", "gcp:compute/healthCheck:HealthCheck")
SSL_POLICY = _compute("SSL policy", "gcp:compute/sSLPolicy:SSLPolicy")
CERTIFICATE = _certificate_manager("Certificate Manager certificate", "gcp:certificatemanager/certificate:Certificate")
CERTIFICATE_MAP = _certificate_manager("certificate map", "gcp:certificatemanager/certificateMap:CertificateMap")
CERTIFICATE_MAP_ENTRY = _certificate_manager(
    "certificate map entry", "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry"
)
DNS_AUTHORIZATION = _certificate_manager(
    "Certificate Manager DNS authorization", "gcp:certificatemanager/dnsAuthorization:DnsAuthorization"
)

RULES = (
    CLOUD_RUN_SERVICE,
    NETWORK_ENDPOINT_GROUP,
    BACKEND_SERVICE,
    URL_MAP,
    TARGET_HTTPS_PROXY,
    TARGET_HTTP_PROXY,
    GLOBAL_ADDRESS,
    FORWARDING_RULE,
    HEALTH_CHECK,
    SSL_POLICY,
    CERTIFICATE,
    CERTIFICATE_MAP,
    CERTIFICATE_MAP_ENTRY,
    DNS_AUTHORIZATION,
)

REGIONS_SOURCE = "Google Cloud, Geography and regions / Compute Engine regions and zones (cloud.google.com)"
REGIONS_DATE = "2026-12-02"
REGIONS = frozenset(
    {
        "africa-south1",
        "asia-east1",
        "asia-east2",
        "asia-northeast1",
        "asia-northeast2",
        "asia-northeast3",
        "asia-south1",
        "asia-south2",
        "asia-southeast1",
        "asia-southeast2",
        "australia-southeast1",
        "australia-southeast2",
        "europe-central2",
        "europe-north1",
        "europe-north2",
        "europe-southwest1",
        "europe-west1",
        "europe-west2",
        "europe-west3",
        "europe-west4",
        "europe-west6",
        "europe-west8",
        "europe-west9",
        "europe-west10",
        "europe-west12",
        "me-central1",
        "me-central2",
        "me-west1",
        "northamerica-northeast1",
        "northamerica-northeast2",
        "northamerica-south1",
        "southamerica-east1",
        "southamerica-west1",
        "us-central1",
        "us-east1",
        "us-east4",
        "us-east5",
        "us-south1",
        "us-west1",
        "us-west2",
        "us-west3",
        "us-west4",
    }
)


def target_names(app: str, key: str, scope: str, *, hostname: str = "") -> dict[str, PlannedName]:
    """Physical names of a GCP target's named children, by role (``{app}-{key}-{role}`` logical names)."""
    inputs = ("app.name", "region")

    def child(role: str, rule: NameRule, replace_on: tuple[str, ...] = ()) -> PlannedName:
        return planned(rule, f"{app}-{key}-{role}", scope, inputs, replace_on)

    return {
        "run": child("run", CLOUD_RUN_SERVICE),
        "neg": child("neg", NETWORK_ENDPOINT_GROUP),
        "backend": child("backend", BACKEND_SERVICE),
        "url-map": child("url-map", URL_MAP),
        "https-proxy": child("https-proxy", TARGET_HTTPS_PROXY),
        "ip": child("ip", GLOBAL_ADDRESS),
        "https-rule": child("https-rule", FORWARDING_RULE),
        "redirect-map": child("redirect-map", URL_MAP),
        "http-proxy": child("http-proxy", TARGET_HTTP_PROXY),
        "http-rule": child("http-rule", FORWARDING_RULE),
        # A certificate's domains and a map entry's hostname cannot change in place: a new hostname, a new name.
        "cert": child("cert", CERTIFICATE, (hostname,)),
        "cert-map": child("cert-map", CERTIFICATE_MAP),
        "cert-map-entry": child("cert-map-entry", CERTIFICATE_MAP_ENTRY, (hostname,)),
        "cert-map-primary": child("cert-map-primary", CERTIFICATE_MAP_ENTRY),
    }


def app_names(app: str, scope: str, *, hostname: str = "") -> dict[str, PlannedName]:
    """Physical names of the once-per-app GCP children: DNS authorization, TLS policy, Cloud DNS's health check."""
    return {
        "dns-auth": planned(DNS_AUTHORIZATION, f"{app}-gcp-dns-auth", scope, ("app.name",), (hostname,)),
        "tls-policy": planned(SSL_POLICY, f"{app}-gcp-tls-policy", scope, ("app.name",)),
        "dns-health": planned(HEALTH_CHECK, f"{app}-dns-health", scope, ("app.name",)),
    }
