"""Shared fixtures and the suite's one rule on skips.

``recorder`` runs a Pulumi program under mocks and returns what it registered.
A skipped test is a failure here: a missing engine, tool or package must fail the
run and say what is missing, never pass it quietly.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from typing import Any

import pytest
from failoverkit.check.mocks import RecordedResource, run_program

Recorder = Callable[..., list[RecordedResource]]


@pytest.fixture
def recorder() -> Recorder:
    """``recorder(program, config={"ns:key": "value"}, stack="test")`` -> every resource the program registered.

    Each resource carries type, name, URN, inputs, parent, provider and (for components) registered outputs.
    """

    def run(
        program: Callable[[], None],
        *,
        config: Mapping[str, str] | None = None,
        stack: str = "test",
        project: str = "failoverkit",
        secret_keys: list[str] | None = None,
    ) -> list[RecordedResource]:
        return run_program(program, project=project, stack=stack, config=config, secret_keys=secret_keys)

    return run


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    """Turn every skip (pytest.skip, skip markers, importorskip) into a failure that keeps its reason."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped tests count as failures in this suite: {reason}"
