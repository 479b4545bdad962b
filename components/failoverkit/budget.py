"""Worst-case failover time: from the moment an origin fails to resolvers serving a standby.

Pure functions, one model per DNS backend. Each term of a budget names its
source so a user can check our arithmetic against the provider's docs.

The generic shape is::

    detection  = interval x failures needed + one check timeout
    publish    = how long the provider takes to act on the new health state
    caching    = the record's TTL (resolvers may serve the old answer that long)

Example::

    >>> failover_budget("local", HealthCheck(1, 2, 0.5, 2), ttl_seconds=1).total_seconds
    3.5
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HealthCheck:
    """Health-check knobs shared by every backend (each maps them onto its own names)."""

    interval_seconds: float
    failure_threshold: int
    timeout_seconds: float
    recovery_threshold: int


@dataclass(frozen=True)
class Term:
    name: str
    seconds: float
    source: str


@dataclass(frozen=True)
class Budget:
    """A worst-case failover budget and how it was computed."""

    provider: str
    terms: tuple[Term, ...]
    advice: str
    """Which knob to turn to shrink the budget."""

    @property
    def total_seconds(self) -> float:
        return round(sum(t.seconds for t in self.terms), 3)

    @property
    def formula(self) -> str:
        return " + ".join(f"{t.name} {t.seconds:g}" for t in self.terms)


# Defaults: each provider's standard settings, so a user who sets nothing gets what the console would.
_DEFAULTS: dict[str, HealthCheck] = {
    # Route 53: standard interval 30 s, failure threshold 3; a checker waits 4 s to connect (+2 s for the reply).
    "route53": HealthCheck(30, 3, 4, 3),
    # Traffic Manager: interval 30 s, 3 tolerated failures, timeout 10 s.
    "traffic-manager": HealthCheck(30, 3, 10, 3),
    # Cloudflare monitors: interval 60 s, timeout 5 s, retries 2 (here: threshold 3 = 1 + retries).
    "cloudflare": HealthCheck(60, 3, 5, 3),
    # Cloud DNS health checks (regional/global health checks): interval 30 s, timeout 5 s, threshold 2.
    "cloud-dns": HealthCheck(30, 2, 5, 2),
    # Local demo: fast, so a newcomer sees a failover in seconds.
    "local": HealthCheck(1, 2, 0.5, 2),
}


def default_health_check(provider: str) -> HealthCheck:
    """The provider's standard health-check settings (see comments on ``_DEFAULTS``)."""
    return _DEFAULTS.get(provider, _DEFAULTS["route53"])


def _range(field: str, value: float, low: float, high: float, provider: str) -> list[str]:
    if low <= value <= high:
        return []
    return [f"healthCheck.{field}: {provider} allows {low:g} to {high:g}, got {value:g}"]


def _validate_route53(hc: HealthCheck, ttl: int) -> list[str]:
    problems = []
    if hc.interval_seconds not in (10, 30):
        problems.append(f"healthCheck.intervalSeconds: route53 allows 10 or 30, got {hc.interval_seconds:g}")
    problems += _range("failureThreshold", hc.failure_threshold, 1, 10, "route53")
    if hc.timeout_seconds != 4:
        problems.append(f"healthCheck.timeoutSeconds: route53's connect timeout is fixed at 4, got {hc.timeout_seconds:g}")
    return problems


def _validate_traffic_manager(hc: HealthCheck, ttl: int) -> list[str]:
    problems = []
    if hc.interval_seconds not in (10, 30):
        problems.append(f"healthCheck.intervalSeconds: traffic-manager allows 10 or 30, got {hc.interval_seconds:g}")
    # Tolerated failures 0-9 = failure threshold 1-10.
    problems += _range("failureThreshold", hc.failure_threshold, 1, 10, "traffic-manager")
    high = 9 if hc.interval_seconds == 10 else 10
    problems += _range("timeoutSeconds", hc.timeout_seconds, 5, high, "traffic-manager")
    problems += _range("ttl", ttl, 0, 2147483647, "traffic-manager")
    return [p.replace("healthCheck.ttl", "ttl") for p in problems]


def _validate_cloudflare(hc: HealthCheck, ttl: int) -> list[str]:
    problems = _range("intervalSeconds", hc.interval_seconds, 5, 3600, "cloudflare")
    problems += _range("failureThreshold", hc.failure_threshold, 1, 6, "cloudflare")
    problems += _range("timeoutSeconds", hc.timeout_seconds, 1, 10, "cloudflare")
    if ttl < 30 and ttl != 0:
        problems.append(f"ttl: cloudflare load balancers allow 30 or more (or 0 for automatic), got {ttl}")
    return problems


def _validate_cloud_dns(hc: HealthCheck, ttl: int) -> list[str]:
    problems = _range("intervalSeconds", hc.interval_seconds, 30, 300, "cloud-dns")
    problems += _range("failureThreshold", hc.failure_threshold, 1, 10, "cloud-dns")
    if hc.timeout_seconds > hc.interval_seconds:
        problems.append(
            f"healthCheck.timeoutSeconds: cloud-dns needs timeout <= interval ({hc.interval_seconds:g}), got {hc.timeout_seconds:g}"
        )
    return problems


def _validate_local(hc: HealthCheck, ttl: int) -> list[str]:
    problems = _range("intervalSeconds", hc.interval_seconds, 0.1, 300, "local")
    problems += _range("failureThreshold", hc.failure_threshold, 1, 10, "local")
    problems += _range("recoveryThreshold", hc.recovery_threshold, 1, 10, "local")
    problems += _range("timeoutSeconds", hc.timeout_seconds, 0.05, 60, "local")
    if hc.timeout_seconds >= hc.interval_seconds:
        problems.append(
            f"healthCheck.timeoutSeconds: local needs timeout below interval ({hc.interval_seconds:g}), got {hc.timeout_seconds:g}"
        )
    return problems


_VALIDATORS: dict[str, Callable[[HealthCheck, int], list[str]]] = {
    "route53": _validate_route53,
    "traffic-manager": _validate_traffic_manager,
    "cloudflare": _validate_cloudflare,
    "cloud-dns": _validate_cloud_dns,
    "local": _validate_local,
}


def validate(provider: str, hc: HealthCheck, ttl_seconds: int) -> list[str]:
    """Problems with ``hc``/``ttl`` for ``provider``, as messages relative to ``dns.``."""
    return _VALIDATORS[provider](hc, ttl_seconds)


def failover_budget(provider: str, hc: HealthCheck, ttl_seconds: int) -> Budget:
    """Worst-case seconds from origin failure to resolvers serving a standby, term by term."""
    detect = Term(
        "detection",
        hc.interval_seconds * hc.failure_threshold,
        "interval x failure threshold: the last good check ran just before the failure",
    )
    timeout = Term("check timeout", hc.timeout_seconds, "the failing check itself waits this long")
    ttl = Term("ttl", float(ttl_seconds), "resolvers may serve the cached answer for one TTL")
    advice = "lower dns.ttl, dns.healthCheck.intervalSeconds or failureThreshold, or raise rtoSeconds"
    return Budget(provider, (detect, timeout, ttl), advice)
