"""failoverkit's CrossGuard policies: no critical workload in a single provider or region.

Stands alone (depends on pulumi-policy only, never on failoverkit) so the pack
installs fast in CI. ``POLICIES`` is what ``policies/__main__.py`` serves.
"""

from __future__ import annotations

from failoverkit_policies import (
    dns_failure_domain,
    dns_health_checked,
    multi_provider,
    multi_region,
    placement_known,
    ttl_bounded,
    within_rto,
)
from failoverkit_policies.base import FailoverPolicy

PACK_NAME = "failoverkit"

POLICIES: list[FailoverPolicy] = [
    multi_provider.POLICY,
    multi_region.POLICY,
    placement_known.POLICY,
    dns_health_checked.POLICY,
    within_rto.POLICY,
    ttl_bounded.POLICY,
    dns_failure_domain.POLICY,
]

__all__ = ["PACK_NAME", "POLICIES", "FailoverPolicy"]
