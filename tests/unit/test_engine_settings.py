"""Where the engine keeps a stack: local stacks offline inside the repo; cloud stacks where their user keeps them."""

from __future__ import annotations

from pathlib import Path

import pytest
from failoverkit.engine import EngineSettings


def test_local_stacks_stay_inside_the_repo_and_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_BACKEND_URL", "s3://team-state")
    monkeypatch.setenv("PULUMI_HOME", "/home/u/.pulumi")
    env = EngineSettings(Path("/repo"), "local").env(Path("/engine"))
    assert env["PULUMI_BACKEND_URL"] == "file:///repo/.failoverkit/backend"
    assert env["PULUMI_HOME"] == "/repo/.failoverkit/pulumi-home"
    assert env["PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION"] == "true"


def test_a_cloud_stack_uses_the_users_backend_and_may_download_its_provider_plugins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A game-day job deploys with `pulumi up` to its own backend; `failoverkit drill` must find the stack there."""
    monkeypatch.setenv("PULUMI_BACKEND_URL", "s3://team-state")
    monkeypatch.setenv("PULUMI_HOME", "/home/u/.pulumi")
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "x")
    env = EngineSettings(Path("/repo"), "aws-gcp").env(Path("/engine"))
    assert (env["PULUMI_BACKEND_URL"], env["PULUMI_HOME"]) == ("s3://team-state", "/home/u/.pulumi")
    assert env["PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION"] == "false"
    monkeypatch.delenv("PULUMI_BACKEND_URL")
    monkeypatch.delenv("PULUMI_HOME")
    env = EngineSettings(Path("/repo"), "aws-gcp").env(Path("/engine"))
    assert env["PULUMI_BACKEND_URL"] == "file:///repo/.failoverkit/backend"
