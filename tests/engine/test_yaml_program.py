"""FailoverApp from another language: examples/yaml-local, a Pulumi YAML program, through the real CLI.

The component runs as a provider plugin (components/PulumiPlugin.yaml) through the Python language host;
the YAML host evaluates the program. The README's block runs verbatim in a sandbox copy whose program
defaults are moved to addresses of their own (127.0.86.x): schema, up, a drill, destroy.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from doc_commands import doc_block
from engine_support import REPO, Shell, make_sandbox, pulumi_env
from failoverkit.localcloud import process
from pulumi.provider.experimental.component import ComponentProvider

pytestmark = pytest.mark.engine

ADDRESSES = ("127.0.86.1", "127.0.86.2", "127.0.86.3")
PORT = 18680
DNS_LISTEN = "127.0.86.53:18653"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def plugin_provider() -> ComponentProvider:
    """The provider exactly as components/__main__.py builds it (its ``__name__`` guard keeps it from serving)."""
    spec = importlib.util.spec_from_file_location("failoverkit_plugin_main", REPO / "components" / "__main__.py")
    assert spec is not None and spec.loader is not None
    main = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(main)
    return ComponentProvider(main.COMPONENTS, main.NAME, main.NAMESPACE, main.version())


def without_item_descriptions(spec: Any) -> Any:
    """``spec`` without the descriptions under ``items`` and ``additionalProperties``."""
    if isinstance(spec, dict):
        return {
            k: ({kk: vv for kk, vv in v.items() if kk != "description"} if k in ITEM_KEYS else v)
            for k, v in ((k, without_item_descriptions(v)) for k, v in spec.items())
        }
    return [without_item_descriptions(v) for v in spec] if isinstance(spec, list) else spec


ITEM_KEYS = ("items", "additionalProperties")


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Path]:
    root = make_sandbox(tmp_path / "repo")
    program = root / "examples" / "yaml-local" / "Pulumi.yaml"
    text = program.read_text()
    for default, ours in zip(("127.0.30.1", "127.0.30.2", "127.0.30.3"), ADDRESSES, strict=True):
        text = text.replace(default, ours)
    text = text.replace("default: 8080", f"default: {PORT}").replace("127.0.30.53:10030", DNS_LISTEN)
    assert text.count("127.0.30.") == 0, "the example's defaults moved, this fixture must follow"
    program.write_text(text)
    yield root
    for pid_file in (root / "examples" / "yaml-local" / ".failoverkit").rglob("*.pid"):
        record = process.read_record(pid_file)
        if record is not None and process.is_running(record):
            with contextlib.suppress(ProcessLookupError):
                os.kill(record.pid, signal.SIGKILL)


def _shell(sandbox: Path) -> Shell:
    """A shell that has run the README's standard-CLI exports (PATH, backend, passphrase)."""
    shell = Shell(sandbox, pulumi_env(sandbox))
    for line in doc_block("standard-cli")[:3]:
        assert shell.run(line).returncode == 0, line
    return shell


def _out(result: subprocess.CompletedProcess[str]) -> str:
    return ANSI.sub("", result.stdout + result.stderr)


def test_readme_yaml_program_deploys_the_local_topology_and_passes_a_drill(sandbox: Path) -> None:
    shell = _shell(sandbox)
    lines = doc_block("yaml-program")
    assert lines[0] == "cd examples/yaml-local" and any(line.startswith("pulumi up") for line in lines), lines
    started: list[process.ProcessRecord] = []
    for line in lines:
        result = shell.run(line)
        out = _out(result)
        assert result.returncode == 0, f"$ {line}\n{out}"
        if "get-schema" in line:
            assert json.loads(result.stdout)["resources"]["failoverkit:index:FailoverApp"]["isComponent"] is True
        elif line.startswith("pulumi up"):
            assert "6 created" in out, out
            assert f'url                  : "http://shop.failoverkit.test:{PORT}/"' in out, out
            assert "failoverBudgetSeconds: 3.5" in out, out
            state = shell.cwd / ".failoverkit" / "state" / "local"
            started.extend(r for p in state.rglob("*.pid") if (r := process.read_record(p)))
            assert len(started) == 4 and all(process.is_running(r) for r in started), started
            assert {r.argv[0] for r in started} == {str(sandbox / ".venv" / "bin" / "python")}, "the kit's env"
        elif "failoverkit drill" in line:
            assert "PASS: failover and failback observed within budget" in out, out
        elif line.startswith("pulumi destroy"):
            assert "6 deleted" in out, out
            assert not any(process.is_running(r) for r in started)
            assert not any(process.accepts_tcp(a, PORT) for a in ADDRESSES)
        elif line.startswith("pulumi stack rm"):
            assert not (shell.cwd / "Pulumi.local.yaml").exists(), "the stack's config goes with it"
    assert started, "the README block must deploy the program"


def test_schema_through_the_cli_is_the_components_own(sandbox: Path) -> None:
    """`pulumi package get-schema` runs the plugin through the host: inputs, outputs and descriptions intact."""
    shell = _shell(sandbox)
    shell.run("cd examples/yaml-local")
    result = shell.run("pulumi package get-schema ../../components")
    assert result.returncode == 0, _out(result)
    cli = json.loads(result.stdout)
    own = json.loads(plugin_provider().schema or "{}")
    assert (cli["name"], cli["namespace"], cli["version"]) == (own["name"], own["namespace"], own["version"])
    # The CLI keeps every property's description; a copy of it on the property's items (arrays, maps) it drops.
    assert cli["resources"] == without_item_descriptions(own["resources"])
    assert cli["types"] == without_item_descriptions(own["types"])
    app = cli["resources"]["failoverkit:index:FailoverApp"]
    assert set(app["inputProperties"]) == {"app", "hostname", "targets", "dns", "rtoSeconds", "drillFaults"}
    assert {"url", "endpoints", "failoverBudgetSeconds", "dns", "drillFaults"} <= set(app["properties"])
    assert all(p.get("description") for p in (*app["inputProperties"].values(), *app["properties"].values()))
    assert "Worst-case seconds" in app["properties"]["failoverBudgetSeconds"]["description"]


def test_the_readme_says_package_add_stops_where_it_first_mentions_it() -> None:
    # What the next test proves must be said up front, not after a sentence that says the command just works.
    text = " ".join((REPO / "README.md").read_text().split())
    at = text.index("pulumi package add")
    sentence = text[text.rfind(". ", 0, at) : text.find(". ", at)]
    assert "stops short" in sentence and "`Link`" in sentence, sentence


def test_package_add_stops_at_the_yaml_hosts_missing_link_step(sandbox: Path) -> None:
    """`pulumi package add ../../components` gets the schema and writes YAML's package lock, then needs `Link`.

    pulumi-language-yaml v1.25.0 (the pin; the proxy serves no later one) does not implement Link, which
    CLI v3.274's `package add` calls last; examples/yaml-local therefore declares `packages:` itself. When
    this test fails because the command succeeds, the pin gained Link: let the README show `package add`.
    """
    shell = _shell(sandbox)
    shell.run("cd examples/yaml-local")
    result = shell.run("pulumi package add ../../components")
    out = _out(result)
    assert result.returncode != 0 and "linking package: method Link not implemented" in out, out
    lock = shell.cwd / "sdks" / "failoverkit-failoverkit" / "failoverkit-0.1.0.yaml"
    assert "name: failoverkit" in lock.read_text()
