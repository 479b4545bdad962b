"""dns-outside-primary-failure-domain: the DNS/GSLB provider is not the primary's provider, unless a second
DNS provider serves the zone."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ReportViolation, Severity

from failoverkit_policies.base import Context, FailoverPolicy
from failoverkit_policies.failover_dns import DNS_CLOUD, FailoverSetup
from failoverkit_policies.model import Model
from failoverkit_policies.placement import CLOUD_OF_PACKAGE, split_type
from failoverkit_policies.props import text

ID = "dns-outside-primary-failure-domain"

MESSAGE = (
    'Critical workload "{workload}": its failover DNS ({providers}) runs on {cloud}, the same provider as its '
    "primary ({primary}). An {cloud} outage can take down the primary and the DNS that should move users away from "
    "it together. Add a second DNS provider for the zone (failoverkit: dns.secondary, e.g. cloudflare) or serve "
    "the failover from a provider outside {cloud}."
)

# Zone resources and the property holding the zone's name.
_ZONES = {
    ("aws", "route53", "Zone"): "name",
    ("gcp", "dns", "ManagedZone"): "dnsName",
    ("azure-native", "dns", "Zone"): "zoneName",
    ("azure-native", "network", "Zone"): "zoneName",
    ("cloudflare", "index", "Zone"): "name",
}


def _zone_clouds(model: Model, hostname: str) -> set[str]:
    """Providers with a zone resource that serves ``hostname`` (cloudflare counts as its own provider)."""
    found: set[str] = set()
    host = hostname.rstrip(".").lower()
    for res in model.resources:
        prop = _ZONES.get(split_type(res.type))
        zone = text(res.props.get(prop)) if prop else None
        if zone and (host == zone.rstrip(".").lower() or host.endswith("." + zone.rstrip(".").lower())):
            found.add(CLOUD_OF_PACKAGE.get(res.package, res.package))
    return found


def check(ctx: Context, report: ReportViolation) -> None:
    for w in ctx.workloads.values():
        setups: list[FailoverSetup] = [s for s in ctx.setups if s.workload == w.name]
        if not setups:
            continue
        dns_clouds = {s.dns_cloud or s.provider for s in setups}
        dns_clouds |= {DNS_CLOUD.get(p) or p for p in w.declared_dns_providers}
        for s in setups:
            dns_clouds |= _zone_clouds(ctx.model, s.hostname)
        if len(dns_clouds) >= 2:
            continue  # a second DNS provider serves the zone
        primary = next((c for s in setups if (c := s.primary_cloud())), None) or w.primary_cloud()
        (cloud,) = dns_clouds
        if primary is None or cloud != primary:
            continue
        first = w.declared_placements[0] if w.declared_placements else primary
        report(
            MESSAGE.format(
                workload=w.name, providers=", ".join(sorted({s.provider for s in setups})), cloud=cloud, primary=first
            ),
            setups[0].resource.urn,
        )


POLICY = FailoverPolicy(
    name=ID,
    description=(
        "The failover DNS/GSLB provider must not be the primary's cloud provider, unless a second DNS provider "
        "serves the zone."
    ),
    check=check,
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    remediation_steps=(
        "Serve the failover from DNS outside the primary's provider (e.g. Cloudflare for an AWS primary), or add a "
        "second authoritative DNS provider for the zone (failoverkit: dns.secondary)."
    ),
)
