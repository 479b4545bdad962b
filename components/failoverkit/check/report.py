"""Render a check result as text (like ``pulumi preview --policy-pack``), JSON or SARIF 2.1.0.

JSON (contract, see DESIGN.md "CLI")::

    {"stack": "local", "resources": [{"urn", "type", "name", "parent", "provider"}, ...],
     "violations": [{"policyPack", "policy", "enforcementLevel", "message", "urn", "resourceType"}]}

SARIF: one rule per policy of every pack, one result per violation (mandatory -> ``error``,
advisory -> ``warning``), located in the program file (at the line naming the resource when
the name appears literally there), with the resource URN as a logical location.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from failoverkit.check.mocks import RecordedResource
from failoverkit.check.packs import PackResult, Violation, type_of_urn
from failoverkit.check.project import PulumiProject

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "failoverkit check"
TOOL_URI = "https://github.com/failoverkit/failoverkit/blob/main/docs/ci.md"
_LEVEL_RANK = {"remediate": 0, "mandatory": 1, "advisory": 2, "disabled": 3}
_SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3, None: 4}
_SARIF_LEVEL = {"mandatory": "error", "remediate": "error", "advisory": "warning", "disabled": "none"}


@dataclass
class CheckResult:
    """Everything one ``failoverkit check`` run found."""

    project: PulumiProject
    resources: list[RecordedResource]
    packs: list[PackResult] = field(default_factory=list)

    @property
    def violations(self) -> list[Violation]:
        """Every violation of every pack, in report order."""
        return [v for pack in self.packs for v in sort_violations(pack.violations)]

    @property
    def mandatory(self) -> list[Violation]:
        """Violations that fail a preview (mandatory, or remediate that still fails)."""
        return [v for v in self.violations if v.enforcement_level in ("mandatory", "remediate")]

    @property
    def remote_components(self) -> list[RecordedResource]:
        """Multi-language components (awsx ...): their children are not registered under mocks, so not judged."""
        return sorted((r for r in self.resources if r.remote), key=lambda r: r.urn)

    @property
    def exit_code(self) -> int:
        """0: no mandatory violation; 1: at least one."""
        return 1 if self.mandatory else 0


def sort_violations(violations: list[Violation]) -> list[Violation]:
    """The engine's display order: level, severity, policy name, URN (then message: one order every run)."""
    return sorted(
        violations,
        key=lambda v: (
            _LEVEL_RANK.get(v.enforcement_level, 99),
            _SEVERITY_RANK.get(v.severity, 99),
            v.policy,
            v.urn,
            v.message,
        ),
    )


def sorted_resources(resources: list[RecordedResource]) -> list[RecordedResource]:
    """Resources in URN order, the stack first: reports never depend on the order the program registered them."""
    return sorted(resources, key=lambda r: (r.type != "pulumi:pulumi:Stack", r.urn))


REMOTE_NOTE = (
    "Not judged offline: {count} remote component(s) create their children in their provider's own process, "
    "which check does not run, so the pack saw the component but none of its children. A critical workload "
    "whose compute is all inside them has no compute the pack can see and fails closed; run pulumi preview "
    "--policy-pack to judge the children."
)


def _resource_clause(urn: str) -> str:
    if not urn:
        return ""
    return f"  ({type_of_urn(urn)}: {urn.rsplit('::', 1)[-1]})"


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def render_text(result: CheckResult, *, verbose: bool = False) -> str:
    """What ``pulumi preview --policy-pack`` prints in its Policies: section, plus a summary line."""
    project = result.project
    lines = [f"Checking stack {project.stack} of project {project.name} offline (mocks, no engine, no credentials)", ""]
    if verbose or not result.packs:
        lines.append("Resources:")
        for r in sorted_resources(result.resources):
            lines.append(f"    {r.type}  {r.name}")
        lines.append("")
    if result.remote_components:
        lines.append(REMOTE_NOTE.format(count=len(result.remote_components)))
        lines.extend(f"    {r.type}  {r.name}" for r in result.remote_components)
        lines.append("")
    if result.packs:
        lines.append("Policies:")
        for pack in sorted(result.packs, key=lambda p: (p.pack.name, p.pack.version)):
            violations = sort_violations(pack.violations)
            mark = "✅"
            if any(v.enforcement_level in ("mandatory", "remediate") for v in violations):
                mark = "❌"
            elif violations:
                mark = "⚠️"
            lines.append(f"    {mark} {pack.pack.name}@v{pack.pack.version} (local: {_relative(pack.pack.directory)})")
            for policy, count in sorted(_count(pack.remediations).items()):
                lines.append(f"        - [remediate]  {policy}  ({count} resource{'s' if count != 1 else ''})")
            for v in violations:
                lines.append(f"        - [{v.enforcement_level}]{_severity(v)}  {v.policy}{_resource_clause(v.urn)}")
                lines.extend(f"          {line}" for line in v.message.rstrip("\n").split("\n"))
            if verbose:
                for policy, urn, reason in pack.not_applicable:
                    lines.append(f"        · [not applicable]  {policy}{_resource_clause(urn)}  {reason}".rstrip())
        lines.append("")
    mandatory, total = len(result.mandatory), len(result.violations)
    lines.append(
        f"{len(result.resources)} resources checked by {len(result.packs)} policy pack(s): "
        f"{mandatory} mandatory, {total - mandatory} advisory violation(s)"
    )
    return "\n".join(lines) + "\n"


def _count(pairs: list[tuple[str, str]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for policy, _ in pairs:
        counts[policy] = counts.get(policy, 0) + 1
    return counts


def _severity(v: Violation) -> str:
    return f" [severity: {v.severity}]" if v.severity else ""


def to_json(result: CheckResult) -> dict[str, Any]:
    """The JSON document of DESIGN.md's CLI contract (plus the packs that ran)."""
    return {
        "stack": result.project.stack,
        "project": result.project.name,
        "resources": [
            {"urn": r.urn, "type": r.type, "name": r.name, "parent": r.parent, "provider": r.provider}
            for r in sorted_resources(result.resources)
        ],
        "remoteComponents": [{"urn": r.urn, "type": r.type, "name": r.name} for r in result.remote_components],
        "violations": [
            {
                "policyPack": v.policy_pack,
                "policy": v.policy,
                "enforcementLevel": v.enforcement_level,
                "message": v.message,
                "urn": v.urn,
                "resourceType": v.resource_type,
            }
            for v in result.violations
        ],
        "policyPacks": [
            {"name": p.pack.name, "version": p.pack.version, "path": str(p.pack.directory)} for p in result.packs
        ],
    }


def _line_of(source: list[str], name: str) -> int:
    # Best effort: the first line naming the resource literally; else the top of the program.
    pattern = re.compile(r"""["']""" + re.escape(name) + r"""["']""")
    for number, line in enumerate(source, start=1):
        if pattern.search(line):
            return number
    return 1


def to_sarif(result: CheckResult) -> dict[str, Any]:
    """A SARIF 2.1.0 log for GitHub code scanning: one rule per policy, one result per violation."""
    program = result.project.main
    try:
        source = program.read_text(encoding="utf-8").splitlines()
    except OSError:
        source = []
    rules: list[dict[str, Any]] = []
    index: dict[tuple[str, str], int] = {}
    names = [p.name for pack in result.packs for p in pack.pack.policies]
    for pack in result.packs:
        for policy in pack.pack.policies:
            rule_id = policy.name if names.count(policy.name) == 1 else f"{pack.pack.name}/{policy.name}"
            level = pack.config.get(policy.name)
            effective = (level.enforcement_level if level else None) or policy.enforcement_level
            rule: dict[str, Any] = {
                "id": rule_id,
                "name": policy.name,
                "shortDescription": {"text": policy.description.split("\n", 1)[0]},
                "fullDescription": {"text": policy.description},
                "defaultConfiguration": {"level": _SARIF_LEVEL.get(effective, "warning")},
                "properties": {"policyPack": pack.pack.name, "enforcementLevel": effective, "kind": policy.kind},
            }
            if policy.remediation_steps:
                rule["help"] = {"text": policy.remediation_steps}
            if policy.url:
                rule["helpUri"] = policy.url
            if policy.severity:
                rule["properties"]["severity"] = policy.severity
            index[(pack.pack.name, policy.name)] = len(rules)
            rules.append(rule)
    results = []
    for v in result.violations:
        i = index.get((v.policy_pack, v.policy))
        name = v.urn.rsplit("::", 1)[-1] if v.urn else ""
        entry: dict[str, Any] = {
            "ruleId": rules[i]["id"] if i is not None else v.policy,
            "level": _SARIF_LEVEL.get(v.enforcement_level, "warning"),
            "message": {"text": v.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _relative(program).replace("\\", "/")},
                        "region": {"startLine": _line_of(source, name) if name else 1},
                    },
                    "logicalLocations": [{"fullyQualifiedName": v.urn, "kind": "resource"}],
                }
            ],
            # Stable across runs and line moves: GitHub matches alerts by it.
            "partialFingerprints": {
                "failoverkitViolation/v1": hashlib.sha256(f"{v.policy}|{v.urn}".encode()).hexdigest()
            },
            "properties": {"urn": v.urn, "resourceType": v.resource_type, "policyPack": v.policy_pack},
        }
        if i is not None:
            entry["ruleIndex"] = i
        results.append(entry)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": TOOL_NAME, "informationUri": TOOL_URI, "rules": rules}},
                "automationDetails": {"id": f"failoverkit-check/{result.project.name}/{result.project.stack}/"},
                "results": results,
            }
        ],
    }


def render(result: CheckResult, fmt: str, *, verbose: bool = False) -> str:
    """``text``, ``json`` or ``sarif``."""
    if fmt == "json":
        return json.dumps(to_json(result), indent=2) + "\n"
    if fmt == "sarif":
        return json.dumps(to_sarif(result), indent=2) + "\n"
    return render_text(result, verbose=verbose)
