"""The bundled demo app the ``local`` targets run: names its cloud, region and instance; fault control for drills.

Run: ``python -m failoverkit.demoapp [--cloud aws] [--region us-east-1] [--address 127.0.10.1]
[--port 8080] [--health-path /health] [--fault none|unhealthy|slow] [--fault-delay-seconds 2]``; each flag
defaults to its environment variable (``FAILOVERKIT_CLOUD``, ``FAILOVERKIT_REGION``, ``FAILOVERKIT_ADDRESS``,
``FAILOVERKIT_PORT``, ``FAILOVERKIT_HEALTH_PATH``, ``FAILOVERKIT_FAULT``, ``FAILOVERKIT_FAULT_DELAY_SECONDS``),
which the local target sets for any command, so a user's own app can read them too. ``FAILOVERKIT_FAULT`` is
the fault the app starts in (with its delay, for slow): a ``drillFaults`` entry ``unhealthy`` or ``slow`` stays
in effect across a restart.

Routes (contract; drills rely on them):

- ``GET /``: JSON ``{"cloud", "region", "instance": "<hostname>:<pid>", "host": <Host header>}``.
- ``GET <health path>``: 200 ``ok``; 503 in fault mode ``unhealthy``; 200 after ``delaySeconds``
  in mode ``slow``.
- ``POST /-/fault`` with ``{"mode": "none" | "unhealthy" | "slow", "delaySeconds": 2.0}``
  sets the fault; ``GET /-/fault`` returns the current one.

SIGTERM shuts the server down cleanly (exit 0).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from typing import Any

FAULT_MODES = ("none", "unhealthy", "slow")
START_FAULT_MODES = ("none", "unhealthy", "slow")
"""What ``--fault`` / ``FAILOVERKIT_FAULT`` may start the app in (slow with ``--fault-delay-seconds``)."""
FAULT_PATH = "/-/fault"
MAX_DELAY_SECONDS = 600.0
MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class Fault:
    """The injected fault: ``mode`` is none, unhealthy or slow; ``delay_seconds`` applies to slow."""

    mode: str = "none"
    delay_seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"mode": self.mode, "delaySeconds": self.delay_seconds}


def parse_fault(body: bytes) -> Fault:
    """A Fault from a POST body; ValueError with a message for the caller on bad input."""
    try:
        data = json.loads(body or b"{}")
    except ValueError as exc:
        raise ValueError(f'body must be JSON like {{"mode": "slow", "delaySeconds": 2}}: {exc}') from exc
    if not isinstance(data, dict):
        raise ValueError(f"body must be a JSON object, got {data!r}")
    mode = data.get("mode", "none")
    if mode not in FAULT_MODES:
        raise ValueError(f"mode must be one of {' | '.join(FAULT_MODES)}, got {mode!r}")
    delay = data.get("delaySeconds", 0.0)
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not 0 <= delay <= MAX_DELAY_SECONDS:
        raise ValueError(f"delaySeconds must be a number from 0 to {MAX_DELAY_SECONDS:g}, got {delay!r}")
    return Fault(mode, float(delay))


@dataclass(frozen=True)
class AppIdentity:
    cloud: str
    region: str
    health_path: str


class DemoServer(ThreadingHTTPServer):
    """The HTTP server plus the app's mutable fault state."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], identity: AppIdentity, fault: Fault | None = None) -> None:
        super().__init__(address, DemoHandler)
        self.identity = identity
        self.fault = fault or Fault()
        self.instance = f"{socket.gethostname()}:{os.getpid()}"


def _log(message: str) -> None:
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    print(f"{stamp} {message}", file=sys.stderr, flush=True)


class DemoHandler(BaseHTTPRequestHandler):
    server: DemoServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: health checks arrive every second; state changes are logged instead."""

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data).encode() + b"\n")

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        server = self.server
        if path == server.identity.health_path:
            fault = server.fault
            if fault.mode == "unhealthy":
                self._send(503, b"unhealthy (injected fault)\n", "text/plain")
                return
            if fault.mode == "slow":
                time.sleep(fault.delay_seconds)
            self._send(200, b"ok\n", "text/plain")
        elif path == FAULT_PATH:
            self._json(200, server.fault.to_json())
        elif path == "/":
            self._json(
                200,
                {
                    "cloud": server.identity.cloud,
                    "region": server.identity.region,
                    "instance": server.instance,
                    "host": self.headers.get("Host", ""),
                },
            )
        else:
            self._json(404, {"error": f"no route {path}"})

    do_HEAD = do_GET

    def do_POST(self) -> None:
        if self.path.split("?", 1)[0] != FAULT_PATH:
            self._json(404, {"error": f"no route {self.path}"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._json(413, {"error": "body too large"})
            return
        try:
            fault = parse_fault(self.rfile.read(length))
        except ValueError as exc:
            self._json(400, {"error": str(exc)})
            return
        before, self.server.fault = self.server.fault, fault
        if before != fault:
            _log(f"fault {before.mode} -> {fault.mode} (delaySeconds {fault.delay_seconds:g})")
        self._json(200, fault.to_json())


def _parser() -> argparse.ArgumentParser:
    env = os.environ.get
    p = argparse.ArgumentParser(prog="python -m failoverkit.demoapp", description=__doc__.split("\n")[0])
    p.add_argument("--cloud", default=env("FAILOVERKIT_CLOUD", "local"))
    p.add_argument("--region", default=env("FAILOVERKIT_REGION", "local"))
    p.add_argument("--address", default=env("FAILOVERKIT_ADDRESS", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(env("FAILOVERKIT_PORT", "8080")))
    p.add_argument("--health-path", default=env("FAILOVERKIT_HEALTH_PATH", "/health"))
    p.add_argument("--fault", default=env("FAILOVERKIT_FAULT") or "none", choices=START_FAULT_MODES)
    # A string default goes through ``type`` too: a bad environment value is refused like a bad flag.
    p.add_argument("--fault-delay-seconds", type=_delay, default=env("FAILOVERKIT_FAULT_DELAY_SECONDS") or "0")
    return p


def _delay(text: str) -> float:
    """``--fault-delay-seconds``: how late the slow fault answers health checks."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= MAX_DELAY_SECONDS:
        raise argparse.ArgumentTypeError(f"must be a number of seconds from 0 to {MAX_DELAY_SECONDS:g}, got {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until SIGTERM or SIGINT."""
    args = _parser().parse_args(argv)
    identity = AppIdentity(args.cloud, args.region, args.health_path)
    delay = args.fault_delay_seconds if args.fault == "slow" else 0.0
    server = DemoServer((args.address, args.port), identity, Fault(args.fault, delay))

    def _shutdown(signum: int, frame: FrameType | None) -> None:
        # shutdown() blocks until serve_forever returns: call it off the main thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _shutdown)
    signal.signal(signal.SIGINT, _shutdown)
    _log(
        f"demo app {args.cloud}/{args.region} listening on http://{args.address}:{args.port} (pid {os.getpid()}, "
        f"fault {args.fault})"
    )
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    _log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
