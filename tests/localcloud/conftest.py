"""Fixtures for the local clouds: state folders and processes that are always stopped."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from failoverkit.localcloud import process
from localcloud_helpers import StartApp, demo_launch


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """A fresh state folder (what FAILOVERKIT_STATE_DIR points at)."""
    folder = tmp_path / "state"
    folder.mkdir()
    return folder


@pytest.fixture
def start_app(state: Path) -> Iterator[StartApp]:
    """``start_app(name, cloud=..., region=...)`` starts a demo app; every one is stopped at teardown."""
    started: list[tuple[process.Launch, process.ProcessRecord]] = []

    def start(
        name: str = "app", cloud: str = "aws", region: str = "us-east-1"
    ) -> tuple[process.Launch, process.ProcessRecord]:
        launch = demo_launch(state, name, cloud, region)
        record = process.start(launch)
        started.append((launch, record))
        return launch, record

    try:
        yield start
    finally:
        for launch, _ in started:
            current = process.read_record(launch.pid_path)
            if current is not None:
                process.stop(current, timeout=2, pid_path=launch.pid_path)
        for _, record in started:
            process.stop(record, timeout=2)


@pytest.fixture
def no_state_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(process.STATE_DIR_ENV, raising=False)
    assert process.STATE_DIR_ENV not in os.environ
