"""Worst-case failover time: from the moment an origin fails to resolvers serving a standby.

Pure functions, one model per DNS backend. Each term of a budget names its
source so a user can check our arithmetic against the provider's docs. The
shape is the same everywhere::

    detection     = failures needed x time between checks
    check timeout = how long the last (failing) check itself may take
    propagation   = how long the provider takes to act on the new health state
    caching       = the TTL resolvers may keep serving the old answer

What differs is how each provider schedules checks (Route 53 waits an interval
after each *response*; the others probe on a fixed schedule), how long a failing
check may take, and whether a TTL applies at all (Cloudflare proxied mode).

Propagation is the one term no provider publishes a figure for; we use a
conservative allowance per provider (``PROPAGATION_ALLOWANCE_SECONDS``) and say
so in the term's source, so the formula never hides it.

Example::

    >>> failover_budget("local", HealthCheck(1, 2, 0.5, 2), ttl_seconds=1).total_seconds
    3.5
    >>> failover_budget("route53", HealthCheck(10, 3, 6, 3), ttl_seconds=30).formula
    'detection 30 + check timeouts 18 + propagation 10 + ttl 30'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class HealthCheck:
    """Health-check knobs shared by every backend (each maps them onto its own names)."""

    interval_seconds: float
    failure_threshold: int
    timeout_seconds: float
    recovery_threshold: int

    def to_config(self) -> dict[str, float]:
        """The stack config's camelCase form (``dns.healthCheck``), as outputs and the local DNS server take it."""
        return {
            "intervalSeconds": self.interval_seconds,
            "failureThreshold": self.failure_threshold,
            "timeoutSeconds": self.timeout_seconds,
            "recoveryThreshold": self.recovery_threshold,
        }


@dataclass(frozen=True)
class Term:
    """One addend of a budget: its name, its seconds and where the figure comes from."""

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


# --- provider facts (each with its source) ---

ROUTE53_CONNECT_TIMEOUT_SECONDS = 4
"""Route 53 HTTP(S) checks must connect within 4 s ... (AWS, "How Amazon Route 53 determines whether a health check
is healthy")."""
ROUTE53_RESPONSE_TIMEOUT_SECONDS = 2
"""... and get a 2xx/3xx status within 2 s of connecting (same page)."""
ROUTE53_CHECK_TIMEOUT_SECONDS = ROUTE53_CONNECT_TIMEOUT_SECONDS + ROUTE53_RESPONSE_TIMEOUT_SECONDS

CLOUDFLARE_RETRIES = 1
"""Immediate retries of a timed-out Cloudflare monitor check before it counts as failed (API field ``retries``)."""
CLOUDFLARE_AUTO_TTL_SECONDS = 30
"""What we count for a DNS-only Cloudflare load balancer left at TTL 0 (unset): its documented default of 30 s."""

PROPAGATION_ALLOWANCE_SECONDS: dict[str, float] = {
    # None of the providers publishes how long a health-state change takes to reach all of its
    # authoritative servers; these are our allowances, listed under "could not confirm" in docs/dns.md.
    "route53": 10,
    "traffic-manager": 10,
    "cloudflare": 10,
    "cloud-dns": 30,
    # The local DNS server reads health state on every query.
    "local": 0,
}

# Defaults: each provider's standard settings, so a user who sets nothing gets what the console would.
_DEFAULTS: dict[str, HealthCheck] = {
    # Route 53: standard interval 30 s, failure threshold 3; the check timeout is fixed (4 s connect + 2 s reply).
    "route53": HealthCheck(30, 3, ROUTE53_CHECK_TIMEOUT_SECONDS, 3),
    # Traffic Manager: interval 30 s, 3 tolerated failures (= threshold 4), timeout 10 s.
    "traffic-manager": HealthCheck(30, 4, 10, 4),
    # Cloudflare monitors: interval 60 s, timeout 5 s; consecutive_down 2.
    "cloudflare": HealthCheck(60, 2, 5, 2),
    # Compute Engine health checks as Cloud DNS uses them: interval 30 s (its minimum), timeout 5 s, threshold 2.
    "cloud-dns": HealthCheck(30, 2, 5, 2),
    # Local demo: fast, so a newcomer sees a failover in seconds.
    "local": HealthCheck(1, 2, 0.5, 2),
}

PROVIDERS = tuple(_DEFAULTS)


def default_health_check(provider: str) -> HealthCheck:
    """The provider's standard health-check settings (see comments on ``_DEFAULTS``)."""
    return _DEFAULTS.get(provider, _DEFAULTS["route53"])


# --- validation: messages relative to ``dns.`` ---


def _range(field: str, value: float, low: float, high: float, who: str) -> list[str]:
    if low <= value <= high:
        return []
    return [f"healthCheck.{field}: {who} allows {low:g} to {high:g}, got {value:g}"]


def _validate_route53(hc: HealthCheck, ttl: int, who: str, secondary: bool) -> list[str]:
    problems = []
    if hc.interval_seconds not in (10, 30):
        problems.append(f"healthCheck.intervalSeconds: {who} allows 10 or 30, got {hc.interval_seconds:g}")
    problems += _range("failureThreshold", hc.failure_threshold, 1, 10, who)
    problems += _range("recoveryThreshold", hc.recovery_threshold, 1, 10, who)
    if hc.recovery_threshold != hc.failure_threshold:
        # Route 53 has one FailureThreshold for both directions.
        problems.append(
            f"healthCheck.recoveryThreshold: {who} uses failureThreshold ({hc.failure_threshold}) both ways, "
            f"got {hc.recovery_threshold}"
        )
    # A secondary inherits the primary's timeout default; Route 53 simply has no such knob, so only the primary
    # (where the user chose route53's defaults) is held to it.
    if not secondary and hc.timeout_seconds != ROUTE53_CHECK_TIMEOUT_SECONDS:
        problems.append(
            f"healthCheck.timeoutSeconds: {who} fixes the check timeout at {ROUTE53_CHECK_TIMEOUT_SECONDS} "
            f"({ROUTE53_CONNECT_TIMEOUT_SECONDS} s connect + {ROUTE53_RESPONSE_TIMEOUT_SECONDS} s reply); "
            f"leave it unset, got {hc.timeout_seconds:g}"
        )
    problems += _ttl_range(ttl, 0, 2147483647, who)
    return problems


def _validate_traffic_manager(hc: HealthCheck, ttl: int, who: str, secondary: bool) -> list[str]:
    problems = []
    if hc.interval_seconds not in (10, 30):
        problems.append(f"healthCheck.intervalSeconds: {who} allows 10 or 30, got {hc.interval_seconds:g}")
    # Tolerated failures 0-9 = failure threshold 1-10.
    problems += _range("failureThreshold", hc.failure_threshold, 1, 10, who)
    # Azure: timeout 5-10 s with the 30 s interval, 5-9 s with the 10 s (fast) interval.
    high = 9 if hc.interval_seconds == 10 else 10
    if not 5 <= hc.timeout_seconds <= high or hc.timeout_seconds != int(hc.timeout_seconds):
        problems.append(
            f"healthCheck.timeoutSeconds: {who} allows whole seconds 5 to {high} with a "
            f"{hc.interval_seconds:g} s interval, got {hc.timeout_seconds:g}"
        )
    problems += _ttl_range(ttl, 0, 2147483647, who)
    return problems


def _validate_cloudflare(hc: HealthCheck, ttl: int, who: str, secondary: bool) -> list[str]:
    problems = _range("intervalSeconds", hc.interval_seconds, 5, 3600, who)
    if hc.interval_seconds != int(hc.interval_seconds):
        problems.append(f"healthCheck.intervalSeconds: {who} needs whole seconds, got {hc.interval_seconds:g}")
    problems += _range("failureThreshold", hc.failure_threshold, 1, 10, who)
    problems += _range("recoveryThreshold", hc.recovery_threshold, 1, 10, who)
    problems += _range("timeoutSeconds", hc.timeout_seconds, 1, 10, who)
    if hc.timeout_seconds != int(hc.timeout_seconds):
        problems.append(f"healthCheck.timeoutSeconds: {who} needs whole seconds, got {hc.timeout_seconds:g}")
    if hc.timeout_seconds >= hc.interval_seconds:
        problems.append(
            f"healthCheck.timeoutSeconds: {who} needs timeout below interval ({hc.interval_seconds:g}), "
            f"got {hc.timeout_seconds:g}"
        )
    if ttl != 0 and not 30 <= ttl <= 86400:
        problems.append(f"ttl: {who} load balancers allow 30 to 86400 (or 0 for the default), got {ttl}")
    return problems


def _validate_cloud_dns(hc: HealthCheck, ttl: int, who: str, secondary: bool) -> list[str]:
    # Health checks for Cloud DNS external endpoints: check interval at least 30 s.
    problems = _range("intervalSeconds", hc.interval_seconds, 30, 300, who)
    problems += _range("failureThreshold", hc.failure_threshold, 1, 10, who)
    problems += _range("recoveryThreshold", hc.recovery_threshold, 1, 10, who)
    for field, value in (("intervalSeconds", hc.interval_seconds), ("timeoutSeconds", hc.timeout_seconds)):
        if value != int(value):
            problems.append(f"healthCheck.{field}: {who} needs whole seconds, got {value:g}")
    if hc.timeout_seconds > hc.interval_seconds:
        problems.append(
            f"healthCheck.timeoutSeconds: {who} needs timeout <= interval ({hc.interval_seconds:g}), "
            f"got {hc.timeout_seconds:g}"
        )
    problems += _ttl_range(ttl, 0, 2147483647, who)
    return problems


def _validate_local(hc: HealthCheck, ttl: int, who: str, secondary: bool) -> list[str]:
    problems = _range("intervalSeconds", hc.interval_seconds, 0.1, 300, who)
    problems += _range("failureThreshold", hc.failure_threshold, 1, 10, who)
    problems += _range("recoveryThreshold", hc.recovery_threshold, 1, 10, who)
    problems += _range("timeoutSeconds", hc.timeout_seconds, 0.05, 60, who)
    if hc.timeout_seconds >= hc.interval_seconds:
        problems.append(
            f"healthCheck.timeoutSeconds: {who} needs timeout below interval ({hc.interval_seconds:g}), "
            f"got {hc.timeout_seconds:g}"
        )
    return problems


def _ttl_range(ttl: int, low: int, high: int, who: str) -> list[str]:
    return [] if low <= ttl <= high else [f"ttl: {who} allows {low} to {high}, got {ttl}"]


_VALIDATORS: dict[str, Callable[[HealthCheck, int, str, bool], list[str]]] = {
    "route53": _validate_route53,
    "traffic-manager": _validate_traffic_manager,
    "cloudflare": _validate_cloudflare,
    "cloud-dns": _validate_cloud_dns,
    "local": _validate_local,
}


def validate(provider: str, hc: HealthCheck, ttl_seconds: int, *, secondary: bool = False) -> list[str]:
    """Problems with ``hc``/``ttl`` for ``provider``, as messages relative to ``dns.``.

    With ``secondary=True`` messages say so (``route53 (dns.secondary) allows ...``) and knobs the
    provider doesn't have (Route 53's fixed timeout) are not held against the shared settings.
    """
    who = f"{provider} (dns.secondary)" if secondary else provider
    return _VALIDATORS[provider](hc, ttl_seconds, who, secondary)


_ROUTE53_ZONE_ID = re.compile(r"^Z[A-Z0-9]{1,32}$")
_CLOUDFLARE_ID = re.compile(r"^[0-9a-f]{32}$")


def validate_settings(
    provider: str,
    secondary: str | None,
    *,
    hostname: str,
    zone: str,
    target_clouds: Sequence[str],
    zone_id: str | None = None,
    account_id: str | None = None,
    resource_group: str | None = None,
    managed_zone: str | None = None,
    proxied: bool = False,
) -> list[str]:
    """Problems with the backend-specific ``dns.*`` settings, as messages relative to ``dns.``.

    ``zoneId`` belongs to ``dns.provider`` (a secondary looks its zone up by name);
    ``accountId``, ``resourceGroup`` and ``managedZone`` serve whichever of the two needs them.
    """
    problems: list[str] = []
    used = {provider} | ({secondary} if secondary else set())
    apex = hostname == zone

    def owner(settings_provider: str) -> str:
        return "dns.secondary" if settings_provider != provider else "dns.provider"

    if "cloudflare" in used:
        if account_id is None:
            problems.append(
                f"accountId: is required with cloudflare ({owner('cloudflare')}): the account that owns monitors "
                "and pools (Cloudflare dashboard > Account home > Account ID)"
            )
        elif not _CLOUDFLARE_ID.match(account_id):
            problems.append(f"accountId: must be a 32-character hex Cloudflare account id, got {account_id!r}")
    elif account_id is not None:
        problems.append("accountId: applies only to cloudflare")
    if proxied and "cloudflare" not in used:
        problems.append("proxied: applies only to cloudflare")

    if provider == "cloudflare":
        if zone_id is None:
            problems.append(f"zoneId: is required with provider cloudflare: the id of zone {zone!r}")
        elif not _CLOUDFLARE_ID.match(zone_id):
            problems.append(f"zoneId: must be a 32-character hex Cloudflare zone id, got {zone_id!r}")
    elif provider in ("route53", "traffic-manager"):
        if zone_id is not None and not _ROUTE53_ZONE_ID.match(zone_id):
            problems.append(f"zoneId: must be a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ, got {zone_id!r}")
    elif zone_id is not None:
        problems.append(
            f"zoneId: applies to route53, cloudflare and traffic-manager (a Route 53 hosted zone), not {provider}"
        )

    if "traffic-manager" in used:
        tm_in_route53 = provider == "traffic-manager" and zone_id is not None
        if resource_group is None:
            problems.append(
                f"resourceGroup: is required with traffic-manager ({owner('traffic-manager')}): the resource group "
                "of the profile" + ("" if tm_in_route53 else " and of the Azure DNS zone")
            )
        if tm_in_route53 and secondary == "route53":
            problems.append(
                "zoneId: traffic-manager would write the hostname into the Route 53 zone that dns.secondary route53 "
                "also serves; drop zoneId (Azure DNS holds the zone) or choose another secondary"
            )
    elif resource_group is not None:
        problems.append("resourceGroup: applies only to traffic-manager")

    if "cloud-dns" in used:
        if managed_zone is None:
            problems.append(
                f"managedZone: is required with cloud-dns ({owner('cloud-dns')}): the Cloud DNS managed zone "
                f"that holds {zone!r}"
            )
        for i, cloud in enumerate(target_clouds):
            if cloud == "aws":
                problems.append(
                    f"{owner('cloud-dns').removeprefix('dns.')}: cloud-dns fails over between static IPs only; "
                    f"targets[{i}] (aws) sits behind an ALB with no static IP; use route53 or cloudflare"
                )
    elif managed_zone is not None:
        problems.append("managedZone: applies only to cloud-dns")

    # Route 53 and Azure DNS publish the failover as a CNAME, which cannot sit at the zone apex.
    for p in sorted(used & {"route53", "traffic-manager"}):
        if apex:
            problems.append(
                f"{owner(p).removeprefix('dns.')}: {p} publishes {hostname!r} as a CNAME, which cannot sit at "
                f"the zone apex; use a name inside the zone (e.g. www.{zone}) or cloudflare (CNAME flattening)"
            )
    return problems


# --- budgets: one model per backend ---


def _ttl_term(ttl_seconds: float, source: str = "resolvers may serve the cached answer for one TTL") -> Term:
    return Term("ttl", float(ttl_seconds), source)


def _propagation(provider: str) -> Term:
    return Term(
        "propagation",
        PROPAGATION_ALLOWANCE_SECONDS[provider],
        f"{provider} publishes no figure for health state reaching its name servers; our allowance",
    )


def _route53(hc: HealthCheck, ttl: int, proxied: bool) -> Budget:
    return Budget(
        "route53",
        (
            Term(
                "detection",
                hc.failure_threshold * hc.interval_seconds,
                "FailureThreshold consecutive failures, RequestInterval apart (Route 53 API HealthCheckConfig: the "
                "interval runs from a response to the next request); checkers are uncoordinated, and the endpoint "
                "turns unhealthy once 82% of them agree, so the slowest checker sets the pace",
            ),
            Term(
                "check timeouts",
                hc.failure_threshold * ROUTE53_CHECK_TIMEOUT_SECONDS,
                "each failing check may take 4 s to connect + 2 s for the status (How Route 53 determines whether "
                "a health check is healthy); the interval starts after it",
            ),
            _propagation("route53"),
            _ttl_term(
                ttl,
                "the failover CNAME's TTL; alias hops of a 3+ target chain add none (aliases carry the "
                "target's TTL and evaluate the same health checks)",
            ),
        ),
        "lower dns.ttl, set dns.healthCheck.intervalSeconds to 10 or lower failureThreshold, or raise rtoSeconds",
    )


def _traffic_manager(hc: HealthCheck, ttl: int, proxied: bool) -> Budget:
    return Budget(
        "traffic-manager",
        (
            Term(
                "detection",
                hc.failure_threshold * hc.interval_seconds,
                "probes every IntervalInSeconds; Degraded after ToleratedNumberOfFailures + 1 failed probes "
                "(Traffic Manager endpoint monitoring)",
            ),
            Term("check timeout", hc.timeout_seconds, "the last failing probe waits TimeoutInSeconds"),
            _propagation("traffic-manager"),
            _ttl_term(ttl, "the profile's DNS TTL (dnsConfig.ttl); the zone's CNAME to the profile never changes"),
        ),
        "lower dns.ttl, set dns.healthCheck.intervalSeconds to 10, lower failureThreshold or timeoutSeconds, "
        "or raise rtoSeconds",
    )


def _cloudflare(hc: HealthCheck, ttl: int, proxied: bool) -> Budget:
    ttl_term = (
        Term("ttl", 0.0, "proxied: resolvers hold Cloudflare's anycast addresses, the edge switches pools itself")
        if proxied
        else _ttl_term(ttl or CLOUDFLARE_AUTO_TTL_SECONDS, "the DNS-only load balancer's TTL (0 counts as 30 s)")
    )
    return Budget(
        "cloudflare",
        (
            Term(
                "detection",
                hc.failure_threshold * hc.interval_seconds,
                "monitor checks every `interval`; an origin is down after `consecutive_down` failures "
                "(Cloudflare Load Balancing monitors API)",
            ),
            Term(
                "check timeout",
                hc.timeout_seconds * (1 + CLOUDFLARE_RETRIES),
                f"a timed-out check is retried at once `retries` ({CLOUDFLARE_RETRIES}) times, each waiting `timeout`",
            ),
            _propagation("cloudflare"),
            ttl_term,
        ),
        "lower dns.healthCheck.intervalSeconds (plan minimum applies), failureThreshold or dns.ttl, "
        "set dns.proxied, or raise rtoSeconds",
    )


def _cloud_dns(hc: HealthCheck, ttl: int, proxied: bool) -> Budget:
    return Budget(
        "cloud-dns",
        (
            Term(
                "detection",
                hc.failure_threshold * hc.interval_seconds,
                "Compute Engine health check probes every checkIntervalSec from 3 source regions; unhealthy after "
                "unhealthyThreshold failures (Cloud DNS routing policies and health checks)",
            ),
            Term("check timeout", hc.timeout_seconds, "the last failing probe waits timeoutSec"),
            _propagation("cloud-dns"),
            _ttl_term(ttl, "the record set's TTL"),
        ),
        "lower dns.ttl or failureThreshold (the interval cannot go below 30 s on cloud-dns), or raise rtoSeconds",
    )


def _local(hc: HealthCheck, ttl: int, proxied: bool) -> Budget:
    return Budget(
        "local",
        (
            Term(
                "detection",
                hc.interval_seconds * hc.failure_threshold,
                "interval x failure threshold: the last good check ran just before the failure",
            ),
            Term("check timeout", hc.timeout_seconds, "the failing check itself waits this long"),
            _ttl_term(ttl),
        ),
        "lower dns.ttl, dns.healthCheck.intervalSeconds or failureThreshold, or raise rtoSeconds",
    )


_MODELS: dict[str, Callable[[HealthCheck, int, bool], Budget]] = {
    "route53": _route53,
    "traffic-manager": _traffic_manager,
    "cloudflare": _cloudflare,
    "cloud-dns": _cloud_dns,
    "local": _local,
}


def failover_budget(provider: str, hc: HealthCheck, ttl_seconds: int, *, proxied: bool = False) -> Budget:
    """Worst-case seconds from origin failure to resolvers serving a standby, term by term.

    ``proxied`` matters to cloudflare only: a proxied load balancer has no TTL term.
    """
    return _MODELS[provider](hc, ttl_seconds, proxied)


def worst_budget(providers: Sequence[str], hc: HealthCheck, ttl_seconds: int, *, proxied: bool = False) -> Budget:
    """The largest budget among ``providers``: with a secondary DNS provider, resolvers may ask either one."""
    budgets = [failover_budget(p, hc, ttl_seconds, proxied=proxied) for p in providers]
    return max(budgets, key=lambda b: b.total_seconds)
