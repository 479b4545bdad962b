"""Helpers for the cloud target tests: FailoverApp args and one run under mocks with a fake DNS zone.

Example::

    infra = run_app(recorder, monkeypatch, ["aws/us-east-1", "gcp/us-central1"])
    infra.assert_has_resource("aws:ecs/service:Service", {"desiredCount": 2})
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from assertions import APP_TYPE, Infra, with_fake_dns
from failoverkit.app import FailoverApp

IMAGE = "ghcr.io/acme/shop:1.4.2"
HOSTNAME = "shop.example.com"


def app_args(
    placements: Sequence[str | dict[str, Any]] = ("aws/us-east-1", "gcp/us-central1"), **app: Any
) -> dict[str, Any]:
    """FailoverAppArgs: ``cloud/region`` strings (or full target dicts); ``app`` overrides app keys."""
    targets = [
        dict(zip(("cloud", "region"), p.split("/"), strict=True)) if isinstance(p, str) else dict(p) for p in placements
    ]
    return {
        "app": {"name": "shop", "image": IMAGE, "port": 8080, "healthPath": "/health", **app},
        "hostname": HOSTNAME,
        "targets": targets,
        "dns": {"provider": "route53", "zone": "example.com", "ttl": 30, "healthCheck": {"intervalSeconds": 10}},
    }


def run_app(
    recorder: Any,
    monkeypatch: pytest.MonkeyPatch,
    placements: Sequence[str | dict[str, Any]] = ("aws/us-east-1", "gcp/us-central1"),
    **app: Any,
) -> Infra:
    """Register a FailoverApp with a fake DNS backend (records kept, no health checks) and return what it made."""
    with_fake_dns(monkeypatch)
    args = app_args(placements, **app)
    return Infra(recorder(lambda: FailoverApp("shop", args)))  # type: ignore[arg-type]


def outside_app(infra: Infra, prefix: str) -> list[str]:
    """Custom resources of ``prefix`` whose parent chain does not reach the FailoverApp."""
    return [f"{r.type} {r.name}" for r in infra.custom(prefix) if APP_TYPE not in infra.ancestors(r)]
