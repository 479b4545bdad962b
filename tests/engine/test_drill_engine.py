"""``failoverkit drill --fault unhealthy|down`` on a local stack through the engine path, end to end.

The drill sets ``failoverkit:drillFaults`` with the Automation API, runs an engine ``up``, watches the
authoritative DNS server and a dnsmasq it starts, lifts the fault (remove + ``up``) and judges both paths
against the budget. Runs on a copy of the reference project with addresses of its own (127.0.119.x).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
from doc_commands import doc_block
from engine_support import RunCli, kill_processes_of, local_stack_copy

pytestmark = [pytest.mark.engine, pytest.mark.drill]

STACK = "local-drill"
ADDRESSES = ("127.0.119.1", "127.0.119.2", "127.0.119.3")
PORT = 18680
DNS_ADDRESS, DNS_PORT = "127.0.119.53", 18653
COMMENT = "# the stack file's own comment survives a drill"


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    local_stack_copy(tmp_path, STACK, ADDRESSES, PORT, (DNS_ADDRESS, DNS_PORT), header=f"{COMMENT}\n")
    yield tmp_path
    kill_processes_of(tmp_path, STACK)


def test_unhealthy_and_down_drills_through_the_engine_pass_within_budget(
    failoverkit_cli: RunCli, project: Path
) -> None:
    where = ("--stack", STACK, "--project-dir", str(project))
    refused = failoverkit_cli("drill", *where, "--fault", "unhealthy")
    assert refused.returncode == 2 and "is not deployed" in refused.stderr, refused.stderr
    up = failoverkit_cli("up", *where, "--yes")
    assert up.returncode == 0, up.stdout + up.stderr
    stack_file = project / "stacks" / f"Pulumi.{STACK}.yaml"
    try:
        for fault in ("unhealthy", "down"):
            report = project / f"{fault}.json"
            done = failoverkit_cli("drill", *where, "--fault", fault, "--format", "json", "--output", str(report))
            assert done.returncode == 0, done.stderr
            data = json.loads(report.read_text())
            assert data["passed"] is True and data["restored"] is True, data["reasons"]
            assert 0 < data["failover_seconds"] <= data["budget_seconds"]
            assert 0 < data["failback_seconds"] <= data["failback_budget_seconds"]
            via = data["resolver"]
            assert via["name"].startswith(f"dnsmasq {DNS_ADDRESS}:")
            assert 0 < via["failover_seconds"] <= via["budget_seconds"]
            assert 0 < via["failback_seconds"] <= via["failback_budget_seconds"]
            assert any("engine up" in line for line in done.stderr.splitlines()), done.stderr
            text = stack_file.read_text()
            assert "drillFaults" not in text and COMMENT in text  # lifted, and the user's file kept
        # docs/game-days.md's local drills, as shown, on this copy of the local stack (run from the project dir)
        for line in doc_block("game-days-local"):
            argv = shlex.split(line)
            assert argv[:4] == ["failoverkit", "drill", "--stack", "local"], line
            shown = failoverkit_cli("drill", *where, *argv[4:], cwd=project)
            assert shown.returncode == 0, f"{line}: {shown.stdout}{shown.stderr}"
        assert (project / "out" / "drill-unhealthy.png").stat().st_size > 0
    finally:
        down = failoverkit_cli("destroy", *where, "--yes")
        assert down.returncode == 0, down.stdout + down.stderr
