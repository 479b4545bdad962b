"""Cloudflare Load Balancing: limits, defaults, failover and failback budgets, each figure with its source.

Sources:
- [PLAN] Cloudflare Load Balancing, "Create monitors"
  (https://developers.cloudflare.com/load-balancing/monitors/create-monitor/): the monitor interval's
  "Minimum time in seconds is 60 (Pro), 15 (Business), and 10 (Enterprise)"; a check is unhealthy once it
  exceeds Timeout more times than Retries.
- [API] Cloudflare API, "Load Balancer Monitors"
  (https://developers.cloudflare.com/api/resources/load_balancers/subresources/monitors/): interval (default 60),
  timeout (default 5), retries (default 2; "Retries are attempted immediately"), consecutive_down and
  consecutive_up (default 0): "To be marked unhealthy [healthy] the monitored origin must fail [pass] this
  healthcheck N consecutive times".
- [LB] pulumi-cloudflare LoadBalancer: ``ttl`` "only applies to gray-clouded (unproxied) load balancers".
"""

from __future__ import annotations

from failoverkit.budget._model import (
    FAILBACK,
    FAILOVER,
    Budget,
    Context,
    Fastest,
    HealthCheck,
    Limits,
    Term,
    fill,
    in_range,
    propagation,
    ttl_term,
    whole,
)

NAME = "cloudflare"
PLAN_MINIMUM_INTERVAL_SECONDS = {"pro": 60, "business": 15, "enterprise": 10}
"""The monitor's minimum interval per zone plan [PLAN]."""
PLANS = tuple(PLAN_MINIMUM_INTERVAL_SECONDS)
DEFAULT_PLAN = "pro"
"""The plan assumed when ``dns.plan`` is unset: the strictest documented minimum (60 s)."""
MAX_INTERVAL_SECONDS = 3600
RETRIES = 1
"""Immediate retries of a timed-out check before it counts as failed (the kit sets 1; the API's default is 2)."""
TTL_RANGE = (30, 86400)
"""TTL of a DNS-only load balancer."""
PROPAGATION_SECONDS = 10.0

DEFAULTS = HealthCheck(60, 2, 5, 2)
"""The API's interval (60 s) and timeout (5 s) [API]; consecutive_down/up 2 (the API's 0 means a single check)."""
LIMITS = Limits(
    interval="plan minimum 60 (pro), 15 (business), 10 (enterprise) to 3600, whole (default 60)",
    failure_threshold="1-10 = consecutive_down (default 2)",
    recovery_threshold="1-10 = consecutive_up (default as failure threshold)",
    timeout="1-10, whole, timeout x (1 + 1 retry) < interval (default 5)",
    ttl="DNS-only: 30-86400; proxied: none",
)
FASTEST = Fastest(HealthCheck(10, 1, 1, 1), ttl_seconds=30, proxied=True, plan="enterprise")


def health_check(
    interval_seconds: float | None,
    failure_threshold: int | None,
    timeout_seconds: float | None,
    recovery_threshold: int | None,
) -> HealthCheck:
    return fill(DEFAULTS, interval_seconds, failure_threshold, timeout_seconds, recovery_threshold)


def minimum_interval(plan: str | None) -> int:
    return PLAN_MINIMUM_INTERVAL_SECONDS.get(plan or DEFAULT_PLAN, PLAN_MINIMUM_INTERVAL_SECONDS[DEFAULT_PLAN])


def validate(hc: HealthCheck, ttl_seconds: int, context: Context) -> list[str]:
    who = context.who
    plan = context.plan or DEFAULT_PLAN
    low = minimum_interval(plan)
    problems = []
    if not low <= hc.interval_seconds <= MAX_INTERVAL_SECONDS:
        unset = "" if context.plan else " (dns.plan unset)"
        problems.append(
            f"healthCheck.intervalSeconds: {who} allows {low} to {MAX_INTERVAL_SECONDS} on the {plan} plan{unset} "
            f"(monitor minimum: 60 pro, 15 business, 10 enterprise), got {hc.interval_seconds:g}"
        )
    problems += whole("intervalSeconds", hc.interval_seconds, who)
    problems += in_range("failureThreshold", hc.failure_threshold, 1, 10, who)
    problems += in_range("recoveryThreshold", hc.recovery_threshold, 1, 10, who)
    problems += in_range("timeoutSeconds", hc.timeout_seconds, 1, 10, who)
    problems += whole("timeoutSeconds", hc.timeout_seconds, who)
    # A timed-out check is retried at once; check and retry must end before the next check starts, or checks
    # overlap and detection is slower than failureThreshold x interval.
    if hc.timeout_seconds * (1 + RETRIES) >= hc.interval_seconds:
        problems.append(
            f"healthCheck.timeoutSeconds: {who} retries a timed-out check {RETRIES} time at once, so timeout x "
            f"{1 + RETRIES} must stay below the interval ({hc.interval_seconds:g}), got {hc.timeout_seconds:g}"
        )
    low_ttl, high_ttl = TTL_RANGE
    if not context.proxied and not low_ttl <= ttl_seconds <= high_ttl:
        problems.append(
            f"ttl: {who} DNS-only load balancers allow {low_ttl} to {high_ttl} (Cloudflare does not document the "
            f"TTL it answers with when unset), got {ttl_seconds}"
        )
    return problems


def _ttl(ttl_seconds: float, proxied: bool) -> Term:
    if proxied:
        return Term(
            "ttl", 0.0, "proxied: resolvers hold Cloudflare's anycast addresses; the edge switches pools itself [LB]"
        )
    return ttl_term(ttl_seconds, "the DNS-only load balancer's TTL [LB]")


def _check_timeout(hc: HealthCheck, why: str) -> Term:
    return Term(
        "check timeout",
        hc.timeout_seconds * (1 + RETRIES),
        f"{why}: a timed-out check is retried at once {RETRIES} time, each waiting `timeout` "
        "[Cloudflare API, Load Balancer Monitors: retries]",
    )


def failover(hc: HealthCheck, ttl_seconds: float, proxied: bool) -> Budget:
    return Budget(
        NAME,
        FAILOVER,
        (
            Term(
                "detection",
                hc.failure_threshold * hc.interval_seconds,
                "the monitor checks every `interval`; an origin is down after `consecutive_down` failed checks "
                "[Cloudflare API, Load Balancer Monitors]",
            ),
            _check_timeout(hc, "the last failing check"),
            propagation(NAME, PROPAGATION_SECONDS),
            _ttl(ttl_seconds, proxied),
        ),
        "lower dns.healthCheck.intervalSeconds (dns.plan sets the minimum), failureThreshold or dns.ttl, "
        "set dns.proxied, or raise rtoSeconds",
    )


def failback(hc: HealthCheck, ttl_seconds: float, proxied: bool) -> Budget:
    return Budget(
        NAME,
        FAILBACK,
        (
            Term(
                "recovery",
                hc.recovery_threshold * hc.interval_seconds,
                "an origin is up again after `consecutive_up` passed checks, `interval` apart "
                "[Cloudflare API, Load Balancer Monitors]",
            ),
            _check_timeout(hc, "a check in flight when the origin recovers may still fail"),
            propagation(NAME, PROPAGATION_SECONDS),
            _ttl(ttl_seconds, proxied),
        ),
        "lower dns.healthCheck.intervalSeconds (dns.plan sets the minimum), recoveryThreshold or dns.ttl, "
        "or set dns.proxied",
    )
