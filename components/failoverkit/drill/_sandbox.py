"""A local failover setup started without the engine: demo-app targets and the DNS server as real processes.

Drill tests and the drill benchmark use it to drill real processes on
loopback addresses of their own (default 127.0.66.x, DNS on 127.0.66.53 at a
high port), so they clash neither with the ``local`` stack nor with other
tests. It starts exactly what the ``local`` stack's dynamic resources start
(same launches, same server config) and returns outputs shaped like the
reference program's, so a drill cannot tell the difference.

Example::

    with LocalSandbox(tmp_path) as outputs:
        plan = DrillPlan.from_outputs(outputs, stack="sandbox", fault="crash")
        result = execute(plan)
    # every process is stopped here
"""

from __future__ import annotations

import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from failoverkit.budget import HealthCheck, failback_budget, failover_budget
from failoverkit.drill._faults import signal_exactly
from failoverkit.localcloud import process

PLACES = (("aws", "us-east-1"), ("gcp", "europe-west1"), ("azure", "westeurope"))


@dataclass
class LocalSandbox:
    """Targets (primary first) and a failover DNS server under ``state_dir``; a context manager."""

    state_dir: Path
    app: str = "shop"
    hostname: str = "shop.drill.test"
    zone: str = "drill.test"
    addresses: tuple[str, ...] = ("127.0.66.1", "127.0.66.2", "127.0.66.3")
    port: int = 18080
    dns_address: str = "127.0.66.53"
    dns_port: int = 18053
    health_check: HealthCheck = field(default_factory=lambda: HealthCheck(0.25, 2, 0.15, 2))
    """Fast checks so a drill takes seconds (default: 0.25 s x 2, timeout 0.15 s, recovery 2)."""
    ttl_seconds: int = 1
    health_path: str = "/health"
    launches: list[process.Launch] = field(default_factory=list)

    def _endpoints(self) -> list[dict[str, Any]]:
        return [
            {"priority": i, "cloud": cloud, "region": region, "address": address, "key": f"{cloud}-{region}"}
            for i, ((cloud, region), address) in enumerate(zip(PLACES, self.addresses, strict=False))
        ]

    def start(self) -> dict[str, Any]:
        """Start every target, then the DNS server; return the stack outputs a drill reads."""
        from failoverkit.localcloud import providers  # the same launches the local stack's resources use

        state = str(self.state_dir)
        try:
            for e in self._endpoints():
                launch = providers.target_launch(
                    {
                        "stateDir": state,
                        "name": f"{self.app}-{e['key']}",
                        "argv": [sys.executable, "-m", "failoverkit.demoapp"],
                        "cloud": e["cloud"],
                        "region": e["region"],
                        "address": e["address"],
                        "port": self.port,
                        "healthPath": self.health_path,
                    }
                )
                self.launches.append(launch)
                process.start(launch)
            hc = self.health_check
            launch, config = providers.dns_launch(
                {
                    "stateDir": state,
                    "hostname": self.hostname,
                    "zone": self.zone,
                    "ttlSeconds": self.ttl_seconds,
                    "listenAddress": self.dns_address,
                    "listenPort": self.dns_port,
                    "healthCheck": hc.to_config(),
                    "endpoints": [
                        {k: e[k] for k in ("priority", "cloud", "region", "address")}
                        | {"port": self.port, "healthPath": self.health_path}
                        for e in self._endpoints()
                    ],
                    "records": [],
                }
            )
            process.write_json_atomic(launch.pid_path.parent / "config.json", config.to_json())
            self.launches.append(launch)
            process.start(launch)
        except BaseException:
            self.stop()
            raise
        return self.outputs()

    def outputs(self) -> dict[str, Any]:
        """Outputs as ``failoverkit.program.reference_program`` exports them."""
        hc = self.health_check
        endpoints = [
            {
                "key": e["key"],
                "cloud": e["cloud"],
                "region": e["region"],
                "priority": e["priority"],
                "simulated": True,
                "originHostname": e["address"],
                "port": self.port,
                "protocol": "HTTP",
                "healthUrl": f"http://{e['address']}:{self.port}{self.health_path}",
            }
            for e in self._endpoints()
        ]
        return {
            "app": self.app,
            "hostname": self.hostname,
            "url": f"http://{self.hostname}:{self.port}/",
            "endpoints": endpoints,
            "placements": [f"{e['cloud']}/{e['region']}" for e in endpoints],
            "failoverBudgetSeconds": failover_budget("local", hc, self.ttl_seconds).total_seconds,
            "failbackBudgetSeconds": failback_budget("local", hc, self.ttl_seconds).total_seconds,
            "rtoSeconds": 30,
            "dns": {
                "providers": ["local"],
                "hostname": self.hostname,
                "ttlSeconds": self.ttl_seconds,
                "healthCheck": hc.to_config(),
                "server": f"{self.dns_address}:{self.dns_port}",
                "stateDir": str(self.state_dir),
                "processes": {e["key"]: f"{self.app}-{e['key']}" for e in self._endpoints()},
            },
        }

    def running(self) -> list[str]:
        """Names of this sandbox's processes that are running now (as their pid files say)."""
        alive = []
        for launch in self.launches:
            record = process.read_record(launch.pid_path)
            if record is not None and process.is_running(record):
                alive.append(launch.name)
        return alive

    def stop(self) -> None:
        """Stop every process this sandbox started (also ones a drill restarted: the pid file names them)."""
        for launch in reversed(self.launches):
            record = process.read_record(launch.pid_path)
            if record is None:
                continue
            # A hung (SIGSTOPped) process would hold SIGTERM until continued.
            signal_exactly(record, signal.SIGCONT)
            process.stop(record, pid_path=launch.pid_path)

    def __enter__(self) -> dict[str, Any]:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
