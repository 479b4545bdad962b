"""docs/game-day.yml, the GitHub Actions game day: every `failoverkit drill` it runs is one the CLI accepts,
one per fault kind the clouds take, and the job fails on a figure over budget, uploads the charts and always
destroys the stack. docs/game-days.md's drill commands are held to the CLI the same way."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from failoverkit.cli import build_parser
from failoverkit.drill._plan import CONFIG_FAULTS

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / "docs" / "game-day.yml"


def workflow() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    return data


def steps() -> list[dict[str, Any]]:
    (job,) = workflow()["jobs"].values()
    result: list[dict[str, Any]] = job["steps"]
    return result


def commands(script: str) -> list[str]:
    """The shell commands of a `run:` block, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", script)
    return [line.split(" #", 1)[0].strip() for line in joined.splitlines() if line.strip()]


def drill_argv(command: str) -> list[str]:
    """``.venv/bin/failoverkit drill ARGS`` with the job's variables filled in, as argv for the CLI."""
    words = shlex.split(command.replace("$STACK", "aws-gcp"))
    assert words[0].endswith("failoverkit"), command
    return words[1:]


def drill_commands() -> list[str]:
    return [c for s in steps() for c in commands(s.get("run", "")) if "failoverkit drill" in c]


def test_every_drill_command_is_one_the_cli_accepts() -> None:
    parser = build_parser()
    found = drill_commands()
    assert found
    for command in found:
        args = parser.parse_args(drill_argv(command))
        assert args.yes and args.format == "json", command  # a cloud stack needs --yes; the job keeps the JSON
        assert args.output is not None and args.chart is not None


def test_there_is_one_drill_per_fault_kind_the_clouds_take() -> None:
    parser = build_parser()
    kinds = sorted(parser.parse_args(drill_argv(c)).fault for c in drill_commands())
    assert kinds == sorted(f.value for f in CONFIG_FAULTS)


def test_a_figure_over_budget_fails_the_job_and_the_stack_is_always_destroyed() -> None:
    all_steps = steps()
    names = [s.get("name", s.get("uses", "")) for s in all_steps]
    deploy = next(s for s in all_steps if s.get("id") == "deploy")
    assert any(c.startswith("pulumi up ") and "--yes" in c for c in commands(deploy["run"]))
    for step in all_steps:
        if "failoverkit drill" in step.get("run", ""):
            # No `|| true`, no continue-on-error: the drill's exit code (1 over budget) fails the job.
            assert "continue-on-error" not in step and "||" not in step["run"]
            assert "steps.deploy.outcome == 'success'" in step["if"] and "!cancelled()" in step["if"]
    upload = next(s for s in all_steps if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    assert upload["if"] == "always()" and upload["with"]["path"] == "out/"
    destroy = all_steps[-1]
    assert destroy["if"] == "always()" and any(c.startswith("pulumi destroy ") for c in commands(destroy["run"]))
    assert names.index("Upload the reports and charts") < len(names) - 1


def test_credentials_come_through_oidc_secrets() -> None:
    (job,) = workflow()["jobs"].values()
    assert job["permissions"]["id-token"] == "write"
    text = WORKFLOW.read_text()
    for secret in (
        "AWS_GAME_DAY_ROLE_ARN",
        "GCP_WORKLOAD_IDENTITY_PROVIDER",
        "GCP_GAME_DAY_SERVICE_ACCOUNT",
        "AZURE_CLIENT_ID",
        "AZURE_TENANT_ID",
        "AZURE_SUBSCRIPTION_ID",
        "PULUMI_BACKEND_URL",
        "PULUMI_CONFIG_PASSPHRASE",
    ):
        assert f"secrets.{secret}" in text, secret
    assert "AWS_ACCESS_KEY_ID" not in text and "AWS_SECRET_ACCESS_KEY" not in text


def game_days_page_commands() -> list[str]:
    text = (REPO / "docs" / "game-days.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", text, re.DOTALL)
    return [c for block in blocks for c in commands(block) if "failoverkit drill" in c]


@pytest.mark.parametrize("command", game_days_page_commands())
def test_the_game_days_page_shows_drill_commands_the_cli_accepts(command: str) -> None:
    words = shlex.split(command)
    argv = words[words.index("drill") :]
    build_parser().parse_args(argv)


def test_the_readme_links_the_game_day_page_and_workflow() -> None:
    text = (REPO / "README.md").read_text()
    assert "(docs/game-days.md)" in text and "(docs/game-day.yml)" in text
    for command in re.findall(r"`(failoverkit drill [^`]+)`", text):
        words = shlex.split(command)[1:]
        # `--fault hang|unhealthy` in prose stands for one command per choice.
        choices = [w.split("|") for w in words]
        for i in range(max(len(c) for c in choices)):
            build_parser().parse_args([c[min(i, len(c) - 1)] for c in choices])
