"""Helpers for the local-cloud tests: loopback addresses and demo-app launches.

Addresses come from 127.0.77.0/24 (clear of the demo stack's 127.0.10.x and 127.0.53.1) with a
free high port, so tests can run beside a deployed local stack and beside each other.
"""

from __future__ import annotations

import itertools
import random
import socket
import sys
from collections.abc import Callable
from pathlib import Path

from failoverkit.localcloud import process

_next_host = itertools.count(random.randrange(10, 200))


def free_address() -> tuple[str, int]:
    """A 127.0.77.x address and a port free there for both TCP and UDP."""
    for _ in range(50):
        host = f"127.0.77.{next(_next_host) % 240 + 10}"
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind((host, 0))
            port = tcp.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                    udp.bind((host, port))
            except OSError:
                continue
        return host, port
    raise RuntimeError("no free loopback address/port found")


Started = tuple[process.Launch, process.ProcessRecord]
StartApp = Callable[..., Started]


def demo_launch(state: Path, name: str, cloud: str = "aws", region: str = "us-east-1") -> process.Launch:
    host, port = free_address()
    env = {
        "FAILOVERKIT_CLOUD": cloud,
        "FAILOVERKIT_REGION": region,
        "FAILOVERKIT_ADDRESS": host,
        "FAILOVERKIT_PORT": str(port),
        "FAILOVERKIT_HEALTH_PATH": "/health",
    }
    return process.new_launch(state, name, [sys.executable, "-m", "failoverkit.demoapp"], env, host, port)


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0, step: float = 0.02) -> bool:
    """Poll ``predicate`` until true or ``timeout`` seconds (bounded); returns whether it became true."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()
