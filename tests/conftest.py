"""Shared fixtures: ``recorder`` runs a Pulumi program under mocks and returns what it registered."""

from __future__ import annotations

from collections.abc import Callable, Mapping

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
