"""Cloud DNS failover: a primary-backup routing policy over health-checked external IPs.

Resource graph (``shop``)::

    failoverkit:dns:CloudDnsFailover     shop-cloud-dns
    ├── gcp:compute/healthCheck:HealthCheck  shop-dns-health     HTTPS path/port/Host, interval >= 30,
    │                                                            3 source regions (what Cloud DNS requires)
    └── gcp:dns/recordSet:RecordSet          shop-dns-failover   <hostname> A, routing_policy:
            health_check = shop-dns-health, primary_backup: primary.external_endpoints = [first target's IP],
            backup_geos = [{location, health_checked_targets.external_endpoints = [one standby's IP]}, ...]

Both wait for the project's compute and dns APIs (clouds/gcp.py ``project_apis``) unless the gcp targets opt out.

Cloud DNS health-checks external endpoints by IP only, so every target needs a
static IP (GCP's load balancer address, Azure's Container Apps environment IP);
an AWS ALB has none and is refused by parse_spec, naming route53 or cloudflare.

Each standby is a backup geo item of its own: "DNS routing policies and health checks"
(https://cloud.google.com/dns/docs/routing-policies-overview, health checks) allows one IP per policy item
when health checks are used in a DNSSEC-signed zone, and the kit cannot see whether the zone is signed.
When the primary is unhealthy, Cloud DNS answers with the healthy backup item nearest the resolver (the
backup is a geolocation policy), not strictly the next standby in order. docs/dns.md says so.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_gcp as gcp

from failoverkit import catalog
from failoverkit.clouds import Endpoint, Zone
from failoverkit.clouds._common import name_scope
from failoverkit.clouds.gcp import project_apis
from failoverkit.dns import FailoverRecord
from failoverkit.dns._common import absolute, backend_name, child_opts, ordered, tag_text
from failoverkit.errors import ConfigError
from failoverkit.spec import Cloud, FailoverSpec

SOURCE_REGIONS = ("us-central1", "europe-west1", "asia-southeast1")
"""Health checks for Cloud DNS external endpoints probe from exactly three source regions."""
FALLBACK_BACKUP_LOCATIONS = ("us-central1", "europe-west1", "asia-southeast1")
"""Locations (GCP regions) for the backup items of non-GCP standbys, first one no GCP standby uses."""


def backup_locations(spec: FailoverSpec) -> list[str]:
    """One distinct GCP region per standby, in target order: a GCP standby's own region, else a fallback."""
    taken = {t.region for t in spec.targets[1:] if t.cloud is Cloud.GCP}
    spare = (loc for loc in FALLBACK_BACKUP_LOCATIONS if loc not in taken)
    return [t.region if t.cloud is Cloud.GCP else next(spare) for t in spec.targets[1:]]


def rrdata(record_type: str, value: str) -> str:
    """Cloud DNS wants TXT data quoted and CNAME targets absolute."""
    if record_type == "TXT":
        return value if value.startswith('"') else f'"{value}"'
    if record_type == "CNAME":
        return absolute(value)
    return value


class CloudDnsZone:
    """Plain records in the Cloud DNS managed zone ``dns.managedZone``."""

    def __init__(self, managed_zone: str, parent: pulumi.Resource) -> None:
        self.managed_zone = managed_zone
        self._parent = parent

    def record(
        self,
        name: str,
        *,
        record_name: pulumi.Input[str],
        record_type: pulumi.Input[str],
        value: pulumi.Input[str],
        ttl_seconds: int = 300,
    ) -> pulumi.Resource:
        """A single-value record set; names and CNAME targets are made absolute, TXT data quoted."""
        kind = pulumi.Output.from_input(record_type).apply(lambda t: t.upper())
        return gcp.dns.RecordSet(
            name,
            gcp.dns.RecordSetArgs(
                managed_zone=self.managed_zone,
                name=pulumi.Output.from_input(record_name).apply(absolute),
                type=kind,
                ttl=ttl_seconds,
                rrdatas=[pulumi.Output.all(kind, value).apply(lambda kv: rrdata(kv[0], kv[1]))],
            ),
            opts=child_opts(self._parent),
        )


class CloudDnsFailover(pulumi.ComponentResource):
    """A health check and a primary-backup A record set for ``spec.hostname`` in Cloud DNS."""

    def __init__(self, spec: FailoverSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("failoverkit:dns:CloudDnsFailover", backend_name(spec, "cloud-dns"), {}, opts)
        self.spec = spec
        # The project's APIs are enabled once per FailoverApp (clouds/gcp.py), whichever module asks first.
        self._app: pulumi.Resource = opts.parent if opts is not None and opts.parent is not None else self
        if spec.dns.managed_zone is None:  # parse_spec refuses this; guard direct callers
            raise ValueError("cloud-dns needs dns.managedZone")
        self._zone = CloudDnsZone(spec.dns.managed_zone, self)

    @property
    def zone(self) -> Zone:
        return self._zone

    def publish(self, endpoints: Sequence[Endpoint]) -> FailoverRecord:
        """The health check and the routing-policy record set, primary first."""
        spec, hc = self.spec, self.spec.dns.health_check
        ends = ordered(endpoints, "cloud-dns")
        no_ip = [e.target for e in ends if e.static_ip is None]
        if no_ip:
            raise ConfigError(
                [
                    f"targets[{t.priority}]: cloud-dns fails over between static IPs only and {t.placement} has "
                    "none (an AWS ALB); use dns.provider route53 or cloudflare"
                    for t in no_ip
                ]
            )
        ips = [e.static_ip for e in ends if e.static_ip is not None]
        apis = project_apis(spec, self._app)
        first = ends[0]
        https = first.protocol.upper() == "HTTPS"
        check = gcp.compute.HealthCheck(
            backend_name(spec, "dns-health"),
            gcp.compute.HealthCheckArgs(
                name=catalog.gcp.app_names(spec.app.name, name_scope())["dns-health"].name,
                description=f"{spec.app.name} DNS failover health ({tag_text(spec)})",
                check_interval_sec=int(hc.interval_seconds),
                timeout_sec=int(hc.timeout_seconds),
                unhealthy_threshold=hc.failure_threshold,
                healthy_threshold=hc.recovery_threshold,
                source_regions=list(SOURCE_REGIONS),
                https_health_check=gcp.compute.HealthCheckHttpsHealthCheckArgs(
                    port=first.port, request_path=first.health_path, host=spec.hostname
                )
                if https
                else None,
                http_health_check=None
                if https
                else gcp.compute.HealthCheckHttpHealthCheckArgs(
                    port=first.port, request_path=first.health_path, host=spec.hostname
                ),
            ),
            opts=child_opts(self, apis),
        )
        policy = gcp.dns.RecordSetRoutingPolicyArgs(
            health_check=check.id,
            primary_backup=gcp.dns.RecordSetRoutingPolicyPrimaryBackupArgs(
                primary=gcp.dns.RecordSetRoutingPolicyPrimaryBackupPrimaryArgs(external_endpoints=[ips[0]]),
                # One IP per item: what DNSSEC-signed zones require with health checks (module docstring).
                backup_geos=[
                    gcp.dns.RecordSetRoutingPolicyPrimaryBackupBackupGeoArgs(
                        location=location,
                        health_checked_targets=gcp.dns.RecordSetRoutingPolicyPrimaryBackupBackupGeoHealthCheckedTargetsArgs(
                            external_endpoints=[ip]
                        ),
                    )
                    for location, ip in zip(backup_locations(spec), ips[1:], strict=True)
                ],
                # No trickle: standbys get traffic only when the primary is unhealthy.
                trickle_ratio=0,
                enable_geo_fencing_for_backups=False,
            ),
        )
        record = gcp.dns.RecordSet(
            backend_name(spec, "dns-failover"),
            gcp.dns.RecordSetArgs(
                managed_zone=self._zone.managed_zone,
                name=absolute(spec.hostname),
                type="A",
                ttl=spec.dns.ttl_seconds,
                routing_policy=policy,
            ),
            opts=child_opts(self, [*apis, *(r for e in ends for r in e.resources)]),
        )
        self.register_outputs({"healthCheckId": check.id})
        return FailoverRecord(
            provider="cloud-dns",
            fqdn=spec.hostname,
            health_checks=[check],
            records=[record],
            extra_outputs={"cloudDnsHealthCheckId": check.id},
        )


def open(spec: FailoverSpec, parent: pulumi.Resource) -> CloudDnsFailover:  # the backend contract
    """The Cloud DNS backend for ``spec`` under ``parent`` (the FailoverApp)."""
    return CloudDnsFailover(spec, pulumi.ResourceOptions(parent=parent))
