"""critical-workload-placement-known: fail closed when a critical resource's provider or region is undeterminable."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ReportViolation, Severity

from failoverkit_policies.base import Context, FailoverPolicy

ID = "critical-workload-placement-known"

MESSAGE = (
    'Resource {resource} of critical workload "{workload}" has no determinable region, so the pack cannot prove '
    "the workload survives a regional outage: {why}."
)
UNPLACEABLE = (
    'Resource {resource} of critical workload "{workload}" cannot be placed: its provider package "{package}" is '
    "not one the pack can place (aws, gcp, azure, failoverkit local targets). Carry the {wkey}/{ckey} tags on the "
    "cloud resources that run it, or run it on aws, gcp or azure."
)


def check(ctx: Context, report: ReportViolation) -> None:
    keys = {"wkey": ctx.config.workload_tag_key, "ckey": ctx.config.criticality_tag_key}
    for w in ctx.workloads.values():
        for res, place in w.compute:
            if place.cloud is None or place.region is None:
                report(MESSAGE.format(resource=res.label(), workload=w.name, why=place.source), res.urn)
        for res in w.unplaceable:
            report(UNPLACEABLE.format(resource=res.label(), workload=w.name, package=res.package, **keys), res.urn)


POLICY = FailoverPolicy(
    name=ID,
    description="Every critical resource's provider and region must be determinable (fail closed).",
    check=check,
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    remediation_steps=(
        "Make the region explicit: set aws:region / gcp:region / azure-native:location in the stack config, pass an "
        "explicit provider with a region, or set the resource's region/location property to a literal value."
    ),
)
