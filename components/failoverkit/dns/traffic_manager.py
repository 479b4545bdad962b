"""Azure Traffic Manager failover: a Priority-routed profile with one external endpoint per target.

Resource graph (``shop``)::

    failoverkit:dns:TrafficManagerFailover  shop-traffic-manager
    ├── azure-native:trafficmanager:Profile   shop-tm-profile        Priority, monitor (HTTPS, path, interval,
    │                                                                tolerated failures, timeout, Host header),
    │                                                                DNS (name, TTL)
    ├── azure-native:dns:RecordSet            shop-<key>-tm-origin   <key>.<hostname> A <ip> or CNAME <origin host>
    ├── azure-native:trafficmanager:Endpoint  shop-<key>-tm-endpoint ExternalEndpoints, priority 1, 2, ...
    └── azure-native:dns:RecordSet            shop-tm-cname          <hostname> CNAME <profile>.trafficmanager.net
        (records are aws:route53/record:Record when dns.zoneId names a Route 53 hosted zone)

Where the zone lives is one knob: without ``dns.zoneId`` the CNAME and the
targets' validation records go to the Azure DNS zone ``dns.zone`` in
``dns.resourceGroup``; with ``dns.zoneId`` (a Route 53 hosted zone id) they go to
Route 53. The CNAME itself never changes; Traffic Manager's own answer carries
the failover, with the profile's TTL.

Every endpoint is addressed by DNS name: the Traffic Manager FAQ ("Can I use different endpoint
addressing types within a single profile?") allows no mix of IP and DNS-name endpoints outside
MultiValue routing, and a GCP origin is an IP. So every target gets a name of its own,
``<key>.<hostname>`` (as with Route 53), and an IP origin is reached through it.

Probes carry ``Host: <hostname>`` (a profile-level custom header, "Traffic Manager endpoint
monitoring"): without it they send the endpoint's own name, which every origin answers even when
its custom domain is broken. HTTPS probes never validate the certificate (Traffic Manager FAQ), so
a wrong certificate still shows Online.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import pulumi
import pulumi_azure_native as azure

from failoverkit import catalog
from failoverkit.clouds import Endpoint, Zone
from failoverkit.clouds._common import target_hostname
from failoverkit.dns import FailoverRecord
from failoverkit.dns._common import (
    backend_name,
    child_name,
    child_opts,
    is_ip,
    ordered,
    relative_name,
)
from failoverkit.spec import DnsProvider, FailoverSpec
from failoverkit.tags import workload_tags

TRAFFIC_MANAGER_SUFFIX = "trafficmanager.net"


def profile_dns_name(spec: FailoverSpec) -> str:
    """The profile's relative DNS name, unique in trafficmanager.net: ``<app>-<8 hex of the hostname>``.

    Derived from the hostname so two stacks serving different hostnames never collide, and stable so the
    CNAME never has to move (catalog.azure holds the name and its rule).
    """
    return catalog.azure.traffic_manager_profile_name(spec.app.name, spec.hostname)


def endpoint_target(own_name: str, origin: str) -> str:
    """What an endpoint targets: the origin's hostname, or for an IP origin its own name ``<key>.<hostname>``."""
    return own_name if is_ip(origin) else origin


class AzureDnsZone:
    """Plain records in an Azure DNS zone (``dns.zone`` in ``dns.resourceGroup``)."""

    def __init__(self, spec: FailoverSpec, resource_group: str, parent: pulumi.Resource) -> None:
        self.spec = spec
        self.resource_group = resource_group
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
        """A single-value CNAME, TXT or A record set; ``record_name`` is an FQDN inside the zone."""
        zone = self.spec.dns.zone
        kind = pulumi.Output.from_input(record_type).apply(lambda t: t.upper())
        data = pulumi.Output.all(kind, value)
        return azure.dns.RecordSet(
            name,
            azure.dns.RecordSetArgs(
                resource_group_name=self.resource_group,
                zone_name=zone,
                relative_record_set_name=pulumi.Output.from_input(record_name).apply(lambda n: relative_name(n, zone)),
                record_type=kind,
                ttl=ttl_seconds,
                cname_record=data.apply(
                    lambda kv: azure.dns.CnameRecordArgs(cname=kv[1]) if kv[0] == "CNAME" else None
                ),
                txt_records=data.apply(lambda kv: [azure.dns.TxtRecordArgs(value=[kv[1]])] if kv[0] == "TXT" else None),
                a_records=data.apply(lambda kv: [azure.dns.ARecordArgs(ipv4_address=kv[1])] if kv[0] == "A" else None),
                # Record sets take metadata, not tags; same keys so policies reading either find the workload.
                metadata=workload_tags(self.spec.app),
            ),
            opts=child_opts(self._parent),
        )


class TrafficManagerFailover(pulumi.ComponentResource):
    """A Traffic Manager profile (Priority routing) and the hostname's CNAME onto it."""

    def __init__(self, spec: FailoverSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("failoverkit:dns:TrafficManagerFailover", backend_name(spec, "traffic-manager"), {}, opts)
        self.spec = spec
        if spec.dns.resource_group is None:  # parse_spec refuses this; guard direct callers
            raise ValueError("traffic-manager needs dns.resourceGroup")
        self.resource_group = spec.dns.resource_group
        self._zone: Zone
        if spec.dns.provider is DnsProvider.TRAFFIC_MANAGER and spec.dns.zone_id:
            from failoverkit.dns.route53 import Route53Zone  # only stacks whose zone lives in Route 53 pay for it

            self._zone = Route53Zone(spec.dns.zone_id, self)
        else:
            self._zone = AzureDnsZone(spec, self.resource_group, self)

    @property
    def zone(self) -> Zone:
        return self._zone

    def publish(self, endpoints: Sequence[Endpoint]) -> FailoverRecord:
        """The profile, one external endpoint per target (priority = order), and the CNAME."""
        spec, hc = self.spec, self.spec.dns.health_check
        ends = ordered(endpoints, "traffic-manager")
        first = ends[0]
        dns_name = profile_dns_name(spec)
        profile = azure.trafficmanager.Profile(
            backend_name(spec, "tm-profile"),
            azure.trafficmanager.ProfileArgs(
                resource_group_name=self.resource_group,
                profile_name=dns_name,
                location="global",
                profile_status="Enabled",
                traffic_routing_method="Priority",
                dns_config=azure.trafficmanager.DnsConfigArgs(relative_name=dns_name, ttl=spec.dns.ttl_seconds),
                monitor_config=azure.trafficmanager.MonitorConfigArgs(
                    protocol=first.protocol.upper(),
                    port=first.port,
                    path=first.health_path,
                    interval_in_seconds=hc.interval_seconds,
                    timeout_in_seconds=hc.timeout_seconds,
                    tolerated_number_of_failures=hc.failure_threshold - 1,
                    expected_status_code_ranges=[
                        azure.trafficmanager.MonitorConfigExpectedStatusCodeRangesItemArgs(min=200, max=299)
                    ],
                    # Probe as users arrive: the origin must serve the shared hostname, not only its own name.
                    custom_headers=[
                        azure.trafficmanager.MonitorConfigCustomHeadersItemArgs(name="host", value=spec.hostname)
                    ],
                ),
                tags=workload_tags(spec.app),
            ),
            opts=child_opts(self),
        )
        tm_endpoints: list[pulumi.Resource] = []
        for i, e in enumerate(ends):
            origin = e.origin_hostname
            name = target_hostname(spec.hostname, e.target.key)
            origin_record = self._zone.record(
                child_name(spec, e.target, "tm-origin"),
                record_name=name,
                record_type=origin.apply(lambda h: "A" if is_ip(h) else "CNAME"),
                value=origin,
                ttl_seconds=spec.dns.ttl_seconds,
            )
            tm_endpoints.append(
                azure.trafficmanager.Endpoint(
                    child_name(spec, e.target, "tm-endpoint"),
                    azure.trafficmanager.EndpointInitArgs(
                        resource_group_name=self.resource_group,
                        profile_name=dns_name,
                        endpoint_type="ExternalEndpoints",
                        endpoint_name=e.target.key,
                        type="Microsoft.Network/trafficManagerProfiles/externalEndpoints",
                        # Always a DNS name (no mixed addressing): an IP origin through its own A record.
                        target=origin.apply(functools.partial(endpoint_target, name)),
                        priority=i + 1,
                        endpoint_status="Enabled",
                        # Only Performance routing reads endpointLocation; Priority doesn't need it.
                    ),
                    opts=child_opts(self, [*e.resources, profile, origin_record]),
                )
            )
            tm_endpoints.append(origin_record)
        cname = self._zone.record(
            backend_name(spec, "tm-cname"),
            record_name=spec.hostname,
            record_type="CNAME",
            value=f"{dns_name}.{TRAFFIC_MANAGER_SUFFIX}",
            ttl_seconds=spec.dns.ttl_seconds,
        )
        fqdn = f"{dns_name}.{TRAFFIC_MANAGER_SUFFIX}"
        self.register_outputs({"profileFqdn": fqdn})
        return FailoverRecord(
            provider="traffic-manager",
            fqdn=spec.hostname,
            health_checks=[profile],
            records=[*tm_endpoints, cname],
            extra_outputs={"trafficManagerFqdn": fqdn},
        )


def open(spec: FailoverSpec, parent: pulumi.Resource) -> TrafficManagerFailover:  # the backend contract
    """The Traffic Manager backend for ``spec`` under ``parent`` (the FailoverApp)."""
    return TrafficManagerFailover(spec, pulumi.ResourceOptions(parent=parent))
