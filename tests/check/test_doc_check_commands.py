"""docs/ci.md's `failoverkit check` commands and github-actions.yml's per-stack loop, run as shown.

Each runs in a tmp copy of the reference project (so reports land in tmp dirs), with `failoverkit` on PATH
as in an activated environment. The ci.md block's third command checks "your own project": here
`../my-project` is the shop-with-database example with a `prod` stack, `../my-pack` the repo's pack and
`strict.json` a config that makes every policy mandatory.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from doc_commands import REPO, doc_block, doc_inline

BIN = Path(sys.executable).parent


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """tmp/work: the reference project (program, stacks, pack); tmp/my-project and tmp/my-pack beside it."""
    work = tmp_path / "work"
    work.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(REPO / name, work / name)
    shutil.copytree(REPO / "stacks", work / "stacks")
    (work / "policies").symlink_to(REPO / "policies")
    (work / ".venv").symlink_to(BIN.parent)  # the workflow calls .venv/bin/failoverkit
    project = shutil.copytree(REPO / "examples" / "shop-with-database", tmp_path / "my-project")
    shutil.copy(project / "Pulumi.dev.yaml", project / "Pulumi.prod.yaml")
    (tmp_path / "my-pack").symlink_to(REPO / "policies")
    (work / "strict.json").write_text(json.dumps({"all": "mandatory"}))
    return work


def _bash(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip


def _sarif(path: Path) -> dict[str, object]:
    report = json.loads(path.read_text())
    assert report["version"] == "2.1.0", report
    return report


def test_ci_md_check_commands(work: Path) -> None:
    lines = doc_block("ci-check")
    assert len(lines) == 3, lines
    aws_gcp, tri_cloud, own_project = lines

    done = _bash(aws_gcp, work)
    assert done.returncode == 0, done.stdout + done.stderr  # advisory only
    assert "failoverkit@v0.1.0" in done.stdout and "dns-outside-primary-failure-domain" in done.stdout

    done = _bash(tri_cloud, work)
    assert done.returncode == 0, done.stdout + done.stderr
    (run,) = _sarif(work / "results" / "tri-cloud.sarif")["runs"]  # type: ignore[misc]
    assert "/tri-cloud/" in run["automationDetails"]["id"], run["automationDetails"]
    assert run["tool"]["driver"]["rules"], run["tool"]

    done = _bash(own_project, work)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out  # strict.json turns the advisory Route 53 finding mandatory
    assert "[mandatory]" in out and "dns-outside-primary-failure-domain" in out, out


def test_github_actions_check_loop(work: Path) -> None:
    script = "\n".join(doc_block("gha-check"))
    done = _bash(script, work)
    assert done.returncode == 0, done.stdout + done.stderr
    stacks = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in (work / "stacks").glob("Pulumi.*.yaml"))
    assert len(stacks) >= 5, stacks
    ids = set()
    for stack in stacks:
        assert f"::group::{stack}" in done.stdout
        (run,) = _sarif(work / "results" / f"{stack}.sarif")["runs"]  # type: ignore[misc]
        ids.add(run["automationDetails"]["id"])
    assert len(ids) == len(stacks), ids  # one upload carries every stack


def test_components_md_checks_the_example_project() -> None:
    """docs/components.md's inline `failoverkit check examples/shop-with-database --stack dev`, from the repo root."""
    line = doc_inline("docs/components.md", "failoverkit check examples/shop-with-database")
    done = _bash(line, REPO)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out  # no pack named: the example's program runs with its dev stack's config
    assert "Checking stack dev of project shop-platform" in out, out
    assert "aws:rds/instance:Instance  orders-db" in out and "failoverkit:index:FailoverApp  shop" in out, out
