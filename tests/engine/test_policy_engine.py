"""The policy pack through the real engine: `failoverkit preview --policy-pack policies/failoverkit-policies`.

Previews only: nothing is started. Variants live in tmp_path projects with their own
loopback addresses and ports, so they never touch the demo's local stack.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.engine

REPO = Path(__file__).resolve().parents[2]
LAUNCHER = REPO / "policies" / "failoverkit-policies"

ONE_CLOUD_STACK = """\
config:
  failoverkit:app:
    name: shop
    port: 18080
    criticality: critical
  failoverkit:hostname: shop.failoverkit.test
  failoverkit:targets:
    - {cloud: aws, region: us-east-1, simulated: true, address: 127.0.88.1}
    - {cloud: aws, region: us-west-2, simulated: true, address: 127.0.88.2}
  failoverkit:dns:
    provider: local
    zone: failoverkit.test
    ttl: 1
    listen: 127.0.88.53:18053
    healthCheck: {intervalSeconds: 1, failureThreshold: 2, timeoutSeconds: 0.5, recoveryThreshold: 2}
  failoverkit:rtoSeconds: 30
"""

# A hand-written program (no failoverkit components): two targets that both claim aws/us-east-1.
# The pack judges it by the resources alone. Preview never calls create, so nothing starts.
HAND_WRITTEN = """
import pulumi
from pulumi.dynamic import CreateResult, Resource, ResourceProvider

TAGS = {"workload": "shop", "criticality": "critical"}


class Nothing(ResourceProvider):
    def create(self, props):
        raise RuntimeError("preview only")


class Target(Resource):
    def __init__(self, name, address):
        inputs = {"kind": "failoverkit:local:Target", "cloud": "aws", "region": "us-east-1",
                  "address": address, "port": 18081, "tags": TAGS}
        super().__init__(Nothing(), name, inputs)


Target("shop-primary", "127.0.89.1")
Target("shop-standby", "127.0.89.2")
"""


def _output(result: object) -> str:
    return result.stdout + result.stderr  # type: ignore[attr-defined]


def _variant(tmp_path: Path, stack: str, stack_yaml: str, program: str | None = None) -> Path:
    if program is None:
        shutil.copy(REPO / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
        shutil.copy(REPO / "__main__.py", tmp_path / "__main__.py")
    else:
        (tmp_path / "Pulumi.yaml").write_text("name: handwritten\nruntime: python\nstackConfigDir: stacks\n")
        (tmp_path / "__main__.py").write_text(textwrap.dedent(program))
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / f"Pulumi.{stack}.yaml").write_text(stack_yaml)
    return tmp_path


def test_local_stack_passes_the_pack(failoverkit_cli, tmp_path: Path) -> None:
    # The repo's own local stack, previewed in a copy so the test leaves no engine state in the work tree.
    # The pack in directory form, as the README shows it: the engine runs it through the Python language host.
    project = _variant(tmp_path, "local", (REPO / "stacks" / "Pulumi.local.yaml").read_text())
    result = failoverkit_cli(
        "preview", "--stack", "local", "--project-dir", str(project), "--policy-pack", str(REPO / "policies")
    )
    out = _output(result)
    assert result.returncode == 0, out
    assert "failoverkit@v0.1.0" in out
    assert "[mandatory]" not in out and "[advisory]" not in out


def test_one_provider_variant_fails_naming_mandatory_policies(failoverkit_cli, tmp_path: Path) -> None:
    project = _variant(tmp_path, "local-onecloud", ONE_CLOUD_STACK)
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"critical-workload-multi-region": {"minRegions": 3}}))
    result = failoverkit_cli(
        "preview",
        "--stack",
        "local-onecloud",
        "--project-dir",
        str(project),
        "--policy-pack",
        str(LAUNCHER),
        "--policy-pack-config",
        str(config),
    )
    out = _output(result)
    assert result.returncode != 0, out
    assert "[mandatory] [severity: critical]  critical-workload-multi-provider" in out
    assert 'Critical workload "shop" runs on 1 provider: aws' in out
    assert "add a standby target on gcp or azure" in out
    # Config arrives as a float and is printed as written.
    assert "[mandatory] [severity: critical]  critical-workload-multi-region" in out
    assert "at least 3 distinct regions" in out


def test_hand_written_single_region_program_fails(failoverkit_cli, tmp_path: Path) -> None:
    project = _variant(tmp_path, "local-handwritten", "config: {}\n", HAND_WRITTEN)
    result = failoverkit_cli(
        "preview", "--stack", "local-handwritten", "--project-dir", str(project), "--policy-pack", str(LAUNCHER)
    )
    out = _output(result)
    assert result.returncode != 0, out
    for policy in ("critical-workload-multi-provider", "critical-workload-multi-region", "failover-dns-health-checked"):
        assert f"[mandatory] [severity: critical]  {policy}" in out or f"[mandatory] [severity: high]  {policy}" in out
    assert 'Critical workload "shop" runs in 1 region: aws/us-east-1' in out
