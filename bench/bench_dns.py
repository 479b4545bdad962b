"""Benchmark: the local failover DNS server against dnsmasq under dnsperf, side by side on loopback.

Starts the real server (``python -m failoverkit.localcloud.dnsserver``, detached, as the local
stack does, health-checking a demo app) and dnsmasq serving the same A record, then in one run:

1. saturation: the same ``dnsperf`` load (10 clients, 200 queries outstanding, 8 s) on each,
   twice, in the order kit, dnsmasq, dnsmasq, kit so that a load the shared machine gains or
   loses meanwhile weighs on both alike: queries/s, average latency, queries lost over both
   runs, and the ratio kit / dnsmasq (goal >= 0.5);
2. headroom: the kit's server at half its own saturation rate (``dnsperf -Q``): queries lost (goal 0);
3. latency: each server at 2,000 queries/s offered: p50 and p99 per query (goal for the kit's:
   p99 <= 5 ms; dnsmasq's shows what the shared machine's scheduling alone costs);
4. a sequential client (one query at a time from Python) against each server and against a
   UDP echo server in the client's own process: the floor of that measuring setup.

Needs ``dnsperf`` and ``dnsmasq`` (Debian packages dnsperf and dnsmasq-base; ``scripts/setup``
installs them). A missing tool stops the run with the install command; nothing is installed here.

Run: ``.venv/bin/python bench/bench_dns.py [--seconds 8] [--clients 10] [--outstanding 200] [--json]``
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
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
LATENCY_QPS = 2000
INSTALL = "apt-get install -y dnsperf dnsmasq-base  (as root; scripts/setup runs it)"


def tool(name: str) -> str:
    """The tool's path; exits with the install command when it is missing (dnsmasq lives in sbin)."""
    found = shutil.which(name, path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))
    if found is None:
        sys.exit(f"bench_dns: {name} not found; install it with: {INSTALL}")
    return found


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind((host, 0))
        port: int = udp.getsockname()[1]
    return port


# --- dnsperf ---

_STATISTIC = {
    "sent": r"Queries sent:\s+(\d+)",
    "completed": r"Queries completed:\s+(\d+)",
    "lost": r"Queries lost:\s+(\d+)",
    "qps": r"Queries per second:\s+([\d.]+)",
    "run_s": r"Run time \(s\):\s+([\d.]+)",
    "avg_ms": r"Average Latency \(s\):\s+([\d.]+)",
}
_QUERY_LATENCY = re.compile(r"^> \S+ .* ([\d.]+)$", re.MULTILINE)  # -v: "> NOERROR shop... A 0.000123"


def dnsperf_command(
    dnsperf: str,
    where: tuple[str, int],
    queries: Path,
    seconds: float,
    clients: int,
    outstanding: int,
    rate: int = 0,
    each_query: bool = False,
) -> list[str]:
    host, port = where
    argv = [dnsperf, "-s", host, "-p", str(port), "-d", str(queries), "-l", f"{seconds:g}"]
    argv += ["-c", str(clients), "-q", str(outstanding), "-t", "1"]  # lost: no answer within 1 s
    if rate:
        argv += ["-Q", str(rate)]
    if each_query:
        argv += ["-v"]  # one line per query with its latency
    return argv


def run_dnsperf(argv: Sequence[str]) -> dict[str, Any]:
    """One dnsperf run; figures from its statistics, per-query latencies (ms) when it ran with -v."""
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    out = done.stdout
    figures: dict[str, Any] = {}
    for key, pattern in _STATISTIC.items():
        match = re.search(pattern, out)
        if done.returncode != 0 or match is None:
            sys.exit(f"bench_dns: `{' '.join(argv)}` failed ({done.returncode}):\n{out[-2000:]}{done.stderr[-2000:]}")
        figures[key] = float(match[1]) if "." in match[1] else int(match[1])
    figures["qps"] = round(figures["qps"], 1)
    figures["avg_ms"] = round(figures["avg_ms"] * 1000, 3)
    latencies = sorted(float(s) * 1000 for s in _QUERY_LATENCY.findall(out))
    if latencies:
        figures["p50_ms"] = round(statistics.median(latencies), 3)
        figures["p99_ms"] = round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 3)
        figures["max_ms"] = round(latencies[-1], 3)
    figures["command"] = " ".join(argv)
    return figures


def combined(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Several runs against one server as one: counts add up, rates and averages over the total time."""
    completed = sum(r["completed"] for r in runs)
    return {
        "sent": sum(r["sent"] for r in runs),
        "completed": completed,
        "lost": sum(r["lost"] for r in runs),
        "qps": round(completed / sum(r["run_s"] for r in runs), 1),
        "avg_ms": round(sum(r["avg_ms"] * r["completed"] for r in runs) / max(1, completed), 3),
        "runs": list(runs),
    }


# --- the sequential Python client ---


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


# --- the servers ---


def kit_server(state: Path, app_port: int) -> process.Launch:
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
    argv = [sys.executable, "-m", "failoverkit.localcloud.dnsserver", "--config", str(config_path)]
    return process.new_launch(state, DNS_PROCESS_NAME, argv, {}, ADDRESS, dns_port)


def dnsmasq_server(state: Path, dnsmasq: str, address: str) -> process.Launch:
    """dnsmasq answering only the same A record (TTL 1 s), no upstream, no config file, in the foreground."""
    port = free_port(ADDRESS)
    argv = [
        dnsmasq, "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--no-poll",
        "--bind-interfaces", f"--listen-address={ADDRESS}", f"--port={port}", "--pid-file=",
        f"--user={getpass.getuser()}", "--log-facility=-", "--local-ttl=1", f"--host-record={HOSTNAME},{address}",
    ]  # fmt: skip
    return process.new_launch(state, "dnsmasq", argv, {}, ADDRESS, port)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each dnsperf run")
    parser.add_argument("--clients", type=int, default=10, help="dnsperf -c")
    parser.add_argument("--outstanding", type=int, default=200, help="dnsperf -q")
    parser.add_argument("--queries", type=int, default=5000, help="sequential client: at most this many")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    dnsperf, dnsmasq = tool("dnsperf"), tool("dnsmasq")

    with tempfile.TemporaryDirectory(prefix="bench-dns-") as tmp:
        state = Path(tmp)
        queries = state / "queries.txt"
        queries.write_text(f"{HOSTNAME} A\n")
        app_port = free_port(ADDRESS)
        app_argv = [sys.executable, "-m", "failoverkit.demoapp", "--address", ADDRESS, "--port", str(app_port)]
        app = process.new_launch(state, "app", app_argv, {}, ADDRESS, app_port)
        kit, other = kit_server(state, app_port), dnsmasq_server(state, dnsmasq, ADDRESS)
        records = []
        stop = threading.Event()
        try:
            for launch in (app, kit, other):
                records.append(process.start(launch))
            kit_at, other_at = (kit.address, kit.port), (other.address, other.port)
            measure(kit_at, 200, 2, check=True)  # warm-up, and a check that it answers the A record

            def load(where: tuple[str, int], rate: int = 0, each_query: bool = False) -> dict[str, Any]:
                return run_dnsperf(
                    dnsperf_command(
                        dnsperf, where, queries, args.seconds, args.clients, args.outstanding, rate, each_query
                    )
                )

            rounds = {"kit": [load(kit_at)], "dnsmasq": [load(other_at)]}
            rounds["dnsmasq"].append(load(other_at))
            rounds["kit"].append(load(kit_at))
            saturation = {server: combined(runs) for server, runs in rounds.items()}
            half_rate = max(1, int(saturation["kit"]["qps"] / 2))
            headroom = load(kit_at, half_rate)
            latency = {
                "kit": load(kit_at, LATENCY_QPS, each_query=True),
                "dnsmasq": load(other_at, LATENCY_QPS, each_query=True),
            }
            sequential = {
                "kit": measure(kit_at, args.queries, args.seconds, check=True),
                "dnsmasq": measure(other_at, args.queries, args.seconds, check=True),
                "udp_echo": measure(echo_server(stop), args.queries, args.seconds, check=False),
            }
        finally:
            stop.set()
            for record in reversed(records):
                process.stop(record)

    ratio = round(saturation["kit"]["qps"] / saturation["dnsmasq"]["qps"], 3)
    figures = {
        "saturation": saturation,
        "qps_ratio_kit_vs_dnsmasq": ratio,
        "half_saturation": {"rate": half_rate, **headroom},
        "latency": {"rate": LATENCY_QPS, **latency},
        "sequential": sequential,
        "sequential_qps_ratio_vs_echo": round(sequential["kit"]["qps"] / sequential["udp_echo"]["qps"], 3),
    }
    if args.json:
        print(json.dumps(figures))
        return 0
    print(
        f"UDP on loopback, same A record, dnsperf -c {args.clients} -q {args.outstanding} -l {args.seconds:g}, "
        "twice on each (kit, dnsmasq, dnsmasq, kit); lost: no answer within 1 s"
    )
    print(f"{'':22}{'qps':>11}{'avg ms':>9}{'sent':>10}{'lost':>7}")
    for label, key in (("kit dns server", "kit"), ("dnsmasq", "dnsmasq")):
        f = saturation[key]
        print(f"{label:22}{f['qps']:>11,.0f}{f['avg_ms']:>9}{f['sent']:>10}{f['lost']:>7}")
    print(f"kit qps / dnsmasq qps = {ratio}  (goal >= 0.5)")
    print(
        f"kit at half its saturation, -Q {half_rate}: {headroom['sent']} sent, {headroom['lost']} lost  (goal 0 lost)"
    )
    print(f"at -Q {LATENCY_QPS} (goal for the kit: p99 <= 5 ms):")
    print(f"{'':22}{'p50 ms':>11}{'p99 ms':>9}{'max ms':>9}{'lost':>7}")
    for label, key in (("kit dns server", "kit"), ("dnsmasq", "dnsmasq")):
        f = latency[key]
        print(f"{label:22}{f['p50_ms']:>11}{f['p99_ms']:>9}{f['max_ms']:>9}{f['lost']:>7}")
    print(f"sequential Python client, one query at a time, {sequential['kit']['queries']} queries:")
    print(f"{'':22}{'qps':>11}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'timeouts':>10}")
    for label, key in (("kit dns server", "kit"), ("dnsmasq", "dnsmasq"), ("udp echo (floor)", "udp_echo")):
        f = sequential[key]
        print(f"{label:22}{f['qps']:>11,.0f}{f['p50_ms']:>9}{f['p99_ms']:>9}{f['max_ms']:>9}{f['timeouts']:>10}")
    print(f"kit qps / echo qps = {figures['sequential_qps_ratio_vs_echo']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
