"""Drive the real Pulumi engine through the Automation API.

The reference program runs as an inline program with the project directory as
the work dir, so the real Pulumi.yaml and stacks/ are used (DESIGN.md "Pulumi
engine"). Everything the engine writes stays inside the project, under
``.failoverkit/`` (gitignored): the file backend, PULUMI_HOME and the local
stack's process state.

Example::

    stack = open_stack("local", Path("."))
    stack.up(on_output=print)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from failoverkit.errors import EngineError
from failoverkit.localcloud import process

PINNED_VERSION = "3.274.1"
DEV_PASSPHRASE = "failoverkit-local-dev-only"
"""Secrets passphrase of the simulated ``local`` stacks only. Never protects a real secret."""


def version_tuple(text: str) -> tuple[int, ...]:
    """``v3.274.1-dev`` -> ``(3, 274, 1)``: comparable release numbers; (0,) when unreadable."""
    core = text.strip().lstrip("v").split("-")[0].split("+")[0]
    try:
        return tuple(int(p) for p in core.split("."))
    except ValueError:
        return (0,)


def engine_cache_dir(version: str = PINNED_VERSION) -> Path:
    """Per-user cache of engine builds, keyed by version (shared by every clone and by CI)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "failoverkit" / "engine" / f"v{version}"


def _version_of(binary: Path) -> str:
    env = {**os.environ, "PULUMI_SKIP_UPDATE_CHECK": "true"}
    out = subprocess.run([str(binary), "version"], capture_output=True, text=True, env=env, timeout=60, check=False)
    return out.stdout.strip()


ENGINE_PARTS = ("pulumi-resource-pulumi-python", "pulumi-language-python", "pulumi-language-yaml")
"""What the standard CLI needs beside ``pulumi`` here: Python dynamic providers, Python and YAML programs."""


def has_engine_parts(bin_dir: Path) -> bool:
    """Every one of ENGINE_PARTS is in ``bin_dir`` or on PATH (as scripts/setup-engine decides)."""
    return all((bin_dir / part).is_file() or shutil.which(part) for part in ENGINE_PARTS)


def find_engine() -> Path:
    """The directory whose ``bin/pulumi`` is the pinned engine (or a newer, complete one on PATH).

    Raises EngineError saying how to get one when there is none.
    """
    on_path = shutil.which("pulumi")
    if on_path:
        binary = Path(on_path).resolve()
        newer = version_tuple(_version_of(binary)) >= version_tuple(PINNED_VERSION)
        if newer and has_engine_parts(binary.parent):
            return binary.parent.parent
    cached = engine_cache_dir() / "bin" / "pulumi"
    if cached.is_file() and version_tuple(_version_of(cached)) == version_tuple(PINNED_VERSION):
        return cached.parent.parent
    raise EngineError(
        f"no Pulumi engine v{PINNED_VERSION} or newer: none on PATH and none in {cached.parent}. "
        "Run scripts/setup (builds it from the Go module proxy), or install the official Pulumi CLI."
    )


def find_project_dir(start: Path | None = None) -> Path:
    """The nearest directory at or above ``start`` (default: cwd) holding a Pulumi.yaml."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "Pulumi.yaml").is_file():
            return candidate
    raise EngineError(f"no Pulumi.yaml in {here} or above; pass --project-dir")


def is_dev_stack(stack: str) -> bool:
    """``local`` and ``local-*`` stacks are simulated on loopback and may use the dev-only passphrase."""
    return stack == "local" or stack.startswith("local-")


@dataclass(frozen=True)
class EngineSettings:
    """Where the engine keeps its files for one project, and the environment it runs with."""

    project_dir: Path
    stack: str

    @property
    def root(self) -> Path:
        return self.project_dir / ".failoverkit"

    @property
    def backend_dir(self) -> Path:
        return self.root / "backend"

    @property
    def pulumi_home(self) -> Path:
        return self.root / "pulumi-home"

    @property
    def state_dir(self) -> Path:
        """Logs, pid files and configs of the stack's local processes."""
        return self.root / "state" / self.stack

    def env(self, engine_dir: Path) -> dict[str, str]:
        # A cloud stack lives where its user keeps it (e.g. a game-day job that ran `pulumi up` against its
        # own backend) and needs its provider plugins downloaded; local stacks stay offline, inside the repo.
        dev = is_dev_stack(self.stack)
        backend = None if dev else os.environ.get("PULUMI_BACKEND_URL")
        home = None if dev else os.environ.get("PULUMI_HOME")
        env = {
            "PULUMI_BACKEND_URL": backend or f"file://{self.backend_dir}",
            "PULUMI_HOME": home or str(self.pulumi_home),
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true" if dev else "false",
            # The engine starts dynamic providers with this interpreter: the project's environment.
            "PULUMI_PYTHON_CMD": sys.executable,
            "PULUMI_RUNTIME_VIRTUALENV": str(Path(sys.prefix)),
            "PATH": f"{engine_dir / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "FAILOVERKIT_STATE_DIR": str(self.state_dir),
        }
        has_passphrase = "PULUMI_CONFIG_PASSPHRASE" in os.environ or "PULUMI_CONFIG_PASSPHRASE_FILE" in os.environ
        if not has_passphrase:
            if not is_dev_stack(self.stack):
                raise EngineError(
                    f"stack {self.stack!r}: set PULUMI_CONFIG_PASSPHRASE (or _FILE) or use a cloud secrets provider; "
                    "the dev-only passphrase is for local stacks only"
                )
            env["PULUMI_CONFIG_PASSPHRASE"] = DEV_PASSPHRASE
        return env


def _clear_stale_locks(settings: EngineSettings) -> None:
    """A killed operation leaves its lock behind; drop locks whose process is gone so the next run converges."""
    locks = settings.backend_dir / ".pulumi" / "locks"
    if not locks.is_dir():
        return
    this_host = os.uname().nodename
    # Gone, or killed and not reaped (a zombie): either way the lock protects nothing.
    for lock in locks.rglob("*.json"):
        try:
            owner = json.loads(lock.read_text())
            pid = int(owner.get("pid", 0))
        except (OSError, ValueError, AttributeError):
            continue
        if pid and owner.get("hostname", this_host) == this_host and process.process_state(pid) in (None, "Z", "X"):
            lock.unlink(missing_ok=True)


def project_settings(project_dir: Path) -> dict[str, Any]:
    """The project's Pulumi.yaml as a mapping (EngineError when there is none)."""
    import yaml

    path = project_dir / "Pulumi.yaml"
    if not path.is_file():
        raise EngineError(f"{project_dir}: no Pulumi.yaml here")
    settings = yaml.safe_load(path.read_text()) or {}
    if not isinstance(settings, dict):
        raise EngineError(f"{path}: not a Pulumi project file")
    return settings


def project_program(project_dir: Path) -> Callable[[], None]:
    """The project's own program (Pulumi.yaml ``main``, default ``__main__.py``) as an inline program.

    For this repo that is the reference program; for any other Pulumi Python
    project it is that project's program, run exactly as ``pulumi up`` would.
    """
    import runpy

    main = project_dir / str(project_settings(project_dir).get("main") or ".")
    entry = main / "__main__.py" if main.is_dir() else main

    def program() -> None:
        sys.path.insert(0, str(entry.parent))
        try:
            runpy.run_path(str(entry), run_name="__main__")
        finally:
            sys.path.remove(str(entry.parent))

    return program


def stack_config_file(project_dir: Path, stack: str) -> Path:
    """``Pulumi.<stack>.yaml`` in the project's ``stackConfigDir`` (default: the project directory)."""
    config_dir = project_dir / str(project_settings(project_dir).get("stackConfigDir") or ".")
    return config_dir / f"Pulumi.{stack}.yaml"


def open_stack(stack: str, project_dir: Path, program: Callable[[], None] | None = None, *, create: bool = True) -> Any:
    """Create or select ``stack`` of the project in ``project_dir``, its program run inline.

    ``create=False`` only selects: a stack the backend does not know raises EngineError (nothing is written).
    """
    from pulumi import automation as auto

    project = project_settings(project_dir)
    config_file = stack_config_file(project_dir, stack)
    config_dir = config_file.parent
    if not config_file.is_file():
        known = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in config_dir.glob("Pulumi.*.yaml"))
        raise EngineError(f"unknown stack {stack!r}: no {config_file}; stacks: {', '.join(known) or 'none'}")
    settings = EngineSettings(project_dir.resolve(), stack)
    engine_dir = find_engine()
    env = settings.env(engine_dir)
    if env["PULUMI_BACKEND_URL"] == f"file://{settings.backend_dir}":
        settings.backend_dir.mkdir(parents=True, exist_ok=True)
    Path(env["PULUMI_HOME"]).mkdir(parents=True, exist_ok=True)
    _clear_stale_locks(settings)
    os.environ.update(env)  # the inline program and its dynamic providers run in this process
    command = auto.PulumiCommand(root=str(engine_dir))
    opts = auto.LocalWorkspaceOptions(
        work_dir=str(settings.project_dir),
        pulumi_home=env["PULUMI_HOME"],
        env_vars=env,
        pulumi_command=command,
    )
    opener = auto.create_or_select_stack if create else auto.select_stack
    try:
        return opener(
            stack_name=stack,
            project_name=str(project.get("name") or project_dir.name),
            program=program or project_program(project_dir),
            opts=opts,
        )
    except auto.errors.StackNotFoundError:
        raise EngineError(
            f"stack {stack!r} is not deployed (the backend has no such stack); run failoverkit up first"
        ) from None
    except auto.errors.CommandError as exc:
        raise EngineError(f"could not open stack {stack!r}: {exc}") from exc


def stack_outputs(stack: str, project_dir: Path | None = None) -> dict[str, Any]:
    """The stack's outputs as plain values, read through the engine."""
    stack_obj = open_stack(stack, project_dir or find_project_dir())
    outputs = stack_obj.outputs()
    if not outputs:
        raise EngineError(f"stack {stack!r} has no outputs: run `failoverkit up --stack {stack}` first")
    return {k: v.value for k, v in outputs.items()}


def remove_stack_files(stack: Any, project_dir: Path) -> None:
    """After a destroy of ``stack``: remove it from the backend with its history, backups and state folder.

    When it was the project's last stack, ``.failoverkit/`` goes too: nothing is left behind.
    """
    settings = EngineSettings(project_dir.resolve(), stack.name)
    stack.workspace.remove_stack(stack.name, preserve_config=True)  # the stack's config file is the user's
    meta = settings.backend_dir / ".pulumi"
    project = str(project_settings(settings.project_dir).get("name") or settings.project_dir.name)
    for leftover in (
        meta / "history" / project / stack.name,
        meta / "backups" / project / stack.name,
        meta / "locks" / "organization" / project / stack.name,
        settings.state_dir,
    ):
        shutil.rmtree(leftover, ignore_errors=True)
    for bak in (meta / "stacks" / project).glob(f"{stack.name}.json*"):
        bak.unlink(missing_ok=True)
    if not any((meta / "stacks").rglob("*.json")):
        shutil.rmtree(settings.root, ignore_errors=True)
