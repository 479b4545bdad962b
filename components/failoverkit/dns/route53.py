"""Route 53 failover: a health check per endpoint and a PRIMARY/SECONDARY failover chain.

Resource graph (``shop``; three targets k0, k1, k2; ``H`` = hostname)::

    failoverkit:dns:Route53Failover  shop-route53
    ├── aws:route53/healthCheck  shop-<k>-r53-health      one per target: HTTPS, path, SNI, 3 checker regions
    ├── aws:route53/record       shop-<k>-r53-origin      one per target: <k>.H A <ip> or CNAME <origin host>
    ├── aws:route53/record       shop-<k0>-r53-primary    H CNAME PRIMARY -> origin 0, check 0
    ├── aws:route53/record       shop-<k1>-r53-secondary  H CNAME SECONDARY alias -> failover-1.H
    ├── aws:route53/record       shop-<k1>-r53-primary    failover-1.H CNAME PRIMARY -> origin 1, check 1
    └── aws:route53/record       shop-<k2>-r53-secondary  failover-1.H CNAME SECONDARY -> origin 2, check 2

Why CNAMEs everywhere: the failover records at one name must share one type, and
targets mix hostnames (ALB, Container Apps) with IPs (GCP); an IP target's failover
CNAME points at its own A record ``<key>.<hostname>``. Why the chain:
a Route 53 failover set holds exactly one PRIMARY and one SECONDARY, so with three
or more targets the SECONDARY is an alias (``evaluate_target_health``) onto a nested
failover set at ``failover-<i>.<hostname>``: it counts as healthy while any record
of that nested set is, which gives strict priority order down the chain.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from failoverkit.clouds import Endpoint, Zone
from failoverkit.dns import FailoverRecord
from failoverkit.dns._common import backend_name, child_name, child_opts, ordered
from failoverkit.spec import DnsProvider, FailoverSpec
from failoverkit.tags import workload_tags

CHECKER_REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-1")
"""Route 53 needs at least three checker regions; one per continent keeps a regional outage from deciding."""


def chain_name(hostname: str, level: int) -> str:
    """Where the nested failover set of chain level ``level`` (>= 1) lives: ``failover-1.shop.example.com``."""
    return hostname if level == 0 else f"failover-{level}.{hostname}"


def is_ip(value: str) -> bool:
    """Whether an origin is an IP address (a GCP load balancer) rather than a hostname (ALB, Container Apps)."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def origin_record_name(hostname: str, key: str) -> str:
    """A target's own name, ``<key>.<hostname>``: A for an address, CNAME for a hostname origin."""
    return f"{key}.{hostname}"


def _failover_target(origin_name: str, origin: str) -> str:
    """What a failover CNAME points at: the origin hostname itself, or the A record of an address origin."""
    return origin_name if is_ip(origin) else origin


class Route53Zone:
    """Plain records in a Route 53 hosted zone (ACM validation CNAMEs, Azure ``asuid`` TXT records)."""

    def __init__(self, zone_id: pulumi.Input[str], parent: pulumi.Resource) -> None:
        self.zone_id = pulumi.Output.from_input(zone_id)
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
        """A single-value record; overwrites a same-named record (ACM reuses validation names across regions)."""
        return aws.route53.Record(
            name,
            aws.route53.RecordArgs(
                zone_id=self.zone_id,
                name=record_name,
                type=record_type,
                records=[value],
                ttl=ttl_seconds,
                allow_overwrite=True,
            ),
            opts=child_opts(self._parent),
        )


class Route53Failover(pulumi.ComponentResource):
    """Health checks and a failover record chain for ``spec.hostname`` in Route 53."""

    zone_id: pulumi.Output[str]

    def __init__(self, spec: FailoverSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("failoverkit:dns:Route53Failover", backend_name(spec, "route53"), {}, opts)
        self.spec = spec
        if spec.dns.provider is DnsProvider.ROUTE53 and spec.dns.zone_id:
            self.zone_id = pulumi.Output.from_input(spec.dns.zone_id)
        else:
            # dns.zoneId belongs to dns.provider; as a secondary (or without an id) look the public zone up by name.
            found = aws.route53.get_zone_output(
                name=spec.dns.zone, private_zone=False, opts=pulumi.InvokeOutputOptions(parent=self)
            )
            self.zone_id = found.zone_id
        self._zone = Route53Zone(self.zone_id, self)

    @property
    def zone(self) -> Zone:
        return self._zone

    def publish(self, endpoints: Sequence[Endpoint]) -> FailoverRecord:
        """One health check per endpoint, then the failover chain, primary first."""
        spec, hc = self.spec, self.spec.dns.health_check
        ends = ordered(endpoints, "route53")
        tags = workload_tags(spec.app)
        checks: list[aws.route53.HealthCheck] = []
        targets: list[pulumi.Input[str]] = []
        records: list[pulumi.Resource] = []
        for e in ends:
            https = e.protocol.upper() == "HTTPS"
            origin = e.origin_hostname
            # Decided from the origin's actual value: an address is checked by IP with the shared hostname as
            # Host/SNI (the name its certificate is for); a hostname is checked by its own name.
            check_args = aws.route53.HealthCheckArgs(
                type="HTTPS" if https else "HTTP",
                resource_path=e.health_path,
                port=e.port,
                request_interval=int(hc.interval_seconds),
                failure_threshold=hc.failure_threshold,
                regions=list(CHECKER_REGIONS),
                enable_sni=https,
                fqdn=origin.apply(lambda h: spec.hostname if is_ip(h) else h),
                ip_address=origin.apply(lambda h: h if is_ip(h) else None),
                tags={**tags, "Name": f"{spec.app.name} {e.target.placement}"},
            )
            check = aws.route53.HealthCheck(
                child_name(spec, e.target, "r53-health"), check_args, opts=child_opts(self, e.resources)
            )
            checks.append(check)
            # Every target also gets a stable name of its own (<key>.<hostname>): drills and operators can reach
            # one target directly, and an address target needs it because failover records here are CNAMEs.
            origin_name = origin_record_name(spec.hostname, e.target.key)
            records.append(
                aws.route53.Record(
                    child_name(spec, e.target, "r53-origin"),
                    aws.route53.RecordArgs(
                        zone_id=self.zone_id,
                        name=origin_name,
                        type=origin.apply(lambda h: "A" if is_ip(h) else "CNAME"),
                        records=[origin],
                        ttl=spec.dns.ttl_seconds,
                    ),
                    opts=child_opts(self, e.resources),
                )
            )
            targets.append(origin.apply(functools.partial(_failover_target, origin_name)))

        last = len(ends) - 1
        for level in range(last):
            here, primary = chain_name(spec.hostname, level), ends[level]
            records.append(
                self._failover(
                    child_name(spec, primary.target, "r53-primary"),
                    here,
                    "PRIMARY",
                    primary.target.key,
                    target=targets[level],
                    check=checks[level],
                    depends_on=primary.resources,
                )
            )
            standby = ends[level + 1]
            if level + 1 == last:
                secondary = self._failover(
                    child_name(spec, standby.target, "r53-secondary"),
                    here,
                    "SECONDARY",
                    standby.target.key,
                    target=targets[last],
                    check=checks[last],
                    depends_on=standby.resources,
                )
            else:
                secondary = self._failover(
                    child_name(spec, standby.target, "r53-secondary"),
                    here,
                    "SECONDARY",
                    standby.target.key,
                    alias=chain_name(spec.hostname, level + 1),
                    depends_on=standby.resources,
                )
            records.append(secondary)

        self.register_outputs({"zoneId": self.zone_id, "healthCheckIds": [c.id for c in checks]})
        return FailoverRecord(
            provider="route53",
            fqdn=spec.hostname,
            health_checks=list(checks),
            records=records,
            extra_outputs={
                "route53ZoneId": self.zone_id,
                "route53HealthCheckIds": [c.id for c in checks],
            },
        )

    def _failover(
        self,
        name: str,
        record_name: str,
        role: str,
        key: str,
        *,
        target: pulumi.Input[str] | None = None,
        check: aws.route53.HealthCheck | None = None,
        alias: str | None = None,
        depends_on: Sequence[pulumi.Resource] = (),
    ) -> aws.route53.Record:
        policy = [aws.route53.RecordFailoverRoutingPolicyArgs(type=role)]
        if alias is not None:
            # An alias takes its TTL from the target and its health from the nested set (evaluate_target_health).
            args = aws.route53.RecordArgs(
                zone_id=self.zone_id,
                name=record_name,
                type="CNAME",
                set_identifier=f"{key}-{role.lower()}",
                failover_routing_policies=policy,
                aliases=[aws.route53.RecordAliasArgs(name=alias, zone_id=self.zone_id, evaluate_target_health=True)],
            )
        else:
            assert target is not None and check is not None  # the two call shapes above
            args = aws.route53.RecordArgs(
                zone_id=self.zone_id,
                name=record_name,
                type="CNAME",
                ttl=self.spec.dns.ttl_seconds,
                records=[target],
                set_identifier=f"{key}-{role.lower()}",
                failover_routing_policies=policy,
                health_check_id=check.id,
            )
        return aws.route53.Record(name, args, opts=child_opts(self, depends_on))


def open(spec: FailoverSpec, parent: pulumi.Resource) -> Route53Failover:  # the backend contract
    """The Route 53 backend for ``spec`` under ``parent`` (the FailoverApp)."""
    return Route53Failover(spec, pulumi.ResourceOptions(parent=parent))
