"""`failoverkit check` and a real engine preview with the pack report the same violations.

Runs the local stack (in a temp copy with its own loopback addresses) through both, compliant
and violating, and compares the sets of (policy, enforcement level, resource type, resource name).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from failoverkit.check import check_project

pytestmark = pytest.mark.engine

REPO = Path(__file__).resolve().parents[2]
FAILOVERKIT = Path(sys.executable).parent / "failoverkit"
LAUNCHER = REPO / "policies" / "failoverkit-policies"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
VIOLATION = re.compile(r"^ {8}[-·] \[(?P<level>\w+)\](?: \[severity: \w+\])?  (?P<policy>\S+)(?:  \((?P<what>.+)\))?$")

Finding = tuple[str, str, str, str]

SINGLE_PROVIDER = """
  failoverkit:targets:
    - {cloud: aws, region: us-east-1, simulated: true, address: 127.0.93.1}
    - {cloud: aws, region: us-west-2, simulated: true, address: 127.0.93.2}
"""


def engine_findings(stdout: str) -> set[Finding]:
    """(policy, level, resource type, resource name) from the engine's Policies: section."""
    found: set[Finding] = set()
    in_policies = False
    for raw in stdout.splitlines():
        line = ANSI.sub("", raw)
        if line.startswith("Policies:"):
            in_policies = True
            continue
        if in_policies and line and not line.startswith(" "):
            in_policies = False
        match = VIOLATION.match(line) if in_policies else None
        if match:
            rtype, _, name = (match["what"] or "").rpartition(": ")
            found.add((match["policy"], match["level"], rtype, name))
    return found


def check_findings(project: Path, config: Path | None) -> set[Finding]:
    result = check_project(project, "local", policy_packs=[LAUNCHER], policy_pack_configs=[config] if config else [])
    return {(v.policy, v.enforcement_level, v.resource_type, v.urn.rsplit("::", 1)[-1]) for v in result.violations}


def preview(project: Path, config: Path | None) -> subprocess.CompletedProcess[str]:
    from failoverkit.engine import find_engine

    find_engine()  # fails with how to get the engine when it is missing; never skips
    args = [str(FAILOVERKIT), "preview", "--stack", "local", "--project-dir", str(project)]
    args += ["--policy-pack", str(LAUNCHER)] + (["--policy-pack-config", str(config)] if config else [])
    return subprocess.run(
        args, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL, check=False, env=dict(os.environ)
    )


@pytest.fixture
def local_copy(tmp_path: Path) -> Path:
    """The repo's project and local stack in a temp dir, on loopback addresses no other test uses."""
    project = tmp_path / "project"
    (project / "stacks").mkdir(parents=True)
    shutil.copy(REPO / "Pulumi.yaml", project)
    shutil.copy(REPO / "__main__.py", project)
    text = (REPO / "stacks" / "Pulumi.local.yaml").read_text()
    text = re.sub(r"127\.0\.10\.(\d+)", r"127.0.92.\1", text).replace("127.0.53.1:10053", "127.0.92.53:10092")
    (project / "stacks" / "Pulumi.local.yaml").write_text(text)
    return project


def test_compliant_local_stack_agrees(local_copy: Path) -> None:
    engine = preview(local_copy, None)
    assert engine.returncode == 0, engine.stdout + engine.stderr
    assert "Policies:" in engine.stdout
    assert engine_findings(engine.stdout) == check_findings(local_copy, None) == set()


def test_violating_policy_config_agrees(local_copy: Path, tmp_path: Path) -> None:
    config = tmp_path / "strict.json"
    config.write_text(json.dumps({"failover-within-rto": {"rtoSeconds": 1}, "dns-ttl-bounded": {"maxTtlSeconds": 0}}))
    engine = preview(local_copy, config)
    assert engine.returncode != 0  # a mandatory violation fails the preview
    offline = check_findings(local_copy, config)
    assert {f[0] for f in offline} == {"failover-within-rto", "dns-ttl-bounded"}
    assert engine_findings(engine.stdout) == offline


def test_single_provider_variant_agrees(local_copy: Path) -> None:
    stack = local_copy / "stacks" / "Pulumi.local.yaml"
    text = stack.read_text()
    text = re.sub(r"  failoverkit:targets:\n(    - .*\n)+", SINGLE_PROVIDER.lstrip("\n"), text)
    stack.write_text(text)
    engine = preview(local_copy, None)
    assert engine.returncode != 0
    offline = check_findings(local_copy, None)
    assert {(f[0], f[1]) for f in offline} == {("critical-workload-multi-provider", "mandatory")}
    # Workload-wide violations name the workload's compute with the lowest URN, so both agree exactly.
    assert engine_findings(engine.stdout) == offline
