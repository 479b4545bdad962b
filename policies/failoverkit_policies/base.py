"""What every policy of the pack shares: config parsing, the stack model and the policy factory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from failoverkit_policies.config import PackConfig, PolicyConfigError, parse_config, schema_properties
from failoverkit_policies.failover_dns import FailoverSetup, assign_workloads, failover_setups
from failoverkit_policies.model import Model
from failoverkit_policies.workloads import Workload, critical_workloads


@dataclass
class Context:
    """One stack, analysed once per policy run."""

    config: PackConfig
    model: Model

    @cached_property
    def workloads(self) -> dict[str, Workload]:
        return critical_workloads(self.model, self.config)

    @cached_property
    def setups(self) -> list[FailoverSetup]:
        return assign_workloads(failover_setups(self.model), self.workloads, self.config)


Check = Callable[[Context, ReportViolation], None]


class FailoverPolicy(StackValidationPolicy):
    """A stack policy of the pack: ``check(ctx, report)`` plus its metadata."""

    check: Check

    def __init__(
        self,
        *,
        name: str,
        description: str,
        check: Check,
        enforcement_level: EnforcementLevel,
        severity: Severity,
        remediation_steps: str,
        config_keys: tuple[str, ...] = (),
    ) -> None:
        self.check = check
        super().__init__(
            name=name,
            description=description,
            validate=self._validate,
            enforcement_level=enforcement_level,
            config_schema=PolicyConfigSchema(schema_properties(*config_keys)),
            severity=severity,
            remediation_steps=remediation_steps,
            tags=["failoverkit", "resilience"],
        )

    def _validate(self, args: StackValidationArgs, report: ReportViolation) -> None:
        try:
            config = parse_config(args.get_config())
        except PolicyConfigError as e:
            report(str(e), None)
            return
        self.check(Context(config, Model.from_args(args)), report)

    def run(self, args: StackValidationArgs) -> list[tuple[str, str | None]]:
        """Violations as (message, urn): for tests and offline runners."""
        found: list[tuple[str, str | None]] = []

        def report(message: str, urn: str | None = None) -> None:
            found.append((message, urn))

        self._validate(args, report)
        return found


def plural(n: float, word: str) -> str:
    return f"{n:g} {word}" if n == 1 else f"{n:g} {word}s"


def first_urn(*candidates: Any) -> str | None:
    """The first real URN among ``candidates`` (violations point at a resource when one is to blame)."""
    return next((c for c in candidates if isinstance(c, str) and c), None)
