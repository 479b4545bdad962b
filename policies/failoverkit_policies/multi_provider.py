"""critical-workload-multi-provider: a critical workload's compute spans >= minProviders providers."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ReportViolation, Severity

from failoverkit_policies.base import Context, FailoverPolicy, first_urn, plural

ID = "critical-workload-multi-provider"
CLOUDS = ("aws", "gcp", "azure")

MESSAGE = (
    'Critical workload "{workload}" runs on {count}: {providers} ({where}). It needs compute on at least {minimum} '
    "providers so that one provider's outage cannot take it down: add a standby target on {suggest} and put it "
    "behind the health-checked failover DNS record."
)
NO_COMPUTE = (
    'Critical workload "{workload}" has no compute the pack can see (containers, VMs, functions, clusters). '
    "Tag the resources that run it with {wkey}={workload} and {ckey}={criticality}, on at least {minimum} providers."
)


def check(ctx: Context, report: ReportViolation) -> None:
    minimum = ctx.config.min_providers
    for w in ctx.workloads.values():
        places = w.placements()
        urn = first_urn(w.blamed_compute_urn(), *(a.urn for a in w.apps), w.resources[0].urn)
        if not places:
            args = {"wkey": ctx.config.workload_tag_key, "ckey": ctx.config.criticality_tag_key}
            report(NO_COMPUTE.format(workload=w.name, criticality=w.criticality, minimum=minimum, **args), urn)
            continue
        providers = sorted({cloud for cloud, _, _ in places})
        if len(providers) >= minimum:
            continue
        others = [c for c in CLOUDS if c not in providers]
        suggest = " or ".join(others) if others else "another provider"
        report(
            MESSAGE.format(
                workload=w.name,
                count=plural(len(providers), "provider"),
                providers=", ".join(providers),
                where=w.where(),
                minimum=minimum,
                suggest=suggest,
            ),
            urn,
        )


POLICY = FailoverPolicy(
    name=ID,
    description="A critical workload's compute must span at least minProviders cloud providers.",
    check=check,
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.CRITICAL,
    remediation_steps=(
        "Deploy a pre-provisioned standby of the workload on another cloud provider (failoverkit: add a target "
        "with another cloud to failoverkit:targets) behind health-checked failover DNS."
    ),
    config_keys=("minProviders",),
)
