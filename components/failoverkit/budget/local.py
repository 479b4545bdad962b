"""The local stack's DNS server: limits, defaults, failover and failback budgets.

Source: failoverkit's own checker loop (``failoverkit/localcloud/dnsserver.py``): it probes every target each
``intervalSeconds``, flips a target after ``failureThreshold`` consecutive failures or ``recoveryThreshold``
consecutive successes, and reads health state on every query (no propagation).
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
    ttl_term,
)

NAME = "local"
PROPAGATION_SECONDS = 0.0
"""The local DNS server reads health state on every query."""
DEFAULTS = HealthCheck(1, 2, 0.5, 2)
"""Fast, so a newcomer sees a failover in seconds."""
LIMITS = Limits(
    interval="0.1-300",
    failure_threshold="1-10 (default 2)",
    recovery_threshold="1-10 (default as failure threshold)",
    timeout="0.05-60, below interval (default 0.5)",
    ttl="any (default 1)",
)
FASTEST = Fastest(HealthCheck(0.1, 1, 0.05, 1), ttl_seconds=0)

_SOURCE = "failoverkit's local DNS checker (localcloud/dnsserver.py)"


def health_check(
    interval_seconds: float | None,
    failure_threshold: int | None,
    timeout_seconds: float | None,
    recovery_threshold: int | None,
) -> HealthCheck:
    return fill(DEFAULTS, interval_seconds, failure_threshold, timeout_seconds, recovery_threshold)


def validate(hc: HealthCheck, ttl_seconds: int, context: Context) -> list[str]:
    who = context.who
    problems = in_range("intervalSeconds", hc.interval_seconds, 0.1, 300, who)
    problems += in_range("failureThreshold", hc.failure_threshold, 1, 10, who)
    problems += in_range("recoveryThreshold", hc.recovery_threshold, 1, 10, who)
    problems += in_range("timeoutSeconds", hc.timeout_seconds, 0.05, 60, who)
    if hc.timeout_seconds >= hc.interval_seconds:
        problems.append(
            f"healthCheck.timeoutSeconds: {who} needs timeout below interval ({hc.interval_seconds:g}), "
            f"got {hc.timeout_seconds:g}"
        )
    return problems


def failover(hc: HealthCheck, ttl_seconds: float, proxied: bool) -> Budget:
    return Budget(
        NAME,
        FAILOVER,
        (
            Term(
                "detection",
                hc.interval_seconds * hc.failure_threshold,
                f"interval x failure threshold: the last good check ran just before the failure [{_SOURCE}]",
            ),
            Term("check timeout", hc.timeout_seconds, f"the failing check itself waits this long [{_SOURCE}]"),
            ttl_term(ttl_seconds, "resolvers may serve the cached answer for one TTL"),
        ),
        "lower dns.ttl, dns.healthCheck.intervalSeconds or failureThreshold, or raise rtoSeconds",
    )


def failback(hc: HealthCheck, ttl_seconds: float, proxied: bool) -> Budget:
    return Budget(
        NAME,
        FAILBACK,
        (
            Term(
                "recovery",
                hc.interval_seconds * hc.recovery_threshold,
                f"interval x recovery threshold successful checks [{_SOURCE}]",
            ),
            Term(
                "check timeout",
                hc.timeout_seconds,
                f"a check in flight when the target recovers may still fail [{_SOURCE}]",
            ),
            ttl_term(ttl_seconds, "resolvers may serve the standby's answer for one TTL"),
        ),
        "lower dns.ttl, dns.healthCheck.intervalSeconds or recoveryThreshold",
    )
