"""A drill's plan: a deployed stack's outputs plus the user's choice of fault and target.

Everything the drill needs is read from the stack outputs the reference
program exports (``hostname``, ``endpoints``, ``dns``: providers, health check,
TTL), so a drill measures what was actually deployed, not what a config file
says; its failover and failback budgets come from the same per-provider models
as the stack's own (``failoverkit.budget``). Bad or missing outputs raise
``DrillError`` naming the output.

Example::

    plan = DrillPlan.from_outputs(outputs, stack="local", fault=Fault.CRASH, target=None)
    plan.target.key  # "aws-us-east-1", the primary
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from failoverkit import budget as models
from failoverkit.budget import Budget, HealthCheck
from failoverkit.drill._timeline import DrillBudget, failover_budget
from failoverkit.errors import DrillError


class Fault(StrEnum):
    """What the drill does to the target."""

    CRASH = "crash"
    """SIGKILL the target's process; lifted by restarting it from its saved launch."""
    HANG = "hang"
    """SIGSTOP the target's process (it accepts connections but never answers); lifted by SIGCONT."""
    UNHEALTHY = "unhealthy"
    """The demo app's health endpoint answers 503 (``POST /-/fault``)."""
    SLOW = "slow"
    """The demo app answers its health endpoint later than the health-check timeout."""
    DOWN = "down"
    """The target serves nothing: through ``failoverkit:drillFaults`` and an engine ``up`` (local: the process
    stopped; without the engine, e.g. ``--outputs-file``, the local process is stopped and started again)."""
    FLAPPING = "flapping"
    """The demo app's health alternates unhealthy/healthy around the thresholds (local only)."""

    @property
    def needs_process(self) -> bool:
        return self in (Fault.CRASH, Fault.HANG, Fault.DOWN)

    @property
    def configurable(self) -> bool:
        """Set as ``failoverkit:drillFaults`` and applied by an engine ``up`` (any cloud, and the local stack)."""
        return self in CONFIG_FAULTS


CONFIG_FAULTS = (Fault.UNHEALTHY, Fault.DOWN)
"""The fault kinds every cloud takes through ``failoverkit:drillFaults`` (DESIGN.md, stack config)."""
DRILL_FAULTS_KEY = "failoverkit:drillFaults"


@dataclass(frozen=True)
class Endpoint:
    """One target as the stack exported it."""

    key: str
    cloud: str
    region: str
    priority: int
    simulated: bool
    address: str
    """``originHostname``: the loopback address of a simulated target."""
    port: int
    protocol: str
    health_url: str


@dataclass(frozen=True)
class DrillPlan:
    """What to fail, how, and how to watch it."""

    stack: str
    hostname: str
    endpoints: tuple[Endpoint, ...]
    """Primary first."""
    target: Endpoint
    fault: Fault
    health_check: HealthCheck
    ttl_seconds: float
    budget: DrillBudget
    """The failover budget."""
    failback: Budget
    """The failback model; the drill adds a crashed target's measured restart to it (``failback_budget``)."""
    dns_server: tuple[str, int] | None
    """``address, port`` of the local DNS server; None means the system resolver."""
    state_dir: Path | None
    """The local cloud's state folder (launches, pid files, logs)."""
    processes: Mapping[str, str] = field(default_factory=dict)
    """Target key -> local process name under ``state_dir`` (``dns.processes``)."""
    app: str | None = None
    """The workload name, which prefixes local process names (``<app>-<key>``) when ``processes`` is absent."""
    faults_in_effect: tuple[tuple[str, str], ...] = ()
    """``(target, fault)`` pairs the stack's ``drillFaults`` output says are in effect."""
    name_servers: tuple[str, ...] = ()
    """The DNS provider's authoritative name servers (``dns.nameServers``; empty: found through an NS lookup)."""
    addresses: Mapping[str, str] = field(default_factory=dict)
    """More address -> target key pairs (cloud targets: their origin hostnames resolved at the drill's start)."""

    @property
    def port(self) -> int:
        return self.target.port

    @property
    def simulated(self) -> bool:
        """Every target is a local process on loopback (the ``local`` stack or a sandbox)."""
        return all(e.simulated for e in self.endpoints)

    def key_of(self, address: str | None) -> str | None:
        """The key of the target at ``address`` (None for an unknown address)."""
        for e in self.endpoints:
            if e.address == address:
                return e.key
        return self.addresses.get(address) if address is not None else None

    def key_of_cloud(self, cloud: str | None, region: str | None) -> str | None:
        key = f"{cloud}-{region}"
        return key if any(e.key == key for e in self.endpoints) else None

    @classmethod
    def from_outputs(
        cls, outputs: Mapping[str, Any], *, stack: str, fault: Fault | str, target: str | None = None
    ) -> DrillPlan:
        """Build a plan from stack outputs; ``target`` is a key (``aws-us-east-1``), a cloud name, or None (primary)."""
        try:
            fault = Fault(fault)
        except ValueError:
            allowed = " | ".join(f.value for f in Fault)
            raise DrillError(f"--fault: must be one of {allowed}, got {fault!r}") from None
        hostname = _get(outputs, "hostname", str)
        raw_endpoints = _get(outputs, "endpoints", list)
        if len(raw_endpoints) < 2:
            raise DrillError(f"stack output 'endpoints': a drill needs at least 2 targets, got {len(raw_endpoints)}")
        endpoints = tuple(_endpoint(i, e) for i, e in enumerate(raw_endpoints))
        endpoints = tuple(sorted(endpoints, key=lambda e: e.priority))
        dns = _get(outputs, "dns", dict)
        hc_raw = _get(dns, "healthCheck", dict, where="dns.")
        try:
            hc = HealthCheck(
                interval_seconds=float(hc_raw["intervalSeconds"]),
                failure_threshold=int(hc_raw["failureThreshold"]),
                timeout_seconds=float(hc_raw["timeoutSeconds"]),
                recovery_threshold=int(hc_raw.get("recoveryThreshold", hc_raw["failureThreshold"])),
            )
            ttl = float(dns["ttlSeconds"])
        except (KeyError, TypeError, ValueError) as exc:
            raise DrillError(f"stack output 'dns': health check or TTL missing or malformed ({exc!r})") from None
        providers = _providers(dns)
        proxied = dns.get("cloudflareProxied") is True
        server = dns.get("server")
        state_dir = dns.get("stateDir")
        processes = dns.get("processes")
        return cls(
            stack=stack,
            hostname=hostname,
            endpoints=endpoints,
            target=_select(endpoints, target),
            fault=fault,
            health_check=hc,
            ttl_seconds=ttl,
            budget=failover_budget(models.worst_budget(providers, hc, ttl, proxied=proxied)),
            failback=models.worst_failback_budget(providers, hc, ttl, proxied=proxied),
            dns_server=_server(server) if server else None,
            state_dir=Path(state_dir) if isinstance(state_dir, str) and state_dir else None,
            processes={str(k): str(v) for k, v in processes.items()} if isinstance(processes, Mapping) else {},
            app=outputs.get("app") if isinstance(outputs.get("app"), str) else None,
            faults_in_effect=_faults_in_effect(outputs.get("drillFaults")),
            name_servers=tuple(str(n) for n in dns.get("nameServers") or () if isinstance(n, str)),
        )


def _faults_in_effect(raw: Any) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(f, Mapping) and "target" in f for f in raw):
        raise DrillError(f"stack output 'drillFaults': expected a list of {{target, fault}}, got {raw!r}")
    return tuple((str(f["target"]), str(f.get("fault", ""))) for f in raw)


def _get(data: Mapping[str, Any], key: str, kind: type, *, where: str = "") -> Any:
    value = data.get(key)
    if not isinstance(value, kind):
        raise DrillError(
            f"stack output '{where}{key}': expected a {kind.__name__}, got {value!r}; "
            "is the stack deployed (failoverkit up) with this version of failoverkit?"
        )
    return value


def _providers(dns: Mapping[str, Any]) -> list[str]:
    providers = dns.get("providers")
    known = models.PROVIDERS
    if not isinstance(providers, list) or not providers or not all(p in known for p in providers):
        raise DrillError(
            f"stack output 'dns.providers': expected a list of {' | '.join(known)}, got {providers!r}; "
            "is the stack deployed (failoverkit up) with this version of failoverkit?"
        )
    return [str(p) for p in providers]


def _endpoint(i: int, raw: Any) -> Endpoint:
    if not isinstance(raw, Mapping):
        raise DrillError(f"stack output 'endpoints[{i}]': expected a mapping, got {raw!r}")
    try:
        return Endpoint(
            key=str(raw["key"]),
            cloud=str(raw["cloud"]),
            region=str(raw["region"]),
            priority=int(raw.get("priority", i)),
            simulated=bool(raw.get("simulated", False)),
            address=str(raw["originHostname"]),
            port=int(raw["port"]),
            protocol=str(raw.get("protocol", "HTTP")),
            health_url=str(raw.get("healthUrl", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DrillError(f"stack output 'endpoints[{i}]': missing or malformed field {exc}") from None


def _select(endpoints: tuple[Endpoint, ...], wanted: str | None) -> Endpoint:
    if wanted is None:
        return endpoints[0]
    by_key = [e for e in endpoints if e.key == wanted]
    by_cloud = [e for e in endpoints if e.cloud == wanted]
    if by_key:
        return by_key[0]
    if len(by_cloud) == 1:
        return by_cloud[0]
    keys = ", ".join(e.key for e in endpoints)
    if by_cloud:
        raise DrillError(f"--target: {wanted!r} matches {len(by_cloud)} targets; name one of {keys}")
    clouds = ", ".join(sorted({e.cloud for e in endpoints}))
    raise DrillError(f"--target: {wanted!r} is not a target of this stack; use one of {keys} (or a cloud: {clouds})")


def _server(text: Any) -> tuple[str, int]:
    host, _, port = str(text).rpartition(":")
    if not host or not port.isdigit():
        raise DrillError(f"stack output 'dns.server': expected address:port, got {text!r}")
    return host, int(port)
