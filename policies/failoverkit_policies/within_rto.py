"""failover-within-rto: the worst-case failover time, from health-check settings and TTL, fits in rtoSeconds."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ReportViolation, Severity

from failoverkit_policies.base import Context, FailoverPolicy
from failoverkit_policies.failover_dns import critical_setups
from failoverkit_policies.props import fmt

ID = "failover-within-rto"

MESSAGE = (
    "Failover {setup} of {owner} can take up to {total} s, above the RTO of {rto} s ({source}): {formula}. "
    "Lower the TTL, the health-check interval or failure threshold, or raise the RTO."
)
PARTLY_UNKNOWN = (
    "Failover {setup} of {owner} takes at least {total} s before counting {unknown} (not known until the update "
    "runs), above the RTO of {rto} s ({source}): {formula}. Lower the TTL, the health-check interval or failure "
    "threshold, or raise the RTO."
)


def check(ctx: Context, report: ReportViolation) -> None:
    for s in critical_setups(ctx.setups, ctx.workloads):
        rto, source = ctx.config.rto_seconds, "policy config rtoSeconds"
        workload = ctx.workloads.get(s.workload or "")
        declared = workload.declared_rto_seconds if workload else None
        if workload is not None and declared is not None and declared < rto:
            rto, source = declared, f'the workload\'s own rtoSeconds in its FailoverApp "{workload.apps[0].name}"'
        total = s.known_seconds
        if total <= rto:
            continue  # unknown terms only add time: with them unknown, the bound is not provably broken
        owner = f'critical workload "{s.workload}"' if s.workload else "an unattributed hostname"
        fields = {"setup": s.describe(), "owner": owner, "total": fmt(total), "rto": fmt(rto), "source": source}
        if s.unknown_terms:
            unknown = ", ".join(t.name for t in s.unknown_terms)
            report(PARTLY_UNKNOWN.format(unknown=unknown, formula=s.formula(), **fields), s.resource.urn)
        else:
            report(MESSAGE.format(formula=s.formula(), **fields), s.resource.urn)


POLICY = FailoverPolicy(
    name=ID,
    description="The worst-case failover time (detection, timeouts, propagation, TTL) must not exceed rtoSeconds.",
    check=check,
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    remediation_steps=(
        "Shorten detection (health-check interval x failure threshold), the check timeout or the record TTL "
        "until the worst case fits in the RTO, or agree a longer RTO (policy config rtoSeconds)."
    ),
    config_keys=("rtoSeconds",),
)
