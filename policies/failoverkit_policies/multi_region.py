"""critical-workload-multi-region: a critical workload's compute spans >= minRegions distinct regions."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ReportViolation, Severity

from failoverkit_policies.base import Context, FailoverPolicy, first_urn, plural

ID = "critical-workload-multi-region"

MESSAGE = (
    'Critical workload "{workload}" runs in {regions}. It needs compute in at least {minimum} '
    "distinct regions so that one region's outage cannot take it down: add a standby target in another region "
    "(preferably on another provider) behind the health-checked failover DNS record."
)
UNKNOWN_NOTE = " Compute whose region is unknown is not counted: {where}; critical-workload-placement-known reports it."


def check(ctx: Context, report: ReportViolation) -> None:
    minimum = ctx.config.min_regions
    for w in ctx.workloads.values():
        places = w.placements()
        if not places:
            continue  # critical-workload-multi-provider reports a workload without compute
        regions = sorted({f"{cloud}/{region}" for cloud, region, _ in places if region})
        if len(regions) >= minimum:
            continue
        # Only the places whose region is known are places; the rest are named apart, by cloud.
        known = [p for p in places if p[1]]
        message = MESSAGE.format(
            workload=w.name,
            regions=f"{plural(len(regions), 'region')}: {w.where(known)}" if known else "no region the pack knows",
            minimum=minimum,
        )
        unknown: dict[str, list[str]] = {}
        for cloud, region, what in places:
            if not region and what not in unknown.setdefault(cloud, []):
                unknown[cloud].append(what)
        if unknown:
            where = ", ".join(f"{cloud} ({', '.join(names)})" for cloud, names in sorted(unknown.items()))
            message += UNKNOWN_NOTE.format(where=where)
        report(message, first_urn(w.blamed_compute_urn(), *(a.urn for a in w.apps)))


POLICY = FailoverPolicy(
    name=ID,
    description="A critical workload's compute must span at least minRegions distinct regions.",
    check=check,
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.CRITICAL,
    remediation_steps=(
        "Deploy a pre-provisioned standby of the workload in another region (failoverkit: add a target in another "
        "region to failoverkit:targets) behind health-checked failover DNS."
    ),
    config_keys=("minRegions",),
)
