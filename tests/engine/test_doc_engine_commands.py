"""The README's and docs/policies.md's policy commands, and the README's cloud-stack set-up, through the engine.

Run as shown in a sandbox copy of the repo, after the README's standard-CLI exports, with `failoverkit` on
PATH as in an activated environment. Reports land in the sandbox (a tmp dir).
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from pathlib import Path

import pytest
import yaml
from doc_commands import doc_block, doc_inline
from engine_support import REPO, Shell, make_sandbox, pulumi_env

pytestmark = pytest.mark.engine

ANSI = re.compile(r"\x1b\[[0-9;]*m")
PATH_WITH_VENV = f"{Path(sys.executable).parent}:"


def _shell(tmp_path: Path) -> tuple[Path, Shell]:
    sandbox = make_sandbox(tmp_path / "repo")
    shell = Shell(sandbox, pulumi_env(sandbox))
    shell.env["PATH"] = PATH_WITH_VENV + shell.env["PATH"]
    for line in doc_block("standard-cli")[:3]:  # the README's exports and backend
        assert shell.run(line).returncode == 0, line
    return sandbox, shell


def test_policy_commands_on_the_local_stack_and_offline(tmp_path: Path) -> None:
    sandbox, shell = _shell(tmp_path)
    assert shell.run("pulumi stack init local").returncode == 0
    lines = list(
        {" ".join(shlex.split(c, comments=True)): c for c in doc_block("policy-ci") + doc_block("policy-preview-local")}
    )
    assert len(lines) == 3, lines  # docs/policies.md's preview is the README's second line
    for line in lines:
        result = shell.run(line)
        out = ANSI.sub("", result.stdout + result.stderr)
        assert result.returncode == 0, f"$ {line}\n{out}"
        if "preview" in line:
            assert "failoverkit@v0.1.0" in out and "[mandatory]" not in out, out
        else:  # the offline check of aws-gcp, with its SARIF report
            assert "dns-outside-primary-failure-domain" in out, out  # advisory: Route 53 on the primary's cloud
            report = json.loads((sandbox / "results.sarif").read_text())
            assert report["version"] == "2.1.0"
            assert {r["level"] for r in report["runs"][0]["results"]} == {"warning"}, report["runs"][0]["results"]


def test_readme_cloud_stack_config_keeps_the_stack_file(tmp_path: Path) -> None:
    """`pulumi stack init aws-gcp` and the README's two `pulumi config set` lines, with the user's passphrase."""
    sandbox, shell = _shell(tmp_path)
    shell.env["PULUMI_CONFIG_PASSPHRASE"] = "the-users-own-passphrase"
    assert shell.run("pulumi stack init aws-gcp").returncode == 0
    stack_file = sandbox / "stacks" / "Pulumi.aws-gcp.yaml"
    before = yaml.safe_load((REPO / "stacks" / "Pulumi.aws-gcp.yaml").read_text())["config"]
    project = doc_inline("README.md", "pulumi config set gcp:project")
    region = doc_inline("README.md", "pulumi config set aws:region")
    for line in (project.replace("<your-project>", "acme-shop-test"), region):
        result = shell.run(line)
        assert result.returncode == 0, f"$ {line}\n{result.stdout}{result.stderr}"
    text = stack_file.read_text()
    after = yaml.safe_load(text)["config"]
    # The CLI writes every top-level scalar back as a string (rtoSeconds: "120"), as Pulumi config holds them.
    as_strings = {k: v if isinstance(v, dict | list) else str(v) for k, v in before.items()}
    assert after == {**as_strings, "gcp:project": "acme-shop-test", "aws:region": "us-east-1"}
    assert "# Provider settings the user sets:" in text, "the stack file's comments survive `pulumi config set`"
    check = shell.run("failoverkit check . --stack aws-gcp --policy-pack policies")
    assert check.returncode == 0, check.stdout + check.stderr
