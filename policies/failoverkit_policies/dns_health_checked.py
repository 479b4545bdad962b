"""failover-dns-health-checked: every endpoint of a critical failover is health-checked and pre-provisioned."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ReportViolation, Severity

from failoverkit_policies.base import Context, FailoverPolicy, first_urn
from failoverkit_policies.failover_dns import critical_setups

ID = "failover-dns-health-checked"

NOT_CHECKED = (
    "Failover {setup} of {owner}: {endpoint} has no health check, so DNS keeps sending users to it after it fails. "
    "Add {hint}."
)
NOT_PROVISIONED = (
    "Failover {setup} of {owner}: {endpoint} is not pre-provisioned (no target, or disabled). Primary and standbys "
    "must all exist and be enabled before the outage: failover cannot wait for a deployment."
)
TOO_FEW = (
    "Failover {setup} of {owner} has {count} endpoint(s); it needs a primary and at least one standby, "
    "each pre-provisioned and health-checked."
)
NO_FAILOVER = (
    'Critical workload "{workload}" {runs}: no Route 53 failover '
    "records, Traffic Manager profile, Cloudflare load balancer, Cloud DNS primary-backup record set or failoverkit "
    "local DNS was found for it. Put its targets behind one, e.g. failoverkit's FailoverApp with dns.provider, "
    "and tag it {wkey}={workload}."
)
UNLINKED = (
    " Failover DNS for {hostnames} was found, but nothing links it to this workload: tag its records or health "
    "checks {wkey}={workload}, or point them at the workload's own resources."
)


def check(ctx: Context, report: ReportViolation) -> None:
    setups = critical_setups(ctx.setups, ctx.workloads)
    for s in setups:
        owner = f'critical workload "{s.workload}"' if s.workload else "an unattributed hostname"
        for e in s.endpoints:
            if e.health_checked is False:
                report(
                    NOT_CHECKED.format(setup=s.describe(), owner=owner, endpoint=e.label, hint=s.health_check_hint),
                    s.resource.urn,
                )
            if not e.provisioned:
                report(NOT_PROVISIONED.format(setup=s.describe(), owner=owner, endpoint=e.label), s.resource.urn)
        if len(s.endpoints) < 2:
            report(TOO_FEW.format(setup=s.describe(), owner=owner, count=len(s.endpoints)), s.resource.urn)

    fronted = {s.workload for s in setups}
    unlinked = sorted({s.hostname for s in ctx.setups if s.workload is None})
    wkey = ctx.config.workload_tag_key
    for w in ctx.workloads.values():
        if w.name not in fronted:
            urn = first_urn(*(a.urn for a in w.apps), w.blamed_compute_urn(), w.resources[0].urn)
            runs = (
                f"runs at {w.where()}, but no health-checked failover DNS fronts it"
                if w.placements()
                else "has no compute the pack can see, and no health-checked failover DNS fronts it either"
            )
            message = NO_FAILOVER.format(workload=w.name, runs=runs, wkey=wkey)
            if unlinked:
                message += UNLINKED.format(hostnames=", ".join(unlinked), wkey=wkey, workload=w.name)
            report(message, urn)


POLICY = FailoverPolicy(
    name=ID,
    description=(
        "Every endpoint of a critical workload's failover DNS record must be health-checked, "
        "and primary and standbys must all be pre-provisioned."
    ),
    check=check,
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    remediation_steps=(
        "Give every failover endpoint a health check (Route 53 health_check_id, Traffic Manager monitorConfig, "
        "Cloudflare pool monitor, Cloud DNS routingPolicy.healthCheck) and provision every standby before it is needed."
    ),
)
