"""Drill benchmark: each fault kind once (or --rounds times) on a self-started local setup; measured/budget ratios.

Starts three demo-app targets and the failover DNS server as real processes on
127.0.67.x (DNS on 127.0.67.53:18153; own addresses, so it runs beside the
demo stack and the tests), drills crash, hang, unhealthy, slow, down and flapping
against the primary in turn, each watched on two paths side by side: the
authoritative DNS server and a caching resolver (dnsmasq on loopback, which every
drill starts and stops), prints one table, and stops every process it started.
``down`` here stops and restarts the process (no engine); through the engine it is
an ``up`` (tests/engine/test_drill_engine.py).

    .venv/bin/python bench/bench_drill.py [--rounds 1] [--interval 0.25] [--json out/bench_drill.json]

Exit 0 when every drill passed (failover and failback within budget), 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from failoverkit.budget import HealthCheck
from failoverkit.drill import DrillPlan, DrillResult, Fault, Figures, LocalSandbox, execute
from failoverkit.localcloud import process
from rich.console import Console
from rich.table import Table


def _ratio(values: list[float | None]) -> str:
    seen = [v for v in values if v is not None]
    if not seen:
        return "not seen"
    text = f"{max(seen):.2f}" if len(seen) == 1 else f"{statistics.median(seen):.2f} (max {max(seen):.2f})"
    return text + ("" if len(seen) == len(values) else f" [{len(values) - len(seen)} unseen]")


def _seconds(values: list[float | None]) -> str:
    seen = [v for v in values if v is not None]
    return "-" if not seen else f"{statistics.median(seen):.2f} s"


def _alive(pid_file: Path) -> bool:
    record = process.read_record(pid_file)
    return record is not None and process.is_running(record)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=1, help="drills per fault kind (default 1; at most 5)")
    parser.add_argument("--interval", type=float, default=0.25, help="health-check interval, seconds (default 0.25)")
    parser.add_argument("--json", type=Path, default=None, help="also write every drill's figures here")
    args = parser.parse_args(argv)
    rounds = max(1, min(args.rounds, 5))  # bounded: each drill is a few seconds of loopback traffic
    hc = HealthCheck(args.interval, 2, round(args.interval * 0.6, 3), 2)
    console = Console(width=max(Console().width, 132))  # the table stays whole in CI logs too
    results: dict[Fault, list[DrillResult]] = {f: [] for f in Fault}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-drill-") as state:
        box = LocalSandbox(
            Path(state),
            addresses=("127.0.67.1", "127.0.67.2", "127.0.67.3"),
            port=18180,
            dns_address="127.0.67.53",
            dns_port=18153,
            health_check=hc,
        )
        with box as outputs:
            for _ in range(rounds):
                for fault in Fault:
                    plan = DrillPlan.from_outputs(outputs, stack="bench", fault=fault)
                    console.print(f"drill: {fault.value} {plan.target.key} ...", end=" ")
                    result = execute(plan)
                    results[fault].append(result)
                    f = result.figures
                    console.print(
                        f"failover {f.failover_seconds} s, failback {f.failback_seconds} s, "
                        + ("PASS" if result.passed else "FAIL: " + "; ".join(result.reasons))
                    )
        leftover = box.running() + [p.parent.name for p in Path(state).glob("dnsmasq-*/process.pid") if _alive(p)]
    elapsed = time.monotonic() - started

    budget = results[Fault.CRASH][0].failover_budget
    table = Table(
        title=f"drill benchmark: {rounds} round(s), health check {hc.interval_seconds:g} s x {hc.failure_threshold}, "
        f"timeout {hc.timeout_seconds:g} s, TTL {box.ttl_seconds} s; failover budget {budget.seconds:g} s; "
        "auth = authoritative DNS server, resolver = through dnsmasq (TTL included)",
        title_justify="left",
    )
    columns = (
        "fault",
        "failover auth",
        "/budget",
        "failover resolver",
        "/budget",
        "failback auth",
        "/budget",
        "failback resolver",
        "/budget",
        "DNS changes (bound)",
    )
    for column in columns:
        table.add_column(column, justify="left" if column == "fault" else "right")
    table.add_column("passed")

    def via(r: DrillResult) -> Figures:
        assert r.resolver_figures is not None
        return r.resolver_figures

    def ratio(value: float | None, of: float) -> float | None:
        return None if value is None else value / of

    for fault, runs in results.items():
        changes = "-"
        if fault is Fault.FLAPPING:
            changes = ", ".join(f"{r.dns_changes} ({r.dns_changes_bound})" for r in runs)
        table.add_row(
            fault.value,
            _seconds([r.figures.failover_seconds for r in runs]),
            _ratio([r.failover_ratio for r in runs]),
            _seconds([via(r).failover_seconds for r in runs]),
            _ratio([ratio(via(r).failover_seconds, r.failover_budget.seconds) for r in runs]),
            _seconds([r.figures.failback_seconds for r in runs]),
            _ratio([r.failback_ratio for r in runs]),
            _seconds([via(r).failback_seconds for r in runs]),
            _ratio([ratio(via(r).failback_seconds, r.failback_budget.seconds) for r in runs]),
            changes,
            f"{sum(r.passed for r in runs)}/{len(runs)}",
        )
    console.print(table)
    console.print(
        "failback budget = interval x recoveryThreshold + check timeout + TTL (+ measured restart for crash, down); "
        f"{elapsed:.1f} s in all; processes left: {len(leftover)}"
    )
    if args.json is not None:
        data: dict[str, Any] = {
            fault.value: [
                {k: v for k, v in r.to_json().items() if k not in ("timeline", "events")}
                | {"resolver": {k: v for k, v in (r.to_json()["resolver"] or {}).items() if k != "timeline"}}
                for r in runs
            ]
            for fault, runs in results.items()
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=2) + "\n")
    all_passed = all(r.passed for runs in results.values() for r in runs)
    return 0 if all_passed and not leftover else 1


if __name__ == "__main__":
    sys.exit(main())
