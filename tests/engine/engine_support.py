"""Shared helpers of the engine tests: run the `failoverkit` CLI in its own process."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml
from failoverkit.engine import EngineSettings
from failoverkit.localcloud import process

REPO = Path(__file__).resolve().parents[2]
FAILOVERKIT = Path(sys.executable).parent / "failoverkit"

RunCli = Callable[..., subprocess.CompletedProcess[str]]


# --- a copy of the reference project whose local stack lives on addresses of its own ------------------------


def local_stack_copy(
    project_dir: Path, stack: str, addresses: Sequence[str], port: int, dns: tuple[str, int], header: str = ""
) -> Path:
    """The reference project in ``project_dir``, its local stack as ``stack`` on ``addresses``, ``port`` and the
    DNS server on ``dns``: engine tests never meet each other or a demo left running. Returns the stack file."""
    shutil.copy(REPO / "Pulumi.yaml", project_dir / "Pulumi.yaml")
    shutil.copy(REPO / "__main__.py", project_dir / "__main__.py")
    config = yaml.safe_load((REPO / "stacks" / "Pulumi.local.yaml").read_text())
    cfg = config["config"]
    cfg["failoverkit:app"]["port"] = port
    for target, address in zip(cfg["failoverkit:targets"], addresses, strict=True):
        target["address"] = address
    cfg["failoverkit:dns"]["listen"] = f"{dns[0]}:{dns[1]}"
    config.pop("encryptionsalt", None)  # a new stack gets its own salt
    (project_dir / "stacks").mkdir()
    stack_file = project_dir / "stacks" / f"Pulumi.{stack}.yaml"
    stack_file.write_text(header + yaml.safe_dump(config))
    return stack_file


def processes_of(project_dir: Path, stack: str) -> list[int]:
    """Live (non-zombie) processes started for ``stack`` of ``project_dir`` (their environment names its state)."""
    marker = f"{process.STATE_DIR_ENV}={EngineSettings(project_dir, stack).state_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            alive = process.process_state(int(entry.name)) not in (None, "Z", "X")
            if alive and marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
    return found


def kill_processes_of(project_dir: Path, stack: str) -> None:
    """Test teardown: SIGKILL whatever the stack left running, whatever happened in the test."""
    for pid in processes_of(project_dir, stack):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def run_cli(
    *args: str,
    cwd: Path = REPO,
    timeout: float = 300,
    env: dict[str, str] | None = None,
    unset: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [str(FAILOVERKIT), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        check=False,
    )


# --- the standard CLI (`pulumi ...`), as a user runs it -------------------------------------------------------

LOCAL_PASSPHRASE = "failoverkit-local-dev-only"


def pulumi_env(sandbox: Path) -> dict[str, str]:
    """Test hygiene only: the engine's home (plugins, credentials) inside ``sandbox``, no update check.

    Everything else (PATH, backend, passphrase) comes from the README's own `export` lines.
    """
    return {"PULUMI_HOME": str(sandbox / ".pulumi-home"), "PULUMI_SKIP_UPDATE_CHECK": "true"}


class Shell:
    """Runs README lines one at a time as a user's shell would: `export` and `cd` carry over to the next line."""

    def __init__(self, cwd: Path, env: dict[str, str], prefix: tuple[str, ...] = ()) -> None:
        self.cwd = cwd
        self.env = {**os.environ, **env}
        self.prefix = prefix  # e.g. nsenter into a network namespace

    def run(self, line: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        state = Path(self.env.get("TMPDIR", "/tmp")) / f"readme-shell-{os.getpid()}"
        script = f'{line}\nrc=$?\n{{ printf "%s\\0" "$PWD"; env -0; }} > "{state}"\nexit $rc\n'
        result = subprocess.run(
            [*self.prefix, "bash", "-c", script],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        if state.is_file():
            cwd, *pairs = state.read_text().split("\0")
            state.unlink()
            self.cwd = Path(cwd)
            self.env = dict(p.split("=", 1) for p in pairs if "=" in p)
        return result


def make_sandbox(root: Path) -> Path:
    """A copy of the repo's projects, stacks, engine pins and scripts that shares its environments.

    `.venv`, `components` and `policies` are links to the repo's own (installing into them is what the
    commands under test do, e.g. the plugin's `pip install -e .`), so nothing is installed twice.
    """
    root.mkdir(parents=True)
    for name in ("Pulumi.yaml", "__main__.py", "constraints.txt"):
        shutil.copy(REPO / name, root / name)
    for name in ("stacks", "scripts", "engine", "examples"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns(".failoverkit", "sdks"))
    for name in (".venv", "components", "policies"):
        (root / name).symlink_to(REPO / name)
    return root
