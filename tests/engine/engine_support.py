"""Shared helpers of the engine tests: run the `failoverkit` CLI in its own process."""

from __future__ import annotations

import os
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
