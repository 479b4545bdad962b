"""The tags every taggable resource carries (contract: the policy pack finds workloads by them)."""

from __future__ import annotations

from failoverkit.spec import AppSpec

MANAGED_BY = "failoverkit"


def workload_tags(app: AppSpec) -> dict[str, str]:
    """``workload``, ``criticality`` and ``managed-by``; valid as AWS/Azure tags and GCP labels alike."""
    return {"workload": app.name, "criticality": app.criticality.value, "managed-by": MANAGED_BY}
