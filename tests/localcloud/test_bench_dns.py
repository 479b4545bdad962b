"""bench/bench_dns.py as the README runs it (shortened to 1 s per run), and its refusal when a tool is missing.

It needs dnsperf and dnsmasq, which scripts/setup installs; figures are not judged here (the
machine is shared), only that both servers were measured side by side and every figure printed.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from doc_commands import doc_block

ROOT = Path(__file__).resolve().parents[2]
BENCH = [sys.executable, str(ROOT / "bench" / "bench_dns.py")]


def test_bench_measures_the_kit_and_dnsmasq_side_by_side() -> None:
    (line,) = [c for c in doc_block("bench") if "bench/bench_dns.py" in c]  # the README's line, shortened
    done = subprocess.run(
        [*shlex.split(line, comments=True), "--seconds", "1", "--queries", "300"],
        cwd=ROOT, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    for label in ("kit dns server", "dnsmasq"):
        assert re.search(rf"^{label} +[\d,]+ +[\d.]+ +\d+ +\d+$", out, re.MULTILINE), out
    assert re.search(r"^kit qps / dnsmasq qps = [\d.]+  \(goal >= 0\.5\)$", out, re.MULTILINE), out
    assert re.search(r"^kit at half its saturation, -Q \d+: \d+ sent, \d+ lost", out, re.MULTILINE), out
    assert "at -Q 2000 (goal for the kit: p99 <= 5 ms):" in out
    assert re.search(r"^udp echo \(floor\) +[\d,]+", out, re.MULTILINE), out


def test_bench_without_dnsperf_stops_and_says_how_to_install_it(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path)}  # an empty folder: no dnsperf on PATH
    done = subprocess.run(BENCH, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "bench_dns: dnsperf not found; install it with: apt-get install -y dnsperf dnsmasq-base" in done.stderr
    assert not done.stdout
