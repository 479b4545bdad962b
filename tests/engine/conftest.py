"""Fixtures for tests that drive the real Pulumi engine through the `failoverkit` CLI.

Each engine operation runs in its own process, as users run it (and because
Python dynamic providers can only be serialised a few hundred times per process).
A missing engine fails these tests with the reason; it never skips them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FAILOVERKIT = Path(sys.executable).parent / "failoverkit"

RunCli = Callable[..., subprocess.CompletedProcess[str]]


def _run(
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


@pytest.fixture(scope="session")
def engine_root() -> Path:
    """The pinned engine; fails (never skips) with how to get it when it is missing."""
    from failoverkit.engine import find_engine

    return find_engine()


@pytest.fixture
def failoverkit_cli(engine_root: Path) -> RunCli:
    """Run ``failoverkit ARGS...`` in a subprocess; returns the CompletedProcess."""
    return _run
