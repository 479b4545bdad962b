"""Cloudflare failover: one monitor, one pool per target, a load balancer that steers off (in pool order).

Resource graph (``shop``)::

    failoverkit:dns:CloudflareFailover          shop-cloudflare
    ├── cloudflare:index/loadBalancerMonitor     shop-cf-monitor          HTTPS GET path, interval, timeout,
    │                                                                     retries, consecutive down/up, Host header
    ├── cloudflare:index/loadBalancerPool        shop-<key>-cf-pool       one origin each, the monitor, 3 check regions
    ├── cloudflare:index/loadBalancer            shop-cf-lb               <hostname>: default pools in priority
    │                                                                     order, fallback = the primary, steering off
    ├── cloudflare:index/notificationPolicy      shop-cf-health-alert     load-balancing health alerts (dns.alert*)
    └── cloudflare:index/zoneSetting             shop-cf-ssl-strict       proxied only: SSL mode Full (strict)

The zone is read with ``getZone`` (by ``dns.zoneId``, else by name, in ``dns.accountId`` when set); monitors,
pools and the alert live in the zone's account. The API token is the provider's: set it as a secret (``pulumi
config set --secret cloudflare:apiToken ...``); the kit never logs it (an Azure target's ACME
DNS-01 challenge reuses it, as a secret: failoverkit.certificates). The token needs (permission
names from the provider's docs): account "Load Balancing: Monitors and Pools Write", zone "Load Balancers
Write", "DNS Write" and "Zone Read"; "Notifications Write" (account) with ``dns.alertEmails`` or
``dns.alertWebhookIds``; "Zone Settings Write" with ``dns.proxied``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_cloudflare as cloudflare
from pulumi.runtime.config import get_config, is_config_secret

from failoverkit import catalog
from failoverkit.budget.cloudflare import RETRIES
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
HEALTH_ALERT = "load_balancing_health_alert"
"""The notification alert type for pool and origin health changes (pulumi-cloudflare NotificationPolicy)."""
SILENT_FAILOVER_WARNING = (
    "cloudflare: no dns.alertEmails or dns.alertWebhookIds, so failovers happen silently; add one to be notified "
    "when a pool or origin changes health"
)


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
        """A single DNS-only record; Cloudflare takes names and CNAME targets without their trailing dot.

        (It stores a CNAME's content without the dot and returns it so: a dotted value would show a diff on
        every ``up``.)
        """
        content = pulumi.Output.all(record_type, value).apply(
            lambda tv: str(tv[1]).rstrip(".") if str(tv[0]).upper() == "CNAME" else str(tv[1])
        )
        return cloudflare.DnsRecord(
            name,
            cloudflare.DnsRecordArgs(
                zone_id=self.zone_id,
                name=pulumi.Output.from_input(record_name).apply(lambda n: n.rstrip(".")),
                type=record_type,
                content=content,
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
    account_id: pulumi.Output[str]

    def __init__(self, spec: FailoverSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("failoverkit:dns:CloudflareFailover", backend_name(spec, "cloudflare"), {}, opts)
        self.spec = spec
        warn_if_token_in_plain_text()
        zone_id = spec.dns.zone_id if spec.dns.provider is DnsProvider.CLOUDFLARE else None
        account_id = spec.dns.account_id
        invoke = pulumi.InvokeOutputOptions(parent=self)
        # getZone takes exactly one of zone_id and filter (provider's zone data source).
        if zone_id:
            found = cloudflare.get_zone_output(zone_id=zone_id, opts=invoke)
        else:
            account = cloudflare.GetZoneFilterAccountArgs(id=account_id) if account_id else None
            found = cloudflare.get_zone_output(
                filter=cloudflare.GetZoneFilterArgs(name=spec.dns.zone, match="all", account=account), opts=invoke
            )
        # The data source's `id` may be blank; `zone_id` is the zone's id (cloudflare/terraform-provider-cloudflare
        # issue 5245). The account is the zone's: monitors and pools must live where the load balancer's zone is.
        self.zone_id = pulumi.Output.from_input(zone_id) if zone_id else found.zone_id
        self.account_id = pulumi.Output.from_input(account_id) if account_id else found.account.id
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
                retries=RETRIES,
                # Set both counts: the API's default for each is 0 (budget/cloudflare.py).
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
        ssl = self._strict_ssl() if proxied else None
        lb = cloudflare.LoadBalancer(
            backend_name(spec, "cf-lb"),
            cloudflare.LoadBalancerArgs(
                zone_id=self.zone_id,
                name=spec.hostname,
                default_pools=[p.id for p in pools],
                # "The pool ID to use when all other pools are detected as unhealthy": the primary, as Route 53
                # (and Traffic Manager) answer when every target is down, so two DNS providers agree.
                fallback_pool=pools[0].id,
                steering_policy="off",
                proxied=proxied,
                # A TTL applies only to DNS-only load balancers (parse_spec holds it to 30-86400).
                ttl=None if proxied else spec.dns.ttl_seconds,
                # One origin per pool: a request that fails on it is worth retrying only in the next pool.
                adaptive_routing=cloudflare.LoadBalancerAdaptiveRoutingArgs(failover_across_pools=True)
                if proxied
                else None,
                session_affinity="none",
                enabled=True,
                description=f"{spec.app.name} failover ({tag_text(spec)})",
            ),
            opts=child_opts(self, [ssl] if ssl else []),
        )
        alert = self._health_alert(pools)
        self.register_outputs({"zoneId": self.zone_id, "accountId": self.account_id, "loadBalancerId": lb.id})
        return FailoverRecord(
            provider="cloudflare",
            fqdn=spec.hostname,
            health_checks=[monitor],
            records=[*pools, lb, *([ssl] if ssl else []), *([alert] if alert else [])],
            extra_outputs={"cloudflareLoadBalancerId": lb.id, "cloudflareProxied": proxied},
        )

    def _strict_ssl(self) -> cloudflare.ZoneSetting:
        """SSL mode Full (strict) for the zone: with Flexible, the proxy talks HTTP to origins that redirect to
        HTTPS (every target does), a loop users see while every monitor stays green. Zone-wide: it applies to
        every proxied name of the zone."""
        return cloudflare.ZoneSetting(
            backend_name(self.spec, "cf-ssl-strict"),
            cloudflare.ZoneSettingArgs(zone_id=self.zone_id, setting_id="ssl", value="strict"),
            opts=child_opts(self),
        )

    def _health_alert(self, pools: Sequence[cloudflare.LoadBalancerPool]) -> cloudflare.NotificationPolicy | None:
        """A notification when any of the pools (or their origins) changes health; a warning when nobody is told."""
        spec = self.spec
        emails, webhooks = spec.dns.alert_emails, spec.dns.alert_webhook_ids
        if not emails and not webhooks:
            pulumi.log.warn(SILENT_FAILOVER_WARNING, resource=self)
            return None
        return cloudflare.NotificationPolicy(
            backend_name(spec, "cf-health-alert"),
            cloudflare.NotificationPolicyArgs(
                account_id=self.account_id,
                name=f"{spec.app.name} failover health",
                alert_type=HEALTH_ALERT,
                mechanisms=cloudflare.NotificationPolicyMechanismsArgs(
                    emails=[cloudflare.NotificationPolicyMechanismsEmailArgs(id=e) for e in emails] or None,
                    webhooks=[cloudflare.NotificationPolicyMechanismsWebhookArgs(id=w) for w in webhooks] or None,
                ),
                filters=cloudflare.NotificationPolicyFiltersArgs(pool_ids=[p.id for p in pools]),
                enabled=True,
                description=f"{spec.app.name} failover ({tag_text(spec)})",
            ),
            opts=child_opts(self),
        )


def open(spec: FailoverSpec, parent: pulumi.Resource) -> CloudflareFailover:  # the backend contract
    """The Cloudflare backend for ``spec`` under ``parent`` (the FailoverApp)."""
    return CloudflareFailover(spec, pulumi.ResourceOptions(parent=parent))
