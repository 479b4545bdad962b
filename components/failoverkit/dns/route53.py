"""Route 53 failover: a health check per endpoint and a PRIMARY/SECONDARY failover chain.

Resource graph (``shop``; three targets k0, k1, k2; ``H`` = hostname)::

    failoverkit:dns:Route53Failover  shop-route53
    ├── aws:route53/record       shop-<k>-r53-origin      one per target: <k>.H A <ip> or CNAME <origin host>
    ├── aws:route53/healthCheck  shop-<k>-r53-health      one per target: HTTPS, path, SNI, 3 checker regions
    ├── aws:route53/record       shop-r53-1-primary       failover-1.H CNAME PRIMARY -> origin 1, check 1
    ├── aws:route53/record       shop-r53-1-secondary     failover-1.H CNAME SECONDARY -> origin 2, check 2
    ├── aws:route53/record       shop-r53-0-primary       H CNAME PRIMARY -> origin 0, check 0
    └── aws:route53/record       shop-r53-0-secondary     H CNAME SECONDARY alias -> failover-1.H (after level 1)

Failover records are named by chain level and role, not by target: promoting a standby (reordering
``targets``) updates the records in place, where renaming them would create a second PRIMARY beside the
old one (a failover set holds one PRIMARY and one SECONDARY). The chain is built from the deepest level
up: Route 53 refuses an alias to a record of its own zone that does not exist yet ("Tried to create an
alias that targets ..., but that target was not found"), so each alias depends on the records it names.

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
from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from failoverkit.clouds import Endpoint, Zone
from failoverkit.clouds._common import target_hostname
from failoverkit.dns import FailoverRecord
from failoverkit.dns._common import backend_name, child_name, child_opts, is_ip, ordered
from failoverkit.spec import Cloud, DnsProvider, FailoverSpec
from failoverkit.tags import workload_tags

CHECKER_REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-1")
"""Route 53 needs at least three checker regions; one per continent keeps a regional outage from deciding."""


def chain_name(hostname: str, level: int) -> str:
    """Where the nested failover set of chain level ``level`` (>= 1) lives: ``failover-1.shop.example.com``."""
    return hostname if level == 0 else f"failover-{level}.{hostname}"


def origin_record_name(hostname: str, key: str) -> str:
    """A target's own name, ``<key>.<hostname>``: A for an address, CNAME for a hostname origin."""
    return target_hostname(hostname, key)


def check_host(endpoint: Endpoint, hostname: str, origin: str) -> str:
    """The name a health check sends as Host and SNI (Route 53 sends ``FullyQualifiedDomainName``).

    Route 53 "Values that you specify when you create or update health checks": with ``IPAddress`` it connects
    to the address and sends ``FullyQualifiedDomainName`` as Host; without, it resolves that name and sends it.
    So an address origin (GCP) is checked by IP with the users' hostname; an AWS load balancer (no fixed IP)
    by the target's own name ``<key>.<hostname>``, which its certificate covers and which CNAMEs to it; any
    other hostname origin (Azure Container Apps, which routes by Host) by its own name.
    """
    if is_ip(origin):
        return hostname
    if endpoint.target.cloud is Cloud.AWS and not endpoint.target.simulated:
        return origin_record_name(hostname, endpoint.target.key)
    return origin


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
        """One origin record and health check per endpoint, then the failover chain from its deepest level up."""
        spec, hc = self.spec, self.spec.dns.health_check
        ends = ordered(endpoints, "route53")
        tags = workload_tags(spec.app)
        checks: list[aws.route53.HealthCheck] = []
        targets: list[pulumi.Input[str]] = []
        origins: list[aws.route53.Record] = []
        for e in ends:
            https = e.protocol.upper() == "HTTPS"
            origin = e.origin_hostname
            # Every target also gets a stable name of its own (<key>.<hostname>): the AWS check asks for it, and an
            # address target needs it because failover records here are CNAMEs.
            origin_name = origin_record_name(spec.hostname, e.target.key)
            origin_record = aws.route53.Record(
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
            origins.append(origin_record)
            check_args = aws.route53.HealthCheckArgs(
                type="HTTPS" if https else "HTTP",
                resource_path=e.health_path,
                port=e.port,
                request_interval=int(hc.interval_seconds),
                failure_threshold=hc.failure_threshold,
                regions=list(CHECKER_REGIONS),
                enable_sni=https,
                fqdn=origin.apply(functools.partial(check_host, e, spec.hostname)),
                ip_address=origin.apply(lambda h: h if is_ip(h) else None),
                tags={**tags, "Name": f"{spec.app.name} {e.target.placement}"},
            )
            check = aws.route53.HealthCheck(
                child_name(spec, e.target, "r53-health"),
                check_args,
                # A check by the target's own name resolves that record.
                opts=child_opts(self, [*e.resources, origin_record]),
            )
            checks.append(check)
            targets.append(origin.apply(functools.partial(_failover_target, origin_name)))

        def answer(i: int, role: str, level: int) -> aws.route53.Record:
            """The ``role`` record of chain level ``level``, answering with target ``i``."""
            return self._failover(
                level,
                role,
                ends[i].target.key,
                target=targets[i],
                check=checks[i],
                depends_on=[*ends[i].resources, origins[i]],
            )

        last = len(ends) - 1
        chain: list[aws.route53.Record] = []
        below: list[aws.route53.Record] = []  # the records of the next deeper level
        for level in reversed(range(last)):
            primary = answer(level, "PRIMARY", level)
            if level + 1 == last:
                secondary = answer(last, "SECONDARY", level)
            else:
                secondary = self._failover(level, "SECONDARY", ends[level + 1].target.key, alias=True, depends_on=below)
            below = [primary, secondary]
            chain = below + chain

        self.register_outputs({"zoneId": self.zone_id, "healthCheckIds": [c.id for c in checks]})
        return FailoverRecord(
            provider="route53",
            fqdn=spec.hostname,
            health_checks=list(checks),
            records=[*origins, *chain],
            extra_outputs={
                "route53ZoneId": self.zone_id,
                "route53HealthCheckIds": [c.id for c in checks],
            },
        )

    def _failover(
        self,
        level: int,
        role: str,
        key: str,
        *,
        target: pulumi.Input[str] | None = None,
        check: aws.route53.HealthCheck | None = None,
        alias: bool = False,
        depends_on: Sequence[pulumi.Resource] = (),
    ) -> aws.route53.Record:
        """The ``role`` (PRIMARY or SECONDARY) record at chain level ``level``; ``key`` is the target it serves now.

        Named ``<app>-r53-<level>-<role>`` with set identifier ``level-<level>-<role>``; aliased to the name the
        record had when names came from the target (``<app>-<key>-r53-<role>``), so that upgrade is in place too:
        the provider updates ``set_identifier`` without a replace (not ForceNew in terraform-provider-aws
        internal/service/route53/record.go, whose update swaps the record set in one change batch).
        """
        name = backend_name(self.spec, f"r53-{level}-{role.lower()}")
        # An alias takes its TTL from the target and its health from the nested set (evaluate_target_health);
        # an answer carries the TTL, the target and its health check.
        nested = aws.route53.RecordAliasArgs(
            name=chain_name(self.spec.hostname, level + 1), zone_id=self.zone_id, evaluate_target_health=True
        )
        args = aws.route53.RecordArgs(
            zone_id=self.zone_id,
            name=chain_name(self.spec.hostname, level),
            type="CNAME",
            set_identifier=f"level-{level}-{role.lower()}",
            failover_routing_policies=[aws.route53.RecordFailoverRoutingPolicyArgs(type=role)],
            aliases=[nested] if alias else None,
            ttl=None if alias else self.spec.dns.ttl_seconds,
            records=None if target is None else [target],
            health_check_id=None if check is None else check.id,
        )
        previous = f"{self.spec.app.name}-{key}-r53-{role.lower()}"
        opts = pulumi.ResourceOptions.merge(
            child_opts(self, depends_on), pulumi.ResourceOptions(aliases=[pulumi.Alias(name=previous)])
        )
        return aws.route53.Record(name, args, opts=opts)


def open(spec: FailoverSpec, parent: pulumi.Resource) -> Route53Failover:  # the backend contract
    """The Route 53 backend for ``spec`` under ``parent`` (the FailoverApp)."""
    return Route53Failover(spec, pulumi.ResourceOptions(parent=parent))
