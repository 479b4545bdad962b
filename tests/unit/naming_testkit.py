"""Mocks that autoname like the real providers, and the physical names a recorded program gave its resources.

``PlausibleMocks`` echoes inputs, so a resource left unnamed never gets a name anyone checks. Here each
unnamed resource is named the way its provider names it (``failoverkit.catalog``'s ``Autoname`` rows:
the logical name, a separator and random hex), and a name the provider itself refuses (the Terraform
bridge's "plus 7 random chars is longer than maximum length") is recorded as a refusal, as a real preview
would fail.

Example::

    mocks = AutonamingMocks()
    resources = run_program(program, project="failoverkit", stack="test", mocks=mocks)
    assert not mocks.refusals
    assert not [n for n in physical_names(resources) if n.problem]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from failoverkit.catalog import NameRule, dns, rules_for, stable_hash
from failoverkit.check.mocks import PlausibleMocks, RecordedResource
from pulumi.runtime import mocks as pulumi_mocks


class AutonamingMocks(PlausibleMocks):
    """PlausibleMocks whose unnamed resources get their provider's autoname (and refusals are kept)."""

    def __init__(self) -> None:
        super().__init__()
        self.refusals: list[str] = []
        """``<type> <logical name>: <the provider's error>`` for every autoname the provider would refuse."""

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        rid, outputs = super().new_resource(args)
        for rule in rules_for(args.typ):
            auto = rule.autoname
            given = args.inputs.get(rule.prop)
            if given:
                outputs[rule.prop] = outputs["name"] = given  # azure-native also outputs it as `name`
                continue
            if auto is None:
                continue
            if err := auto.refusal(args.name):
                self.refusals.append(f"{args.typ} {args.name}: {err}")
                continue
            autoname = auto.name(args.name, stable_hash(args.typ, args.name)[: auto.random_chars])
            outputs[rule.prop] = autoname
            outputs["name"] = autoname
        return rid, outputs


@dataclass(frozen=True)
class PhysicalName:
    """The name a recorded resource has in its cloud, and what its rule says of it."""

    resource: str
    """``<type> <logical name>``."""
    rule: NameRule
    name: str

    @property
    def problem(self) -> str | None:
        return self.rule.problem(self.name)


def physical_names(resources: Iterable[RecordedResource]) -> list[PhysicalName]:
    """Every catalogued name of every recorded custom resource (inputs first, then the autoname in its state)."""
    out: list[PhysicalName] = []
    for r in resources:
        if not r.custom:
            continue
        for rule in rules_for(r.type):
            value = r.inputs.get(rule.prop) or r.outputs.get(rule.prop)
            if not isinstance(value, str):
                continue  # an output not known under mocks (e.g. a validation record's name): checked elsewhere
            if rule is dns.RECORD_NAME:
                value = value.rstrip(".")
                if r.type == "azure-native:dns:RecordSet":
                    zone = str(r.inputs.get("zoneName", ""))
                    value = zone if value == "@" else f"{value}.{zone}"
            out.append(PhysicalName(f"{r.type} {r.name}", rule, value))
    return out
