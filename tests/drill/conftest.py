"""Shared drill fixtures."""

from __future__ import annotations

from typing import Any

import pytest
from drill_support import make_outputs


@pytest.fixture
def outputs() -> dict[str, Any]:
    """Outputs of a three-target local stack on the drill tests' own loopback addresses (127.0.66.x)."""
    return make_outputs()
