"""`failoverkit check` on this repo: every stack in stacks/, with the real policy pack in policies/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from failoverkit.check import check_project
from failoverkit.check.project import available_stacks

REPO = Path(__file__).resolve().parents[2]
STACKS = available_stacks(REPO / "stacks")
PACK = REPO / "policies"
# Stacks that exist to show a violation (none yet); every other stack must pass the pack.
EXPECTED_TO_FAIL: dict[str, set[str]] = {}


def test_every_stack_file_is_covered() -> None:
    files = sorted(p.name for p in (REPO / "stacks").glob("Pulumi.*.yaml"))
    assert files, "stacks/ has no stack files"
    assert sorted(f"Pulumi.{s}.yaml" for s in STACKS) == files  # "tri-cloud-route53" sorts before "tri-cloud."
    assert "local" in STACKS


def _documented_counts() -> dict[str, tuple[int, int]]:
    """docs/components.md's reference-stack table: stack -> (resources the program registers, check's count)."""
    rows = re.findall(r"^\| `([a-z0-9-]+)` \|.*\| (\d+) \| (\d+) \|$", DOCS.read_text(), re.MULTILINE)
    return {stack: (int(registers), int(counted)) for stack, registers, counted in rows}


DOCS = REPO / "docs" / "components.md"


@pytest.mark.parametrize("stack", STACKS)
def test_stack_runs_under_mocks(stack: str) -> None:
    result = check_project(REPO, stack)
    types = {r.type for r in result.resources}
    assert "failoverkit:index:FailoverApp" in types
    assert "pulumi:pulumi:Stack" in types
    # every custom resource has a provider: explicit, or the default one the engine would add
    assert all(r.provider for r in result.resources if r.custom and not r.type.startswith("pulumi:"))
    if stack != "local":  # the docs' table gives every cloud stack's counts: they must be what the program does
        registered = [r for r in result.resources if not r.type.startswith(("pulumi:pulumi:", "pulumi:providers:"))]
        assert _documented_counts()[stack] == (len(registered), len(result.resources)), f"{DOCS} table, {stack}"


@pytest.mark.parametrize("stack", STACKS)
def test_stack_passes_the_policy_pack(stack: str) -> None:
    if not (PACK / "__main__.py").is_file():
        pytest.fail("policies/__main__.py is missing: the real pack must be checked against every stack")
    result = check_project(REPO, stack, policy_packs=[PACK])
    mandatory = {v.policy for v in result.mandatory}
    assert mandatory == EXPECTED_TO_FAIL.get(stack, set()), [v.message for v in result.mandatory]


def test_single_provider_variant_of_local_fails_the_pack() -> None:
    targets = (
        '[{"cloud":"aws","region":"us-east-1","simulated":true,"address":"127.0.91.1"},'
        '{"cloud":"aws","region":"us-west-2","simulated":true,"address":"127.0.91.2"}]'
    )
    result = check_project(REPO, "local", policy_packs=[PACK], config=[f"failoverkit:targets={targets}"])
    assert {v.policy for v in result.mandatory} == {"critical-workload-multi-provider"}
    (violation,) = result.mandatory
    assert violation.urn.rsplit("::", 1)[-1] in {"shop-aws-us-east-1", "shop-aws-us-west-2"}
    assert result.exit_code == 1


def test_local_default_providers_are_synthesised() -> None:
    result = check_project(REPO, "local")
    dynamic = [r for r in result.resources if r.type == "pulumi:providers:pulumi-python"]
    assert len(dynamic) == 1
    assert dynamic[0].inputs["failoverkit:hostname"] == "shop.failoverkit.test"


def _python_projects() -> list[Path]:
    """Example projects `check` can run: Python programs (examples/yaml-local runs through the engine instead)."""

    def runtime(project: Path) -> str:
        value = yaml.safe_load(project.read_text())["runtime"]  # `runtime: python` or `runtime: {name: python}`
        return str(value["name"] if isinstance(value, dict) else value)

    return [p.parent for p in sorted((REPO / "examples").glob("*/Pulumi.yaml")) if runtime(p) == "python"]


EXAMPLES = [(project, stack) for project in _python_projects() for stack in available_stacks(project)]


@pytest.mark.parametrize(("project", "stack"), EXAMPLES, ids=[f"{p.name}-{s}" for p, s in EXAMPLES])
def test_example_projects_pass_the_pack(project: Path, stack: str) -> None:
    # Hand-written user programs (explicit providers, their own resources beside FailoverApp) work too.
    result = check_project(project, stack, policy_packs=[PACK])
    assert result.exit_code == 0, [v.message for v in result.mandatory]
    assert any(r.type == "failoverkit:index:FailoverApp" for r in result.resources)


def test_every_python_example_has_a_stack() -> None:
    assert _python_projects(), "examples/ has no Python project"
    assert {p for p, _ in EXAMPLES} == set(_python_projects())
