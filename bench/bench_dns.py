"""Benchmark: the local failover DNS server's queries per second and latency over UDP on loopback.

Starts the real server (``python -m failoverkit.localcloud.dnsserver``, detached, as the
local stack does) with health checks against a demo app, then sends A queries for the
hostname from one client socket, one at a time (each waits for its answer), bounded by
``--queries`` or ``--seconds``, whichever comes first. Side by side, the same client
against a minimal UDP echo server on loopback gives the floor of the measuring setup
(Python socket round trips); the ratio shows what the DNS work itself costs.

Run: ``.venv/bin/python bench/bench_dns.py [--queries 5000] [--seconds 10] [--json]``
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import dns.message
import dns.rdatatype
from failoverkit.budget import HealthCheck
from failoverkit.localcloud import process
from failoverkit.localcloud.dnsserver import EndpointConfig, ServerConfig
from failoverkit.localcloud.providers import DNS_PROCESS_NAME

HOSTNAME = "shop.failoverkit.test"
ADDRESS = "127.0.77.200"


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind((host, 0))
        port: int = udp.getsockname()[1]
    return port


def measure(where: tuple[str, int], queries: int, seconds: float, check: bool) -> dict[str, Any]:
    """Sequential request/response over one UDP socket; latencies in milliseconds."""
    wires = [dns.message.make_query(HOSTNAME, "A", id=i % 65536).to_wire() for i in range(64)]
    latencies: list[float] = []
    timeouts = 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(1.0)
        sock.connect(where)
        started = time.perf_counter()
        deadline = started + seconds
        for i in range(queries):
            wire = wires[i % len(wires)]
            t0 = time.perf_counter()
            sock.send(wire)
            try:
                reply = sock.recv(4096)
            except TimeoutError:
                timeouts += 1
                continue
            latencies.append((time.perf_counter() - t0) * 1000)
            if check and i < 10:  # a few real answers, so we measure DNS, not errors
                answer = dns.message.from_wire(reply).answer
                assert answer and answer[0].rdtype == dns.rdatatype.A, reply
            if t0 > deadline:
                break
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "queries": len(latencies),
        "timeouts": timeouts,
        "seconds": round(elapsed, 3),
        "qps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered), 3),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 3),
        "max_ms": round(ordered[-1], 3),
    }


def echo_server(stop: threading.Event) -> tuple[str, int]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((ADDRESS, 0))
    sock.settimeout(0.2)

    def serve() -> None:
        with sock:
            while not stop.is_set():
                try:
                    data, peer = sock.recvfrom(4096)
                except TimeoutError:
                    continue
                sock.sendto(data, peer)

    threading.Thread(target=serve, daemon=True).start()
    host, port = sock.getsockname()
    return str(host), int(port)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-dns-") as tmp:
        state = Path(tmp)
        app_port = free_port(ADDRESS)
        app = process.new_launch(
            state, "app", [sys.executable, "-m", "failoverkit.demoapp", "--address", ADDRESS, "--port", str(app_port)],
            {}, ADDRESS, app_port,
        )  # fmt: skip
        dns_port = free_port(ADDRESS)
        config = ServerConfig(
            hostname=HOSTNAME,
            zone="failoverkit.test",
            ttl_seconds=1,
            listen_address=ADDRESS,
            listen_port=dns_port,
            health_check=HealthCheck(1, 2, 0.5, 2),
            endpoints=(EndpointConfig(0, "aws", "us-east-1", ADDRESS, app_port),),
            status_path=state / DNS_PROCESS_NAME / "status.json",
        )
        config_path = state / DNS_PROCESS_NAME / "config.json"
        process.write_json_atomic(config_path, config.to_json())
        server = process.new_launch(
            state, DNS_PROCESS_NAME,
            [sys.executable, "-m", "failoverkit.localcloud.dnsserver", "--config", str(config_path)],
            {}, ADDRESS, dns_port,
        )  # fmt: skip
        records = []
        stop = threading.Event()
        try:
            records.append(process.start(app))
            records.append(process.start(server))
            measure((ADDRESS, dns_port), 200, 2, check=True)  # warm-up
            dns_figures = measure((ADDRESS, dns_port), args.queries, args.seconds, check=True)
            echo_figures = measure(echo_server(stop), args.queries, args.seconds, check=False)
        finally:
            stop.set()
            for record in reversed(records):
                process.stop(record)

    ratio = round(dns_figures["qps"] / echo_figures["qps"], 3)
    if args.json:
        print(json.dumps({"dns": dns_figures, "udp_echo_baseline": echo_figures, "qps_ratio_vs_echo": ratio}))
        return 0
    print(f"local failover DNS server, UDP on loopback, sequential client, {dns_figures['queries']} queries")
    print(f"{'':22}{'qps':>10}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}{'timeouts':>10}")
    for label, f in (("dns server", dns_figures), ("udp echo (baseline)", echo_figures)):
        print(f"{label:22}{f['qps']:>10}{f['p50_ms']:>10}{f['p99_ms']:>10}{f['max_ms']:>10}{f['timeouts']:>10}")
    print(f"dns qps / echo qps = {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
