"""Cloud DNS routing policies with Compute Engine health checks: limits, defaults, both budgets, with sources.

Sources:
- [RP] Google Cloud, "DNS routing policies and health checks"
  (https://cloud.google.com/dns/docs/routing-policies-overview): health checking and failover of routing
  policies for internal load balancers and external endpoints (public IPs); Cloud DNS drops an endpoint that
  fails its health check from the answer.
- [HC] Compute Engine API, ``HealthCheck`` (https://cloud.google.com/compute/docs/reference/rest/v1/healthChecks;
  the pulumi-gcp ``compute.HealthCheck`` docstrings say the same): ``sourceRegions``: "If any regions are
  specified, then exactly 3 regions should be specified" and then "The checkIntervalSec field must be at least
  30"; ``timeoutSec`` defaults to 5 and "It is invalid for timeoutSec to have greater value than
  checkIntervalSec"; ``unhealthyThreshold``/``healthyThreshold``: consecutive failures/successes that flip an
  endpoint (default 2).
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
    whole,
)

NAME = "cloud-dns"
SOURCE_REGIONS = 3
"""A health check with source regions names exactly three [HC]."""
MIN_INTERVAL_SECONDS = 30
"""With source regions, checkIntervalSec is at least 30 [HC]."""
MAX_INTERVAL_SECONDS = 300
PROPAGATION_SECONDS = 30.0

DEFAULTS = HealthCheck(MIN_INTERVAL_SECONDS, 2, 5, 2)
"""Interval 30 s (the minimum with source regions), timeout 5 s and thresholds 2: Compute Engine's defaults [HC]."""
LIMITS = Limits(
    interval="30-300, whole (default 30)",
    failure_threshold="1-10 = unhealthyThreshold (default 2)",
    recovery_threshold="1-10 = healthyThreshold (default as failure threshold)",
    timeout="1 to interval, whole (default 5)",
    ttl="0-2147483647",
)
FASTEST = Fastest(HealthCheck(MIN_INTERVAL_SECONDS, 1, 1, 1), ttl_seconds=0)


def health_check(
    interval_seconds: float | None,
    failure_threshold: int | None,
    timeout_seconds: float | None,
    recovery_threshold: int | None,
) -> HealthCheck:
    return fill(DEFAULTS, interval_seconds, failure_threshold, timeout_seconds, recovery_threshold)


def validate(hc: HealthCheck, ttl_seconds: int, context: Context) -> list[str]:
    who = context.who
    problems = in_range("intervalSeconds", hc.interval_seconds, MIN_INTERVAL_SECONDS, MAX_INTERVAL_SECONDS, who)
    problems += in_range("failureThreshold", hc.failure_threshold, 1, 10, who)
    problems += in_range("recoveryThreshold", hc.recovery_threshold, 1, 10, who)
    problems += whole("intervalSeconds", hc.interval_seconds, who)
    problems += whole("timeoutSeconds", hc.timeout_seconds, who)
    if hc.timeout_seconds > hc.interval_seconds:
        problems.append(
            f"healthCheck.timeoutSeconds: {who} needs timeout <= interval ({hc.interval_seconds:g}), "
            f"got {hc.timeout_seconds:g}"
        )
    problems += ttl_range(ttl_seconds, 0, 2147483647, who)
    return problems


_HC = "Compute Engine API HealthCheck"


def failover(hc: HealthCheck, ttl_seconds: float, proxied: bool) -> Budget:
    return Budget(
        NAME,
        FAILOVER,
        (
            Term(
                "detection",
                hc.failure_threshold * hc.interval_seconds,
                f"probes every checkIntervalSec from {SOURCE_REGIONS} source regions; unhealthy after "
                f"unhealthyThreshold consecutive failures [{_HC}; DNS routing policies and health checks]",
            ),
            Term("check timeout", hc.timeout_seconds, f"the last failing probe waits timeoutSec [{_HC}]"),
            propagation(NAME, PROPAGATION_SECONDS),
            ttl_term(ttl_seconds, "the record set's TTL"),
        ),
        "lower dns.ttl or failureThreshold (the interval cannot go below 30 s on cloud-dns), or raise rtoSeconds",
    )


def failback(hc: HealthCheck, ttl_seconds: float, proxied: bool) -> Budget:
    return Budget(
        NAME,
        FAILBACK,
        (
            Term(
                "recovery",
                hc.recovery_threshold * hc.interval_seconds,
                f"healthy again after healthyThreshold consecutive successes, checkIntervalSec apart [{_HC}]",
            ),
            Term(
                "check timeout",
                hc.timeout_seconds,
                f"a probe in flight when the origin recovers may still fail after timeoutSec [{_HC}]",
            ),
            propagation(NAME, PROPAGATION_SECONDS),
            ttl_term(ttl_seconds, "resolvers may serve the standby's answer for one TTL of the record set"),
        ),
        "lower dns.ttl or recoveryThreshold (the interval cannot go below 30 s on cloud-dns)",
    )
