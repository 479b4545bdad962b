"""Worst-case failover and failback time, one model per DNS provider, every term with its source.

Each provider has one module here (``route53``, ``traffic_manager``, ``cloudflare``, ``cloud_dns``,
``local``) stating its limits, defaults, failover budget and failback budget. Spec validation, the
component's outputs, the drill and docs/dns.md's tables all read them through the functions below. The
shape is the same everywhere::

    failover = detection (failures x interval) + check timeout(s) + propagation + caching (TTL)
    failback = recovery (successes x interval) + check timeout     + propagation + caching (TTL)

What differs is how each provider schedules checks (Route 53 waits an interval after each *response*;
the others probe on a fixed schedule), how long a failing check may take, whether a recovery threshold
exists (Traffic Manager: one good probe restores) and whether a TTL applies at all (Cloudflare proxied).

Propagation is the one term no provider publishes a figure for: it is failoverkit's allowance, marked as
an estimate in every term, formula and table, so such a budget is an estimate, not a bound.

Example::

    >>> failover_budget("local", HealthCheck(1, 2, 0.5, 2), ttl_seconds=1).total_seconds
    3.5
    >>> failover_budget("route53", HealthCheck(10, 3, 6, 3), ttl_seconds=30).formula
    'detection 30 + check timeouts 18 + propagation 10 (estimate) + ttl 30'
"""

from __future__ import annotations

from collections.abc import Sequence

from failoverkit.budget import cloud_dns, cloudflare, local, route53, traffic_manager
from failoverkit.budget._model import (
    FAILBACK,
    FAILOVER,
    Budget,
    Context,
    Fastest,
    HealthCheck,
    Limits,
    ProviderModel,
    Term,
)
from failoverkit.budget._settings import validate_settings

MODELS: dict[str, ProviderModel] = {m.NAME: m for m in (route53, traffic_manager, cloudflare, cloud_dns, local)}
"""Provider name (as ``dns.provider`` spells it) -> its module."""
PROVIDERS = tuple(MODELS)

# The names call sites used before the per-provider modules (each module holds the figure and its source).
ROUTE53_CONNECT_TIMEOUT_SECONDS = route53.CONNECT_TIMEOUT_SECONDS
ROUTE53_RESPONSE_TIMEOUT_SECONDS = route53.RESPONSE_TIMEOUT_SECONDS
ROUTE53_CHECK_TIMEOUT_SECONDS = route53.CHECK_TIMEOUT_SECONDS
CLOUDFLARE_RETRIES = cloudflare.RETRIES
PROPAGATION_ALLOWANCE_SECONDS: dict[str, float] = {m.NAME: m.PROPAGATION_SECONDS for m in MODELS.values()}
"""Each provider's propagation allowance: an estimate, no provider publishes the figure."""

__all__ = [
    "CLOUDFLARE_RETRIES",
    "FAILBACK",
    "FAILOVER",
    "MODELS",
    "PROPAGATION_ALLOWANCE_SECONDS",
    "PROVIDERS",
    "ROUTE53_CHECK_TIMEOUT_SECONDS",
    "ROUTE53_CONNECT_TIMEOUT_SECONDS",
    "ROUTE53_RESPONSE_TIMEOUT_SECONDS",
    "Budget",
    "Context",
    "Fastest",
    "HealthCheck",
    "Limits",
    "ProviderModel",
    "Term",
    "default_health_check",
    "failback_budget",
    "failover_budget",
    "health_check",
    "markdown_tables",
    "validate",
    "validate_settings",
    "worst_budget",
    "worst_failback_budget",
]


def default_health_check(provider: str) -> HealthCheck:
    """The provider's standard health-check settings (see each module's ``DEFAULTS``)."""
    return MODELS[provider].DEFAULTS


def health_check(
    provider: str,
    *,
    interval_seconds: float | None = None,
    failure_threshold: int | None = None,
    timeout_seconds: float | None = None,
    recovery_threshold: int | None = None,
) -> HealthCheck:
    """What the user gave, the rest from ``provider``'s defaults (some depend on what was given, e.g. Traffic
    Manager's timeout on the interval)."""
    return MODELS[provider].health_check(interval_seconds, failure_threshold, timeout_seconds, recovery_threshold)


def validate(
    provider: str,
    hc: HealthCheck,
    ttl_seconds: int,
    *,
    secondary: bool = False,
    shared: bool = False,
    plan: str | None = None,
    proxied: bool = False,
) -> list[str]:
    """Problems with ``hc``/``ttl`` for ``provider``, as messages relative to ``dns.``.

    With ``secondary=True`` messages say so (``route53 (dns.secondary) allows ...``). With a second provider
    (``secondary`` or ``shared``) knobs this provider doesn't have (Route 53's fixed timeout and single threshold,
    Traffic Manager's missing recovery threshold) serve the other one and are not held against the shared
    settings. ``plan`` and ``proxied`` matter to cloudflare only.
    """
    return MODELS[provider].validate(hc, ttl_seconds, Context(provider, secondary, secondary or shared, plan, proxied))


def failover_budget(provider: str, hc: HealthCheck, ttl_seconds: float, *, proxied: bool = False) -> Budget:
    """Worst-case seconds from origin failure to resolvers serving a standby, term by term.

    ``proxied`` matters to cloudflare only: a proxied load balancer has no TTL term.
    """
    return MODELS[provider].failover(hc, ttl_seconds, proxied)


def failback_budget(provider: str, hc: HealthCheck, ttl_seconds: float, *, proxied: bool = False) -> Budget:
    """Worst-case seconds from the origin answering again to resolvers serving it again, term by term."""
    return MODELS[provider].failback(hc, ttl_seconds, proxied)


def worst_budget(providers: Sequence[str], hc: HealthCheck, ttl_seconds: float, *, proxied: bool = False) -> Budget:
    """The largest failover budget among ``providers``: with a secondary DNS provider, resolvers may ask either."""
    budgets = [failover_budget(p, hc, ttl_seconds, proxied=proxied) for p in providers]
    return max(budgets, key=lambda b: b.total_seconds)


def worst_failback_budget(
    providers: Sequence[str], hc: HealthCheck, ttl_seconds: float, *, proxied: bool = False
) -> Budget:
    """The largest failback budget among ``providers``."""
    budgets = [failback_budget(p, hc, ttl_seconds, proxied=proxied) for p in providers]
    return max(budgets, key=lambda b: b.total_seconds)


# --- docs/dns.md's tables, rendered from the models (tests/unit/test_budget.py holds the page to them) ---


def _settings_text(hc: HealthCheck, ttl: int, fastest: Fastest | None = None) -> str:
    text = f"{hc.interval_seconds:g} s x {hc.failure_threshold}, timeout {hc.timeout_seconds:g} s"
    if fastest is not None and fastest.plan:
        text = f"{fastest.plan}: {text}"
    if fastest is not None and fastest.proxied:
        return f"{text}, proxied"
    return f"{text}, TTL {ttl}"


def markdown_tables() -> str:
    """The limits table and the worst-case table of docs/dns.md, as Markdown."""
    limits = [
        "| provider | interval (s) | failure threshold | recovery threshold | timeout (s) | TTL (s) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    budgets = [
        "| provider | defaults | failover | failback | fastest allowed | failover | failback |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, model in MODELS.items():
        lim = model.LIMITS
        limits.append(
            f"| `{name}` | {lim.interval} | {lim.failure_threshold} | {lim.recovery_threshold} | {lim.timeout} "
            f"| {lim.ttl} |"
        )
        ttl = 1 if name == "local" else 30
        fast = model.FASTEST
        row = [
            f"`{name}`",
            _settings_text(model.DEFAULTS, ttl),
            _cell(failover_budget(name, model.DEFAULTS, ttl)),
            _cell(failback_budget(name, model.DEFAULTS, ttl)),
            _settings_text(fast.health_check, fast.ttl_seconds, fast),
            _cell(failover_budget(name, fast.health_check, fast.ttl_seconds, proxied=fast.proxied)),
            _cell(failback_budget(name, fast.health_check, fast.ttl_seconds, proxied=fast.proxied)),
        ]
        budgets.append("| " + " | ".join(row) + " |")
    return "\n".join(limits) + "\n\n" + "\n".join(budgets) + "\n"


def _cell(b: Budget) -> str:
    """``**148 s** = 90 + 18 + 10* + 30``: the terms in the order of the terms table, ``*`` marking estimates."""
    addends = " + ".join(f"{t.seconds:g}" + ("*" if t.estimate else "") for t in b.terms)
    return f"**{b.total_seconds:g} s** = {addends}"
