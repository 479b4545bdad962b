"""Helpers shared by the drill tests and bench/bench_drill.py: stack outputs shaped like the reference program's."""

from __future__ import annotations

from typing import Any

KEYS = ("aws-us-east-1", "gcp-europe-west1", "azure-westeurope")
PLACES = (("aws", "us-east-1"), ("gcp", "europe-west1"), ("azure", "westeurope"))


def make_outputs(
    *,
    addresses: tuple[str, ...] = ("127.0.66.1", "127.0.66.2", "127.0.66.3"),
    port: int = 18080,
    server: str | None = "127.0.66.53:18053",
    state_dir: str | None = None,
    interval: float = 0.25,
    threshold: int = 2,
    timeout: float = 0.15,
    recovery: int = 2,
    ttl: int = 1,
    hostname: str = "shop.drill.test",
    app: str | None = "shop",
) -> dict[str, Any]:
    """Outputs as ``failoverkit.program.reference_program`` exports them (plus ``app``)."""
    endpoints = [
        {
            "key": f"{cloud}-{region}",
            "cloud": cloud,
            "region": region,
            "priority": i,
            "simulated": True,
            "originHostname": address,
            "port": port,
            "protocol": "HTTP",
            "healthUrl": f"http://{address}:{port}/health",
        }
        for i, ((cloud, region), address) in enumerate(zip(PLACES, addresses, strict=False))
    ]
    dns: dict[str, Any] = {
        "providers": ["local"],
        "hostname": hostname,
        "ttlSeconds": ttl,
        "healthCheck": {
            "intervalSeconds": interval,
            "failureThreshold": threshold,
            "timeoutSeconds": timeout,
            "recoveryThreshold": recovery,
        },
    }
    if server is not None:
        dns["server"] = server
    if state_dir is not None:
        dns["stateDir"] = state_dir
    outputs: dict[str, Any] = {
        "hostname": hostname,
        "url": f"http://{hostname}:{port}/",
        "endpoints": endpoints,
        "failoverBudgetSeconds": round(interval * threshold + timeout + ttl, 3),
        "rtoSeconds": 30,
        "dns": dns,
    }
    if app is not None:
        outputs["app"] = app
    return outputs
