"""Cloudflare failover: one monitor, one pool per target, a load balancer that steers off (in pool order).

Resource graph (``shop``)::

    failoverkit:dns:CloudflareFailover          shop-cloudflare
    ├── cloudflare:index/loadBalancerMonitor     shop-cf-monitor          HTTPS GET path, interval, timeout,
    │                                                                     retries, consecutive down/up, Host header
    ├── cloudflare:index/loadBalancerPool        shop-<key>-cf-pool       one origin each, the monitor, 3 check regions
    └── cloudflare:index/loadBalancer            shop-cf-lb               <hostname>: default pools in priority
                                                                          order, fallback = last standby, steering off

The API token is the provider's: set it as a secret (``pulumi config set --secret
cloudflare:apiToken ...``); the kit never logs it (an Azure target's ACME DNS-01 challenge
reuses it, as a secret: failoverkit.certificates). Monitors and pools
live in ``dns.accountId``; the load balancer in the zone ``dns.zoneId`` (looked up
by name in that account when cloudflare is ``dns.secondary``).
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_cloudflare as cloudflare
from pulumi.runtime.config import get_config, is_config_secret

from failoverkit import catalog
from failoverkit.budget import CLOUDFLARE_RETRIES
from failoverkit.clouds import Endpoint, Zone
from failoverkit.dns import FailoverRecord
from failoverkit.dns._common import backend_name, child_name, child_opts, ordered, tag_text
from failoverkit.spec import DnsProvider, FailoverSpec

API_TOKEN_KEY = "cloudflare:apiToken"
"""The provider's own config key for the API token; the kit only checks that it is stored as a secret."""
PLAIN_TEXT_TOKEN_WARNING = (
    f"{API_TOKEN_KEY} is stored in plain text in the stack config; "
    f"run `pulumi config set --secret {API_TOKEN_KEY} <token>` so it is encrypted"
)

CHECK_REGIONS = ("WNAM", "ENAM", "WEU")
"""Three monitoring regions (each probes from 3 data centers): a single region's trouble doesn't decide."""


def warn_if_token_in_plain_text() -> bool:
    """Warn (without the value) when the API token is set but not as a secret; True if it warned."""
    if get_config(API_TOKEN_KEY) is None or is_config_secret(API_TOKEN_KEY):
        return False
    pulumi.log.warn(PLAIN_TEXT_TOKEN_WARNING)
    return True


class CloudflareZone:
    """Plain DNS-only records in a Cloudflare zone (validation records must not be proxied)."""

    def __init__(self, spec: FailoverSpec, zone_id: pulumi.Input[str], parent: pulumi.Resource) -> None:
        self.spec = spec
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
        """A single DNS-only record; Cloudflare takes the FQDN without its trailing dot."""
        return cloudflare.DnsRecord(
            name,
            cloudflare.DnsRecordArgs(
                zone_id=self.zone_id,
                name=pulumi.Output.from_input(record_name).apply(lambda n: n.rstrip(".")),
                type=record_type,
                content=value,
                ttl=ttl_seconds,
                proxied=False,
                # DNS records take free-text comments on every plan; tags need a paid plan.
                comment=tag_text(self.spec),
            ),
            opts=child_opts(self._parent),
        )


class CloudflareFailover(pulumi.ComponentResource):
    """A Cloudflare load balancer on ``spec.hostname`` with one monitored pool per target."""

    zone_id: pulumi.Output[str]

    def __init__(self, spec: FailoverSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("failoverkit:dns:CloudflareFailover", backend_name(spec, "cloudflare"), {}, opts)
        self.spec = spec
        if spec.dns.account_id is None:  # parse_spec refuses this; guard direct callers
            raise ValueError("cloudflare needs dns.accountId")
        self.account_id = spec.dns.account_id
        warn_if_token_in_plain_text()
        if spec.dns.provider is DnsProvider.CLOUDFLARE and spec.dns.zone_id:
            self.zone_id = pulumi.Output.from_input(spec.dns.zone_id)
        else:
            found = cloudflare.get_zone_output(
                filter=cloudflare.GetZoneFilterArgs(
                    name=spec.dns.zone, match="all", account=cloudflare.GetZoneFilterAccountArgs(id=self.account_id)
                ),
                opts=pulumi.InvokeOutputOptions(parent=self),
            )
            self.zone_id = found.id
        self._zone = CloudflareZone(spec, self.zone_id, self)

    @property
    def zone(self) -> Zone:
        return self._zone

    def publish(self, endpoints: Sequence[Endpoint]) -> FailoverRecord:
        """The monitor, a pool per endpoint (primary first) and the load balancer."""
        spec, hc = self.spec, self.spec.dns.health_check
        ends = ordered(endpoints, "cloudflare")
        first = ends[0]
        monitor = cloudflare.LoadBalancerMonitor(
            backend_name(spec, "cf-monitor"),
            cloudflare.LoadBalancerMonitorArgs(
                account_id=self.account_id,
                type=first.protocol.lower(),
                method="GET",
                path=first.health_path,
                port=first.port,
                interval=int(hc.interval_seconds),
                timeout=int(hc.timeout_seconds),
                retries=CLOUDFLARE_RETRIES,
                consecutive_down=hc.failure_threshold,
                consecutive_up=hc.recovery_threshold,
                expected_codes="200",
                follow_redirects=False,
                # Origins serve the shared hostname's certificate; the Host header makes the probe ask for it.
                header={"Host": [spec.hostname]},
                description=f"{spec.app.name} failover health ({tag_text(spec)})",
            ),
            opts=child_opts(self),
        )
        pools: list[cloudflare.LoadBalancerPool] = []
        for e in ends:
            pools.append(
                cloudflare.LoadBalancerPool(
                    child_name(spec, e.target, "cf-pool"),
                    cloudflare.LoadBalancerPoolArgs(
                        account_id=self.account_id,
                        name=catalog.cloudflare.pool_name(spec.app.name, e.target.key),
                        origins=[
                            cloudflare.LoadBalancerPoolOriginArgs(
                                name=e.target.key,
                                address=e.origin_hostname,
                                enabled=True,
                                weight=1,
                                header=cloudflare.LoadBalancerPoolOriginHeaderArgs(hosts=[spec.hostname]),
                            )
                        ],
                        monitor=monitor.id,
                        minimum_origins=1,
                        check_regions=list(CHECK_REGIONS),
                        enabled=True,
                        description=f"{spec.app.name} {e.target.placement} ({tag_text(spec)})",
                    ),
                    opts=child_opts(self, e.resources),
                )
            )
        proxied = spec.dns.proxied
        lb = cloudflare.LoadBalancer(
            backend_name(spec, "cf-lb"),
            cloudflare.LoadBalancerArgs(
                zone_id=self.zone_id,
                name=spec.hostname,
                default_pools=[p.id for p in pools],
                # When every pool is unhealthy Cloudflare serves the fallback: the last standby.
                fallback_pool=pools[-1].id,
                steering_policy="off",
                proxied=proxied,
                # A TTL applies only to DNS-only load balancers; 0 leaves Cloudflare's default.
                ttl=None if proxied or spec.dns.ttl_seconds == 0 else spec.dns.ttl_seconds,
                session_affinity="none",
                enabled=True,
                description=f"{spec.app.name} failover ({tag_text(spec)})",
            ),
            opts=child_opts(self),
        )
        self.register_outputs({"zoneId": self.zone_id, "loadBalancerId": lb.id})
        return FailoverRecord(
            provider="cloudflare",
            fqdn=spec.hostname,
            health_checks=[monitor],
            records=[*pools, lb],
            extra_outputs={"cloudflareLoadBalancerId": lb.id, "cloudflareProxied": proxied},
        )


def open(spec: FailoverSpec, parent: pulumi.Resource) -> CloudflareFailover:  # the backend contract
    """The Cloudflare backend for ``spec`` under ``parent`` (the FailoverApp)."""
    return CloudflareFailover(spec, pulumi.ResourceOptions(parent=parent))
