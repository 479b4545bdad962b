"""The real engine: pinned version, and a full lifecycle of a tiny program through `failoverkit`."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest
from failoverkit.engine import PINNED_VERSION, EngineSettings, engine_cache_dir, has_engine_parts, version_tuple

pytestmark = pytest.mark.engine

TINY_PROGRAM = """
import pulumi
from pulumi.dynamic import CreateResult, Resource, ResourceProvider


class CounterProvider(ResourceProvider):
    def create(self, props):
        return CreateResult(id_="counter-1", outs={**props, "doubled": props["value"] * 2})


class Counter(Resource):
    doubled: pulumi.Output[int]

    def __init__(self, name, value, opts=None):
        super().__init__(CounterProvider(), name, {"value": value, "doubled": None}, opts)


class Pair(pulumi.ComponentResource):
    def __init__(self, name):
        super().__init__("tiny:index:Pair", name, {}, None)
        self.counter = Counter(f"{name}-counter", 21, pulumi.ResourceOptions(parent=self))
        self.register_outputs({"doubled": self.counter.doubled})


pair = Pair("pair")
pulumi.export("doubled", pair.counter.doubled)
"""


@pytest.fixture
def tiny_project(tmp_path: Path) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: tiny\nruntime: python\nstackConfigDir: stacks\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(TINY_PROGRAM))
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.local-tiny.yaml").write_text("config: {}\n")
    return tmp_path


def test_engine_is_the_pinned_version(engine_root: Path) -> None:
    out = subprocess.run([str(engine_root / "bin" / "pulumi"), "version"], capture_output=True, text=True, check=True)
    version = version_tuple(out.stdout)
    if engine_root == engine_cache_dir():
        assert version == version_tuple(PINNED_VERSION), "the cached build must be exactly the pin"
    else:
        assert version >= version_tuple(PINNED_VERSION), f"pulumi on PATH is older than the pin: {out.stdout}"
    plugin = engine_root / "bin" / "pulumi-resource-pulumi-python"
    assert plugin.is_file() and os.access(plugin, os.X_OK), "the Python dynamic-provider plugin must sit beside it"
    # The standard CLI runs Python and YAML programs here: both language hosts beside it (or on PATH).
    assert has_engine_parts(engine_root / "bin")
    for host in ("pulumi-language-python", "pulumi-language-yaml"):
        found = engine_root / "bin" / host
        assert not found.is_file() or os.access(found, os.X_OK), host


def test_lifecycle_of_component_and_dynamic_resource(failoverkit_cli, tiny_project: Path) -> None:
    base = ("--stack", "local-tiny", "--project-dir", str(tiny_project))

    preview = failoverkit_cli("preview", *base)
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert "tiny:index:Pair" in preview.stdout and "+ 3 to create" in preview.stdout

    up = failoverkit_cli("up", *base, "--yes")
    assert up.returncode == 0, up.stdout + up.stderr
    assert "3 created" in up.stdout

    again = failoverkit_cli("up", *base, "--yes")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "3 unchanged" in again.stdout and "created" not in again.stdout

    settings = EngineSettings(tiny_project, "local-tiny")
    checkpoint = settings.backend_dir / ".pulumi" / "stacks" / "tiny" / "local-tiny.json"
    state = json.loads(checkpoint.read_text())
    outputs = next(
        r["outputs"] for r in state["checkpoint"]["latest"]["resources"] if r["type"] == "pulumi:pulumi:Stack"
    )
    assert outputs["doubled"] == 42

    down = failoverkit_cli("destroy", *base, "--yes")
    assert down.returncode == 0, down.stdout + down.stderr
    assert "3 deleted" in down.stdout
    # The engine's closing hint ("... still maintained ... run `pulumi stack rm`") would be false here.
    assert "pulumi stack rm" not in down.stdout and "still maintained" not in down.stdout, down.stdout
    assert "stack 'local-tiny' deleted its resources and was removed with its history and engine state" in down.stdout
    assert "its config stays in stacks/Pulumi.local-tiny.yaml" in down.stdout
    assert not checkpoint.exists(), "destroy must remove the stack from the backend"
    assert not settings.root.exists(), f"destroy of the last stack must leave nothing: {list(settings.root.rglob('*'))}"
    assert (tiny_project / "stacks" / "Pulumi.local-tiny.yaml").is_file(), "destroy must keep the user's stack config"


def test_unknown_stack_is_a_clear_usage_error(failoverkit_cli, tiny_project: Path) -> None:
    result = failoverkit_cli("preview", "--stack", "nope", "--project-dir", str(tiny_project))
    assert result.returncode == 2
    assert "unknown stack 'nope'" in result.stderr and "local-tiny" in result.stderr


def test_cloud_stacks_never_get_the_dev_passphrase(failoverkit_cli, tiny_project: Path) -> None:
    (tiny_project / "stacks" / "Pulumi.prod.yaml").write_text("config: {}\n")
    result = failoverkit_cli(
        "preview",
        "--stack",
        "prod",
        "--project-dir",
        str(tiny_project),
        unset=("PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"),
    )
    assert result.returncode == 2
    assert "PULUMI_CONFIG_PASSPHRASE" in result.stderr and "local stacks only" in result.stderr
