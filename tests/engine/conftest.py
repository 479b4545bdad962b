"""Fixtures for tests that drive the real Pulumi engine through the `failoverkit` CLI.

Each engine operation runs in its own process, as users run it (and because
Python dynamic providers can only be serialised a few hundred times per process).
A missing engine fails these tests with the reason; it never skips them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_support import RunCli, run_cli


@pytest.fixture(scope="session")
def engine_root() -> Path:
    """The pinned engine; fails (never skips) with how to get it when it is missing."""
    from failoverkit.engine import find_engine

    return find_engine()


@pytest.fixture
def failoverkit_cli(engine_root: Path) -> RunCli:
    """Run ``failoverkit ARGS...`` in a subprocess; returns the CompletedProcess."""
    return run_cli
