"""Azure Traffic Manager: limits, defaults, failover and failback budgets, each figure with its source.

Source: Microsoft Learn, "Traffic Manager endpoint monitoring"
(https://learn.microsoft.com/azure/traffic-manager/traffic-manager-monitoring):
- probing interval 30 s (default) or 10 s (fast probing);
- tolerated number of failures 0-9, default 3: an endpoint is unhealthy after one more consecutive failure;
- probe timeout: "If the Probing Interval is set to 30 seconds, then you can set the Timeout value between 5 and
  10 seconds. If no value is specified, it uses a default value of 10 seconds. If the Probing Interval is set to
  10 seconds, then you can set the Timeout value between 5 and 9 seconds. If no Timeout value is specified, it
  uses a default value of 9 seconds.";
- recovery ("Endpoint failover and recovery", step 10): the next probe that gets 200 OK returns the endpoint to
  a healthy state. There is no recovery threshold: one success restores an endpoint.
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

NAME = "traffic-manager"
INTERVALS = (10, 30)
TIMEOUT_BANDS = {10: (5, 9), 30: (5, 10)}
"""Probe timeout (low, high) per probing interval."""
DEFAULT_TIMEOUT = {10: 9, 30: 10}
"""Traffic Manager's own default timeout per probing interval."""
RECOVERY_THRESHOLD = 1
"""One probe that gets 200 OK restores an endpoint."""
PROPAGATION_SECONDS = 10.0

DEFAULTS = HealthCheck(30, 4, DEFAULT_TIMEOUT[30], RECOVERY_THRESHOLD)
"""Interval 30 s, 3 tolerated failures (= failure threshold 4), timeout 10 s."""
LIMITS = Limits(
    interval="10 or 30 (default 30)",
    failure_threshold="1-10 = tolerated failures 0-9 (default 4)",
    recovery_threshold="none: one good probe restores (only 1 accepted)",
    timeout="5-10 at 30 s (default 10), 5-9 at 10 s (default 9)",
    ttl="0-2147483647",
)
FASTEST = Fastest(HealthCheck(10, 1, 5, RECOVERY_THRESHOLD), ttl_seconds=0)


def health_check(
    interval_seconds: float | None,
    failure_threshold: int | None,
    timeout_seconds: float | None,
    recovery_threshold: int | None,
) -> HealthCheck:
    interval = interval_seconds if interval_seconds is not None else DEFAULTS.interval_seconds
    if timeout_seconds is None:
        # Traffic Manager's own default depends on the interval; an interval it refuses keeps the 30 s default.
        timeout_seconds = DEFAULT_TIMEOUT.get(int(interval), DEFAULT_TIMEOUT[30])
    if recovery_threshold is None:
        recovery_threshold = RECOVERY_THRESHOLD
    return fill(DEFAULTS, interval_seconds, failure_threshold, timeout_seconds, recovery_threshold)


def validate(hc: HealthCheck, ttl_seconds: int, context: Context) -> list[str]:
    who = context.who
    problems = []
    if hc.interval_seconds not in INTERVALS:
        problems.append(f"healthCheck.intervalSeconds: {who} allows 10 or 30, got {hc.interval_seconds:g}")
    problems += in_range("failureThreshold", hc.failure_threshold, 1, 10, who)
    low, high = TIMEOUT_BANDS.get(int(hc.interval_seconds), TIMEOUT_BANDS[30])
    if not low <= hc.timeout_seconds <= high or hc.timeout_seconds != int(hc.timeout_seconds):
        problems.append(
            f"healthCheck.timeoutSeconds: {who} allows whole seconds {low} to {high} with a "
            f"{hc.interval_seconds:g} s interval, got {hc.timeout_seconds:g}"
        )
    # With a second provider the shared recoveryThreshold serves the other one; Traffic Manager simply has none.
    if context.alone and hc.recovery_threshold != RECOVERY_THRESHOLD:
        problems.append(
            f"healthCheck.recoveryThreshold: {who} has no recovery threshold (one probe that gets 200 OK restores "
            f"an endpoint); leave it unset or 1, got {hc.recovery_threshold}"
        )
    problems += ttl_range(ttl_seconds, 0, 2147483647, who)
    return problems


_MONITORING = "Traffic Manager endpoint monitoring"


def failover(hc: HealthCheck, ttl_seconds: float, proxied: bool) -> Budget:
    return Budget(
        NAME,
        FAILOVER,
        (
            Term(
                "detection",
                hc.failure_threshold * hc.interval_seconds,
                "probes every IntervalInSeconds; Degraded after ToleratedNumberOfFailures + 1 consecutive failed "
                f"probes [{_MONITORING}]",
            ),
            Term("check timeout", hc.timeout_seconds, f"the last failing probe waits TimeoutInSeconds [{_MONITORING}]"),
            propagation(NAME, PROPAGATION_SECONDS),
            ttl_term(
                ttl_seconds, "the profile's DNS TTL (dnsConfig.ttl); the zone's CNAME to the profile never changes"
            ),
        ),
        "lower dns.ttl, set dns.healthCheck.intervalSeconds to 10, lower failureThreshold or timeoutSeconds, "
        "or raise rtoSeconds",
    )


def failback(hc: HealthCheck, ttl_seconds: float, proxied: bool) -> Budget:
    return Budget(
        NAME,
        FAILBACK,
        (
            Term(
                "recovery",
                RECOVERY_THRESHOLD * hc.interval_seconds,
                f"the next probe that gets 200 OK restores the endpoint: no recovery threshold [{_MONITORING}, "
                "Endpoint failover and recovery]",
            ),
            Term(
                "check timeout",
                hc.timeout_seconds,
                f"a probe in flight when the origin recovers may still fail after TimeoutInSeconds [{_MONITORING}]",
            ),
            propagation(NAME, PROPAGATION_SECONDS),
            ttl_term(ttl_seconds, "resolvers may serve the standby's answer for one profile TTL (dnsConfig.ttl)"),
        ),
        "lower dns.ttl or set dns.healthCheck.intervalSeconds to 10",
    )
