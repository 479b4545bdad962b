"""dns-ttl-bounded: health-checked failover records have TTL <= maxTtlSeconds."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ReportViolation, Severity

from failoverkit_policies.base import Context, FailoverPolicy
from failoverkit_policies.props import fmt

ID = "dns-ttl-bounded"

MESSAGE = (
    "Health-checked failover {setup} has a TTL of {ttl} s, above maxTtlSeconds {maximum} s: resolvers keep sending "
    "users to a failed endpoint for up to one TTL after DNS has moved. Set its TTL to {maximum} s or less."
)


def check(ctx: Context, report: ReportViolation) -> None:
    maximum = ctx.config.max_ttl_seconds
    for s in ctx.setups:
        ttl = s.ttl.seconds
        if ttl is not None and ttl > maximum:
            report(MESSAGE.format(setup=s.describe(), ttl=fmt(ttl), maximum=fmt(maximum)), s.ttl_resource.urn)


POLICY = FailoverPolicy(
    name=ID,
    description="Health-checked failover records must have a TTL of at most maxTtlSeconds.",
    check=check,
    enforcement_level=EnforcementLevel.ADVISORY,
    severity=Severity.MEDIUM,
    remediation_steps="Lower the TTL of the health-checked record (failoverkit: dns.ttl) to maxTtlSeconds or less.",
    config_keys=("maxTtlSeconds",),
)
