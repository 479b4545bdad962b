"""failoverkit's Python language host (engine/python-host/host.py): its rules, and the process the engine starts.

The end-to-end behaviour (programs, policy packs, plugins through `pulumi`) is in test_standard_cli.py and
test_yaml_program.py; here are the pieces the engine relies on, each against what Pulumi documents:
Pulumi.yaml `runtime.options` (virtualenv relative to the project, toolchain, typechecker), the exec
script's arguments, config in PULUMI_CONFIG, the exit-code contract, pulumi-plugin.json.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import grpc
import pytest
from engine_support import REPO
from failoverkit.engine import PINNED_VERSION, engine_cache_dir, find_engine
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import language_pb2, language_pb2_grpc

HOST_DIR = REPO / "engine" / "python-host"


def load_host() -> ModuleType:
    spec = importlib.util.spec_from_file_location("failoverkit_language_host", HOST_DIR / "host.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


host = load_host()


def info(root: Path, **options: object) -> language_pb2.ProgramInfo:
    opts = struct_pb2.Struct()
    opts.update(options)
    return language_pb2.ProgramInfo(
        root_directory=str(root), program_directory=str(root), entry_point=".", options=opts
    )


def fake_venv(path: Path) -> Path:
    (path / "bin").mkdir(parents=True)
    (path / "bin" / "python").write_text("#!/bin/sh\n")
    return path


# --- which Python: Pulumi.yaml runtime.options ----------------------------------------------------------


def test_virtualenv_is_relative_to_the_project_directory(tmp_path: Path) -> None:
    # Pulumi docs, "Python" language page: `virtualenv` is a path relative to the location of Pulumi.yaml.
    fake_venv(tmp_path / "venv")
    env = host.python_environment(tmp_path, {"virtualenv": "venv"}, {"PATH": "/usr/bin"})
    assert (env.python, env.virtualenv, env.toolchain) == (str(tmp_path / "venv/bin/python"), tmp_path / "venv", "pip")
    activated = env.environ({"PATH": "/usr/bin", "PYTHONHOME": "/x"})
    assert activated["VIRTUAL_ENV"] == str(tmp_path / "venv")
    assert activated["PATH"].split(":")[0] == str(tmp_path / "venv" / "bin") and "PYTHONHOME" not in activated


def test_uv_defaults_to_dot_venv(tmp_path: Path) -> None:
    fake_venv(tmp_path / ".venv")
    env = host.python_environment(tmp_path, {"toolchain": "uv"}, {"PATH": "/usr/bin"})
    assert env.virtualenv == tmp_path / ".venv"


def test_missing_virtualenv_says_how_to_make_it(tmp_path: Path) -> None:
    with pytest.raises(
        host.HostError, match=r"'virtualenv' option .* is 'venv', but .*venv doesn't exist.*pulumi install"
    ):
        host.python_environment(tmp_path, {"virtualenv": "venv"}, {"PATH": "/usr/bin"})


def test_unknown_toolchain_is_refused(tmp_path: Path) -> None:
    with pytest.raises(host.HostError, match="toolchain: must be one of pip, uv, poetry, got 'conda'"):
        host.python_environment(tmp_path, {"toolchain": "conda"}, {})


def test_without_virtualenv_pulumi_python_cmd_wins(tmp_path: Path) -> None:
    env = host.python_environment(
        tmp_path, {}, {"PATH": str(Path(sys.executable).parent), "PULUMI_PYTHON_CMD": "python"}
    )
    assert Path(env.python).parent == Path(sys.executable).parent and env.virtualenv is None


# --- running a program: Pulumi's exec script, config, outcome ---------------------------------------------


def test_exec_arguments_carry_the_run_request(tmp_path: Path) -> None:
    request = language_pb2.RunRequest(
        project="failoverkit", stack="local", monitor_address="127.0.0.1:1", dryRun=True, parallel=16,
        organization="organization", info=language_pb2.ProgramInfo(
            root_directory=str(tmp_path), program_directory=str(tmp_path / "src"), entry_point="main.py"
        ), args=["--flag"],
    )  # fmt: skip
    assert host.exec_arguments(request, "127.0.0.1:2", None) == [
        "--monitor", "127.0.0.1:1", "--engine", "127.0.0.1:2", "--project", "failoverkit", "--stack", "local",
        "--pwd", str(tmp_path / "src"), "--dry_run", "true", "--parallel", "16", "--organization", "organization",
        "--root_directory", str(tmp_path), "main.py", "--flag",
    ]  # fmt: skip


def test_config_reaches_the_sdk_as_it_reads_it() -> None:
    # pulumi.runtime.config reads PULUMI_CONFIG (a JSON object of strings) and PULUMI_CONFIG_SECRET_KEYS.
    request = language_pb2.RunRequest(
        config={"failoverkit:app": '{"name": "shop"}', "a:b": "1"}, configSecretKeys=["a:b"]
    )
    env = host.config_environment(request)
    assert json.loads(env["PULUMI_CONFIG"]) == {"failoverkit:app": '{"name": "shop"}', "a:b": "1"}
    assert json.loads(env["PULUMI_CONFIG_SECRET_KEYS"]) == ["a:b"]


def test_exit_codes_map_to_the_engine_contract() -> None:
    # pulumi-language-python-exec: 0 ok; 32 = it already showed the user the error (bail); else a failure.
    assert host.run_outcome(0, "p") == language_pb2.RunResponse()
    assert host.run_outcome(32, "p") == language_pb2.RunResponse(bail=True)
    assert "exited with code 1" in host.run_outcome(1, "p").error
    assert "signal 9" in host.run_outcome(-9, "p").error


# --- required packages: pulumi-plugin.json ----------------------------------------------------------------


def test_required_packages_come_from_resource_manifests() -> None:
    value = base64.b64encode(b"params").decode()
    manifests = [
        {"dist": "pulumi_aws", "distVersion": "7.51.1", "manifest": '{"resource": true, "name": "aws"}'},
        {"dist": "pulumi-random", "distVersion": "4.1.0", "manifest": '{"resource": true}'},
        {"dist": "failoverkit", "distVersion": "0.1.0", "manifest": '{"resource": false}'},
        {"dist": "broken", "distVersion": "1", "manifest": "{"},
        {"dist": "x", "manifest": json.dumps({"resource": True, "name": "terraform-provider", "version": "0.1.0",
                                               "server": "https://example.test",
                                               "parameterization": {"name": "p", "version": "1.0.0", "value": value}})},
    ]  # fmt: skip
    found = host.required_packages(manifests)
    assert [(p.name, p.version, p.kind) for p in found] == [
        ("aws", "7.51.1", "resource"), ("random", "4.1.0", "resource"), ("terraform-provider", "0.1.0", "resource")
    ]  # fmt: skip
    assert found[2].server == "https://example.test" and found[2].parameterization.value == b"params"


def test_offline_only_available_plugins_are_required(tmp_path: Path) -> None:
    aws = host.required_packages([{"manifest": '{"resource": true, "name": "aws", "version": "7.51.1"}'}])[0]
    environ = {"PULUMI_HOME": str(tmp_path), "PATH": "", "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true"}
    assert host.acquisition_disabled(environ) and not host.plugin_available(aws, environ)
    (tmp_path / "plugins" / "resource-aws-v7.51.1").mkdir(parents=True)  # the plugin cache's layout
    assert host.plugin_available(aws, environ)


def test_install_creates_the_virtualenv_then_installs_requirements(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("pulumi\n")
    environ = {"PATH": str(Path(sys.executable).parent), "PULUMI_PYTHON_CMD": "python"}
    steps = host.install_steps(tmp_path, {"virtualenv": "venv"}, environ)
    python = str(tmp_path / "venv" / "bin" / "python")
    assert steps[0][1:] == ["-m", "venv", str(tmp_path / "venv")]
    assert steps[-1] == [python, "-m", "pip", "install", "-r", str(tmp_path / "requirements.txt")]


def test_install_goes_through_the_real_virtualenv_behind_a_symlink(tmp_path: Path) -> None:
    # A linked project (as the engine tests' sandboxes are) must not leave scripts whose #! is the link's path.
    real = tmp_path / "real-venv"
    (real / "bin").mkdir(parents=True)
    (real / "bin" / "python").symlink_to(sys.executable)
    project = tmp_path / "project"
    project.mkdir()
    (project / "venv").symlink_to(real)
    (project / "requirements.txt").write_text("pulumi\n")
    steps = host.install_steps(project, {"virtualenv": "venv"}, {"PATH": str(Path(sys.executable).parent)})
    assert steps == [[str(real / "bin" / "python"), "-m", "pip", "install", "-r", str(project / "requirements.txt")]]


# --- the process the engine starts ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def running_host() -> Iterator[language_pb2_grpc.LanguageRuntimeStub]:
    """host.py started as the engine starts it: flags, then the engine address; it prints its port."""
    exec_script = find_engine() / "bin" / "pulumi-language-python-exec"
    environ = {k: v for k, v in os.environ.items() if k != "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION"}
    child = subprocess.Popen(
        [sys.executable, str(HOST_DIR / "host.py"), "--exec-script", str(exec_script), "-v=9", "127.0.0.1:1"],
        stdout=subprocess.PIPE,
        text=True,
        env=environ,
    )
    assert child.stdout is not None
    port = int(child.stdout.readline())
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield language_pb2_grpc.LanguageRuntimeStub(channel)
    channel.close()
    child.terminate()
    child.stdout.close()
    assert child.wait(timeout=10) == 0, "SIGTERM ends the host cleanly"


def test_host_reports_the_engine_version(running_host: language_pb2_grpc.LanguageRuntimeStub) -> None:
    assert running_host.GetPluginInfo(empty_pb2.Empty()).version == PINNED_VERSION == host.VERSION


def test_code_generation_is_refused_clearly(running_host: language_pb2_grpc.LanguageRuntimeStub) -> None:
    for call, request in (
        (running_host.GeneratePackage, language_pb2.GeneratePackageRequest()),
        (running_host.GenerateProgram, language_pb2.GenerateProgramRequest()),
        (running_host.Link, language_pb2.LinkRequest()),
    ):
        with pytest.raises(grpc.RpcError) as raised:
            call(request)
        assert raised.value.code() == grpc.StatusCode.UNIMPLEMENTED
        assert "is not supported by this host" in raised.value.details()


def test_about_names_the_programs_python(running_host: language_pb2_grpc.LanguageRuntimeStub, tmp_path: Path) -> None:
    about = running_host.About(language_pb2.AboutRequest(info=info(REPO, toolchain="pip", virtualenv=".venv")))
    assert Path(about.executable).parent == REPO / ".venv" / "bin"
    assert about.version == ".".join(map(str, sys.version_info[:3]))
    packages = running_host.GetRequiredPackages(
        language_pb2.GetRequiredPackagesRequest(info=info(REPO, virtualenv=".venv"))
    )
    # The cloud SDKs in the kit's environment declare their plugins; failoverkit's own manifest says resource: false.
    names = {p.name for p in packages.packages}
    assert {"aws", "gcp", "azure-native", "cloudflare"} <= names and "failoverkit" not in names, names


# --- the host's own environment ---------------------------------------------------------------------------


def test_host_environment_pins_agree_with_the_repo() -> None:
    pins = dict(line.split("==") for line in (REPO / "constraints.txt").read_text().splitlines() if "==" in line)
    host_pins = dict(
        line.split("==") for line in (HOST_DIR / "requirements.txt").read_text().splitlines() if "==" in line
    )
    assert host_pins and all(pins.get(name) == version for name, version in host_pins.items()), host_pins
    assert "pulumi" in host_pins and "grpcio" in host_pins


def test_setup_installed_this_host_beside_the_engine() -> None:
    bin_dir = find_engine() / "bin"
    if find_engine() != engine_cache_dir():  # an official install: its own hosts
        assert all(
            shutil.which(p) or (bin_dir / p).is_file() for p in ("pulumi-language-python", "pulumi-language-yaml")
        )
        return
    launcher = (bin_dir / "pulumi-language-python").read_text()
    digest = hashlib.sha256((HOST_DIR / "host.py").read_bytes()).hexdigest()[:16]
    assert f"src-{digest}/host.py" in launcher, "scripts/setup-engine must reinstall a changed host"
    for part in ("pulumi-language-yaml", "pulumi-language-python-exec", "pulumi-resource-pulumi-python"):
        assert (bin_dir / part).is_file(), part
