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

Other Pulumi languages get it through ``pulumi package add ./components``: Pulumi's analyzer reads the
annotations below at run time (so no ``from __future__ import annotations`` here) and turns
``FailoverAppArgs`` into the inputs and the public annotated attributes into the outputs.
"""

from collections.abc import Sequence
from typing import Any, TypedDict, cast

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


class EndpointInfo(TypedDict):
    """One target's endpoint, as FailoverApp's ``endpoints`` output holds it (keys as written here)."""

    key: str
    """Stable name fragment of the target's child resources, e.g. ``aws-us-east-1``."""
    cloud: str
    """``aws``, ``gcp`` or ``azure``."""
    region: str
    """The cloud's region."""
    priority: int
    """0 for the primary, 1.. for standbys in order."""
    simulated: bool
    """Whether the target is a local process on loopback."""
    originHostname: str
    """Where health checks and the failover record point."""
    port: int
    """Port the health checks use."""
    protocol: str
    """``HTTPS`` for cloud targets, ``HTTP`` for simulated ones."""
    healthUrl: str
    """The URL the DNS provider's health check probes."""
    staticIp: str | None
    """A fixed IPv4 address, for backends that route to IPs only (cloud-dns)."""


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


class DrillFaultInfo(TypedDict):
    """A fault in effect, as FailoverApp's ``drillFaults`` output lists it."""

    target: str
    """The target's key, e.g. ``aws-us-east-1``."""
    fault: str
    """``unhealthy`` or ``down``; on local targets also ``crash``, ``hang`` or ``slow``."""


class FailoverApp(pulumi.ComponentResource):
    """Deploys ``args["app"]`` to every target and fronts them with health-checked failover DNS."""

    # Every public annotated attribute is an output in the `pulumi package add` schema: keep the rest private.
    _spec: FailoverSpec
    url: pulumi.Output[str]
    """``https://<hostname>/`` (``http://<hostname>:<port>/`` on simulated targets)."""
    endpoints: pulumi.Output[list[EndpointInfo]]
    """Per target, primary first: key, cloud, region, priority, originHostname, port, protocol, healthUrl, staticIp."""
    placements: pulumi.Output[list[str]]
    """``cloud/region`` of every target, primary first."""
    failover_budget_seconds: pulumi.Output[float]
    """Worst-case seconds from an origin failure to resolvers serving a standby."""
    failover_budget_formula: pulumi.Output[str]
    """How ``failoverBudgetSeconds`` adds up (detection, propagation, TTL); ``(estimate)`` marks a term no provider
    documents, which makes the total an estimate rather than a bound."""
    failback_budget_seconds: pulumi.Output[float]
    """Worst-case seconds from a failed target answering again to resolvers serving it again."""
    failback_budget_formula: pulumi.Output[str]
    """How ``failbackBudgetSeconds`` adds up (recovery checks, propagation, TTL), estimates marked."""
    rto_seconds: pulumi.Output[int]
    """The recovery-time objective the budget was checked against."""
    tags: pulumi.Output[dict[str, str]]
    """The workload, criticality and managed-by tags on every taggable child resource."""
    workload: pulumi.Output[str]
    """The app's name (policies find the workload by it)."""
    criticality: pulumi.Output[str]
    """``critical`` or ``standard``."""
    dns: pulumi.Output[dict[str, Any]]
    """Providers, TTL, health-check settings and backend details (e.g. the local DNS server)."""
    drill_faults: pulumi.Output[list[DrillFaultInfo]]
    """The ``drillFaults`` in effect ({target, fault}, as given); empty when none."""

    @property
    def spec(self) -> FailoverSpec:
        """The validated intent this component was built from."""
        return self._spec

    @property
    def dns_info(self) -> pulumi.Output[dict[str, Any]]:
        """The ``dns`` output (the name Python programs have used so far)."""
        return self.dns

    def __init__(self, name: str, args: FailoverAppArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        spec = parse_spec(args)  # raises ConfigError before anything is registered
        super().__init__("failoverkit:index:FailoverApp", name, {}, opts)
        self._spec = spec

        primary = dns.open_backend(spec.dns.provider, spec, self)
        secondary = dns.open_backend(spec.dns.secondary, spec, self) if spec.dns.secondary else None
        zone: Zone = _BothZones(primary.zone, secondary.zone) if secondary else primary.zone

        endpoints = [clouds.deploy(spec, target, zone, self) for target in spec.targets]
        records = [primary.publish(endpoints)] + ([secondary.publish(endpoints)] if secondary else [])

        scheme_port = f"http://{spec.hostname}:{spec.app.port}/" if spec.simulated else f"https://{spec.hostname}/"
        self.url = pulumi.Output.from_input(scheme_port)
        # from_input resolves the Outputs nested in each dict, so every item is a plain EndpointInfo.
        self.endpoints = cast(
            pulumi.Output[list[EndpointInfo]], pulumi.Output.from_input([endpoint_output(e) for e in endpoints])
        )
        self.placements = pulumi.Output.from_input([t.placement for t in spec.targets])
        budget = spec.budget
        self.failover_budget_seconds = pulumi.Output.from_input(budget.total_seconds)
        self.failover_budget_formula = pulumi.Output.from_input(budget.formula)
        failback = spec.failback_budget
        self.failback_budget_seconds = pulumi.Output.from_input(failback.total_seconds)
        self.failback_budget_formula = pulumi.Output.from_input(failback.formula)
        self.rto_seconds = pulumi.Output.from_input(spec.rto_seconds)
        self.tags = pulumi.Output.from_input(workload_tags(spec.app))
        # Policies read the workload and its criticality straight off the component, too.
        self.workload = pulumi.Output.from_input(spec.app.name)
        self.criticality = pulumi.Output.from_input(spec.app.criticality.value)
        self.dns = pulumi.Output.from_input(_dns_outputs(spec, records))
        self.drill_faults = cast(
            pulumi.Output[list[DrillFaultInfo]],
            pulumi.Output.from_input([f.to_output() for f in spec.drill_faults]),
        )
        # The same names as the schema's outputs, so Python and `pulumi package add` users see one state.
        self.register_outputs(
            {
                "url": self.url,
                "endpoints": self.endpoints,
                "placements": self.placements,
                "failoverBudgetSeconds": self.failover_budget_seconds,
                "failoverBudgetFormula": self.failover_budget_formula,
                "failbackBudgetSeconds": self.failback_budget_seconds,
                "failbackBudgetFormula": self.failback_budget_formula,
                "rtoSeconds": self.rto_seconds,
                "tags": self.tags,
                "workload": self.workload,
                "criticality": self.criticality,
                "dns": self.dns,
                "drillFaults": self.drill_faults,
            }
        )


def _dns_outputs(spec: FailoverSpec, records: Sequence[dns.FailoverRecord]) -> dict[str, Any]:
    hc = spec.dns.health_check
    return {
        "providers": [r.provider for r in records],
        "hostname": spec.hostname,
        "ttlSeconds": spec.dns.ttl_seconds,
        "healthCheck": hc.to_config(),
        **{k: v for r in records for k, v in r.extra_outputs.items()},
    }
