"""What every policy of the pack shares: config parsing, the stack model and the policy factory."""

from __future__ import annotations

import operator
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from failoverkit_policies.config import PackConfig, PolicyConfigError, parse_config, schema_properties
from failoverkit_policies.failover_dns import FailoverSetup, assign_workloads, failover_setups
from failoverkit_policies.model import Model, ResourceView, stack_view
from failoverkit_policies.workloads import Workload, critical_workloads


@dataclass
class Context:
    """One stack under one config, analysed once for every policy that reads it (see ``stack_context``)."""

    config: PackConfig
    model: Model

    @cached_property
    def workloads(self) -> dict[str, Workload]:
        return critical_workloads(self.model, self.config)

    @cached_property
    def setups(self) -> list[FailoverSetup]:
        return assign_workloads(failover_setups(self.model), self.workloads, self.config)


@dataclass
class _Analysed:
    """The stack the pack's policies last read, and the Context each config made of it."""

    key: tuple[str | None, list[ResourceView]]
    resources: list[PolicyResource]
    """The objects it was read from, held so that no other object can take their ids."""
    model: Model
    contexts: dict[PackConfig, Context] = field(default_factory=dict)

    def read_from(self, env: str | None, resources: list[PolicyResource]) -> bool:
        """True if ``resources`` are the very objects this was read from, with the same stack config."""
        return (
            self.key[0] == env
            and len(resources) == len(self.resources)
            and all(map(operator.is_, resources, self.resources))
        )


_last: _Analysed | None = None


def stack_context(args: StackValidationArgs, config: PackConfig) -> Context:
    """The Context of ``args``' stack under ``config``, shared by every policy of the pack that reads the same stack.

    One AnalyzeStack runs the pack's seven policies on one stack; building the model and finding workloads
    and failovers once for all of them is most of the pack's time on a large stack. Shared only when the
    stack is the same: the very resource objects the last policy read (``failoverkit check`` hands every
    stack policy the same ones; policies only read them), or resources equal to them as ``stack_view``
    gives them (which tells 1 from 1.0 and from true: the engine's SDK hands each policy fresh copies), with
    the same stack config exported by the engine. Nothing in a Context changes once built, so a policy
    cannot see another's work, only the same result sooner.
    """
    global _last
    env = os.environ.get("PULUMI_CONFIG")
    resources = list(args.resources)
    last = _last
    if last is None or not last.read_from(env, resources):
        key = (env, stack_view(args))
        if last is None or last.key != key:
            last = _Analysed(key, resources, Model.from_view(key[1]))
        last.resources = resources
        _last = last
    if config not in last.contexts:
        last.contexts[config] = Context(config, last.model)
    return last.contexts[config]


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
        self.check(stack_context(args, config), report)

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
