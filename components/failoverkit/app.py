"""FailoverApp: one app on two or more clouds behind health-checked failover DNS.

Data flow: ``FailoverAppArgs`` -> ``parse_spec`` (refuses bad input before any
resource exists) -> one deployment per target (``clouds/``) -> health checks and
failover records (``dns/``) -> outputs.

Example::

    from failoverkit import FailoverApp

    app = FailoverApp("shop", {
        "app": {"name": "shop", "image": "ghcr.io/acme/shop:1.4.2"},
        "hostname": "shop.example.com",
        "targets": [{"cloud": "aws", "region": "us-east-1"},
                    {"cloud": "gcp", "region": "us-central1"}],
        "dns": {"provider": "route53", "zone": "example.com"},
    })
    pulumi.export("url", app.url)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

from failoverkit import clouds, dns
from failoverkit.clouds import Endpoint, Zone
from failoverkit.spec import FailoverAppArgs, FailoverSpec, parse_spec
from failoverkit.tags import workload_tags


class _BothZones:
    """Writes each record into the primary and the secondary DNS provider's zone."""

    def __init__(self, primary: Zone, secondary: Zone) -> None:
        self._zones = (primary, secondary)

    def record(
        self,
        name: str,
        *,
        record_name: pulumi.Input[str],
        record_type: pulumi.Input[str],
        value: pulumi.Input[str],
        ttl_seconds: int = 300,
    ) -> pulumi.Resource:
        first, second = self._zones
        second.record(
            f"{name}-secondary", record_name=record_name, record_type=record_type, value=value, ttl_seconds=ttl_seconds
        )
        return first.record(
            name, record_name=record_name, record_type=record_type, value=value, ttl_seconds=ttl_seconds
        )


def endpoint_output(endpoint: Endpoint) -> dict[str, Any]:
    """A target's endpoint as a plain stack output (drills, dashboards and policies read it)."""
    t = endpoint.target
    return {
        "key": t.key,
        "cloud": t.cloud.value,
        "region": t.region,
        "priority": t.priority,
        "simulated": t.simulated,
        "originHostname": endpoint.origin_hostname,
        "port": endpoint.port,
        "protocol": endpoint.protocol,
        "healthUrl": endpoint.health_url,
        "staticIp": endpoint.static_ip,
    }


class FailoverApp(pulumi.ComponentResource):
    """Deploys ``args["app"]`` to every target and fronts them with health-checked failover DNS."""

    spec: FailoverSpec
    url: pulumi.Output[str]
    """``https://<hostname>/`` (``http://<hostname>:<port>/`` on simulated targets)."""
    endpoints: pulumi.Output[list[dict[str, Any]]]
    """Per target, primary first: key, cloud, region, priority, originHostname, port, protocol, healthUrl, staticIp."""
    placements: pulumi.Output[list[str]]
    """``cloud/region`` of every target, primary first."""
    failover_budget_seconds: pulumi.Output[float]
    """Worst-case seconds from an origin failure to resolvers serving a standby."""
    dns_info: pulumi.Output[dict[str, Any]]
    """Providers, TTL, health-check settings and backend details (e.g. the local DNS server)."""

    def __init__(self, name: str, args: FailoverAppArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        spec = parse_spec(args)  # raises ConfigError before anything is registered
        super().__init__("failoverkit:index:FailoverApp", name, {}, opts)
        self.spec = spec

        primary = dns.open_backend(spec.dns.provider, spec, self)
        secondary = dns.open_backend(spec.dns.secondary, spec, self) if spec.dns.secondary else None
        zone: Zone = _BothZones(primary.zone, secondary.zone) if secondary else primary.zone

        endpoints = [clouds.deploy(spec, target, zone, self) for target in spec.targets]
        records = [primary.publish(endpoints)] + ([secondary.publish(endpoints)] if secondary else [])

        scheme_port = f"http://{spec.hostname}:{spec.app.port}/" if spec.simulated else f"https://{spec.hostname}/"
        self.url = pulumi.Output.from_input(scheme_port)
        self.endpoints = pulumi.Output.from_input([endpoint_output(e) for e in endpoints])
        self.placements = pulumi.Output.from_input([t.placement for t in spec.targets])
        budget = spec.budget
        self.failover_budget_seconds = pulumi.Output.from_input(budget.total_seconds)
        self.dns_info = pulumi.Output.from_input(_dns_outputs(spec, records))
        self.register_outputs(
            {
                "url": self.url,
                "endpoints": self.endpoints,
                "placements": self.placements,
                "failoverBudgetSeconds": self.failover_budget_seconds,
                "failoverBudgetFormula": budget.formula,
                "rtoSeconds": spec.rto_seconds,
                "tags": workload_tags(spec.app),
                # Policies read the workload and its criticality straight off the component, too.
                "workload": spec.app.name,
                "criticality": spec.app.criticality.value,
                "dns": self.dns_info,
            }
        )


def _dns_outputs(spec: FailoverSpec, records: Sequence[dns.FailoverRecord]) -> dict[str, Any]:
    hc = spec.dns.health_check
    return {
        "providers": [r.provider for r in records],
        "hostname": spec.hostname,
        "ttlSeconds": spec.dns.ttl_seconds,
        "healthCheck": {
            "intervalSeconds": hc.interval_seconds,
            "failureThreshold": hc.failure_threshold,
            "timeoutSeconds": hc.timeout_seconds,
            "recoveryThreshold": hc.recovery_threshold,
        },
        **{k: v for r in records for k, v in r.extra_outputs.items()},
    }
