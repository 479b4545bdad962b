"""Route 53: limits, defaults, failover and failback budgets, each figure with its source.

Sources:
- [HC] Route 53 API Reference, "HealthCheckConfig"
  (https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html): RequestInterval 10 or 30,
  "the number of seconds between the time that Amazon Route 53 gets a response from your endpoint and the time
  that it sends the next health check request"; FailureThreshold 1-10, the consecutive checks an endpoint "must
  pass or fail for Amazon Route 53 to change the current status of the endpoint from unhealthy to healthy or
  vice versa" (one threshold both ways).
- [HOW] Route 53 Developer Guide, "How Amazon Route 53 determines whether a health check is healthy"
  (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html):
  an HTTP(S) check must connect within 4 s and get a status within 2 s more; the endpoint is healthy while more
  than 18 % of checkers report it healthy.

Route 53's only published propagation figure ("changes propagate to all Route 53 authoritative DNS servers
within 60 seconds", Route 53 FAQs) is for record changes made through the API; a health-check flip changes no
record, so the model keeps an allowance for it and marks it as an estimate.
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
    ttl_range,
    ttl_term,
)

NAME = "route53"
CONNECT_TIMEOUT_SECONDS = 4
"""An HTTP(S) check must connect within 4 s [HOW] ..."""
RESPONSE_TIMEOUT_SECONDS = 2
"""... and get a 2xx/3xx status within 2 s of connecting [HOW]."""
CHECK_TIMEOUT_SECONDS = CONNECT_TIMEOUT_SECONDS + RESPONSE_TIMEOUT_SECONDS
INTERVALS = (10, 30)
PROPAGATION_SECONDS = 10.0

DEFAULTS = HealthCheck(30, 3, CHECK_TIMEOUT_SECONDS, 3)
"""Route 53's standard interval 30 s and failure threshold 3 [HC]; the check timeout is fixed [HOW]."""
LIMITS = Limits(
    interval="10 or 30 (default 30)",
    failure_threshold="1-10 (default 3)",
    recovery_threshold="= failure threshold (one threshold both ways)",
    timeout="fixed: 4 connect + 2 reply",
    ttl="0-2147483647",
)
FASTEST = Fastest(HealthCheck(10, 1, CHECK_TIMEOUT_SECONDS, 1), ttl_seconds=0)


def health_check(
    interval_seconds: float | None,
    failure_threshold: int | None,
    timeout_seconds: float | None,
    recovery_threshold: int | None,
) -> HealthCheck:
    return fill(DEFAULTS, interval_seconds, failure_threshold, timeout_seconds, recovery_threshold)


def validate(hc: HealthCheck, ttl_seconds: int, context: Context) -> list[str]:
    who = context.who
    problems = []
    if hc.interval_seconds not in INTERVALS:
        problems.append(f"healthCheck.intervalSeconds: {who} allows 10 or 30, got {hc.interval_seconds:g}")
    problems += in_range("failureThreshold", hc.failure_threshold, 1, 10, who)
    # Route 53 has no recovery threshold (one threshold both ways) and a fixed timeout: alone, it refuses other
    # values; with a second provider those knobs serve the other one, and Route 53's budgets use its own figures.
    if context.alone:
        if hc.recovery_threshold != hc.failure_threshold:
            problems.append(
                f"healthCheck.recoveryThreshold: {who} uses failureThreshold ({hc.failure_threshold}) both ways, "
                f"got {hc.recovery_threshold}"
            )
        if hc.timeout_seconds != CHECK_TIMEOUT_SECONDS:
            problems.append(
                f"healthCheck.timeoutSeconds: {who} fixes the check timeout at {CHECK_TIMEOUT_SECONDS} "
                f"({CONNECT_TIMEOUT_SECONDS} s connect + {RESPONSE_TIMEOUT_SECONDS} s reply); "
                f"leave it unset, got {hc.timeout_seconds:g}"
            )
    problems += ttl_range(ttl_seconds, 0, 2147483647, who)
    return problems


_TTL = (
    "the failover CNAME's TTL; alias hops of a 3+ target chain add none (aliases carry the target's TTL and "
    "evaluate the same health checks)"
)
_ADVICE = "lower dns.ttl, set dns.healthCheck.intervalSeconds to 10 or lower failureThreshold, or raise rtoSeconds"


def failover(hc: HealthCheck, ttl_seconds: float, proxied: bool) -> Budget:
    threshold = hc.failure_threshold
    return Budget(
        NAME,
        FAILOVER,
        (
            Term(
                "detection",
                threshold * hc.interval_seconds,
                "FailureThreshold consecutive failures, RequestInterval apart, the interval running from a response "
                "to the next request [Route 53 API HealthCheckConfig]; checkers are uncoordinated and the endpoint "
                "turns unhealthy once more than 82 % of them agree, so the slowest checker sets the pace "
                "[How Route 53 determines whether a health check is healthy]",
            ),
            Term(
                "check timeouts",
                threshold * CHECK_TIMEOUT_SECONDS,
                "each failing check may take 4 s to connect + 2 s for the status, and the interval starts after it "
                "[How Route 53 determines whether a health check is healthy]",
            ),
            propagation(NAME, PROPAGATION_SECONDS),
            ttl_term(ttl_seconds, _TTL),
        ),
        _ADVICE,
    )


def failback(hc: HealthCheck, ttl_seconds: float, proxied: bool) -> Budget:
    # Route 53 has no recovery threshold: FailureThreshold counts successes too, whatever recoveryThreshold says.
    threshold = hc.failure_threshold
    return Budget(
        NAME,
        FAILBACK,
        (
            Term(
                "recovery",
                threshold * hc.interval_seconds,
                "FailureThreshold consecutive successes, RequestInterval apart, turn the endpoint healthy again "
                "[Route 53 API HealthCheckConfig]",
            ),
            Term(
                "check timeout",
                float(CHECK_TIMEOUT_SECONDS),
                "a check in flight when the origin recovers may still fail after 4 s + 2 s "
                "[How Route 53 determines whether a health check is healthy]",
            ),
            propagation(NAME, PROPAGATION_SECONDS),
            ttl_term(ttl_seconds, "resolvers may serve the standby's answer for one TTL of the failover CNAME"),
        ),
        "lower dns.ttl, set dns.healthCheck.intervalSeconds to 10 or lower failureThreshold",
    )
