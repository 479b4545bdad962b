"""The vocabulary every provider model shares: health-check knobs, budget terms, budgets, limits.

Pure data; each provider module (``route53``, ``traffic_manager``, ``cloudflare``, ``cloud_dns``,
``local``) fills it in with its own figures and their sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


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
    """One addend of a budget: its name, its seconds and where the figure comes from.

    ``estimate`` marks a figure no provider documents (our allowance): the budget is then an estimate,
    not a bound, and the formula says so.
    """

    name: str
    seconds: float
    source: str
    estimate: bool = False

    @property
    def label(self) -> str:
        """``propagation 10 (estimate)``, ``ttl 30``."""
        return f"{self.name} {self.seconds:g}" + (" (estimate)" if self.estimate else "")

    def to_output(self) -> dict[str, object]:
        return {"name": self.name, "seconds": self.seconds, "source": self.source, "estimate": self.estimate}


FAILOVER = "failover"
"""From the moment an origin fails to every resolver serving a standby."""
FAILBACK = "failback"
"""From the moment the origin is healthy again to every resolver serving it again."""


@dataclass(frozen=True)
class Budget:
    """A worst-case failover (or failback) budget and how it was computed."""

    provider: str
    kind: str
    """``failover`` or ``failback``."""
    terms: tuple[Term, ...]
    advice: str
    """Which knob to turn to shrink the budget."""

    @property
    def total_seconds(self) -> float:
        return round(sum(t.seconds for t in self.terms), 3)

    @property
    def formula(self) -> str:
        return " + ".join(t.label for t in self.terms)

    @property
    def estimates(self) -> tuple[Term, ...]:
        """The terms no provider documents: while any is non-zero the total is an estimate, not a bound."""
        return tuple(t for t in self.terms if t.estimate and t.seconds)


@dataclass(frozen=True)
class Limits:
    """What a provider accepts, in words, for docs/dns.md (the validators enforce the same)."""

    interval: str
    failure_threshold: str
    recovery_threshold: str
    timeout: str
    ttl: str


@dataclass(frozen=True)
class Fastest:
    """The fastest settings a provider allows, for the "fastest allowed" column of docs/dns.md."""

    health_check: HealthCheck
    ttl_seconds: int
    proxied: bool = False
    plan: str | None = None


@dataclass(frozen=True)
class Context:
    """Whose limits a validation applies and how to word it."""

    provider: str
    secondary: bool = False
    """Checking ``dns.secondary`` (messages say so)."""
    shared: bool = False
    """Another provider reads the same health settings (``dns.secondary`` is set): a knob this provider lacks
    (Route 53's fixed timeout, Traffic Manager's missing recovery threshold) then serves the other one and is
    not held to this provider's fixed value."""
    plan: str | None = None
    """``dns.plan`` (cloudflare)."""
    proxied: bool = False
    """``dns.proxied`` (cloudflare): a proxied load balancer has no TTL."""

    @property
    def alone(self) -> bool:
        """No other provider reads the health settings: knobs this provider lacks must keep its fixed value."""
        return not (self.secondary or self.shared)

    @property
    def who(self) -> str:
        return f"{self.provider} (dns.secondary)" if self.secondary else self.provider


class ProviderModel(Protocol):
    """What each provider module states: its name, defaults, limits and both budgets."""

    NAME: str
    PROPAGATION_SECONDS: float
    """The allowance for a health-state change to reach every name server (an estimate: nobody publishes it)."""
    DEFAULTS: HealthCheck
    LIMITS: Limits
    FASTEST: Fastest

    def health_check(
        self,
        interval_seconds: float | None,
        failure_threshold: int | None,
        timeout_seconds: float | None,
        recovery_threshold: int | None,
    ) -> HealthCheck: ...

    def validate(self, hc: HealthCheck, ttl_seconds: int, context: Context) -> list[str]: ...

    def failover(self, hc: HealthCheck, ttl_seconds: float, proxied: bool) -> Budget: ...

    def failback(self, hc: HealthCheck, ttl_seconds: float, proxied: bool) -> Budget: ...


# --- helpers the provider modules share (messages relative to ``dns.``) ---


def fill(
    defaults: HealthCheck,
    interval_seconds: float | None,
    failure_threshold: int | None,
    timeout_seconds: float | None,
    recovery_threshold: int | None,
) -> HealthCheck:
    """``defaults`` with what the user gave; recovery follows an explicit failure threshold unless given."""
    failure = failure_threshold if failure_threshold is not None else defaults.failure_threshold
    if recovery_threshold is None:
        recovery_threshold = failure_threshold if failure_threshold is not None else defaults.recovery_threshold
    return HealthCheck(
        interval_seconds=interval_seconds if interval_seconds is not None else defaults.interval_seconds,
        failure_threshold=failure,
        timeout_seconds=timeout_seconds if timeout_seconds is not None else defaults.timeout_seconds,
        recovery_threshold=recovery_threshold,
    )


def in_range(field: str, value: float, low: float, high: float, who: str) -> list[str]:
    if low <= value <= high:
        return []
    return [f"healthCheck.{field}: {who} allows {low:g} to {high:g}, got {value:g}"]


def whole(field: str, value: float, who: str) -> list[str]:
    return [] if value == int(value) else [f"healthCheck.{field}: {who} needs whole seconds, got {value:g}"]


def ttl_range(ttl: int, low: int, high: int, who: str) -> list[str]:
    return [] if low <= ttl <= high else [f"ttl: {who} allows {low} to {high}, got {ttl}"]


def ttl_term(ttl_seconds: float, source: str) -> Term:
    return Term("ttl", float(ttl_seconds), source)


def propagation(provider: str, seconds: float) -> Term:
    """The one term no provider documents: how long a health-state change takes to reach every name server."""
    return Term(
        "propagation",
        seconds,
        f"{provider} publishes no figure for a health-state change reaching all of its name servers: "
        "failoverkit's allowance",
        estimate=True,
    )
