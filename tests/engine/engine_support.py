"""Shared helpers of the engine tests: run the `failoverkit` CLI in its own process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FAILOVERKIT = Path(sys.executable).parent / "failoverkit"

RunCli = Callable[..., subprocess.CompletedProcess[str]]


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
