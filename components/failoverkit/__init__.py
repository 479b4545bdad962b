"""failoverkit: deploy one containerised app to two or more clouds behind health-checked failover DNS.

Public API (see ``__all__``); everything else is private and may change.
"""

from failoverkit.app import FailoverApp
from failoverkit.budget import Budget, HealthCheck, failback_budget, failover_budget
from failoverkit.errors import CheckError, ConfigError, DrillError, EngineError, FailoverKitError
from failoverkit.spec import (
    AppArgs,
    Cloud,
    Criticality,
    DnsArgs,
    DnsProvider,
    DrillFault,
    DrillFaultArgs,
    DrillFaultKind,
    FailoverAppArgs,
    FailoverSpec,
    HealthCheckArgs,
    TargetArgs,
    parse_spec,
)

__all__ = [
    "AppArgs",
    "Budget",
    "CheckError",
    "Cloud",
    "ConfigError",
    "Criticality",
    "DnsArgs",
    "DnsProvider",
    "DrillError",
    "DrillFault",
    "DrillFaultArgs",
    "DrillFaultKind",
    "EngineError",
    "FailoverApp",
    "FailoverAppArgs",
    "FailoverKitError",
    "FailoverSpec",
    "HealthCheck",
    "HealthCheckArgs",
    "TargetArgs",
    "failback_budget",
    "failover_budget",
    "parse_spec",
]
