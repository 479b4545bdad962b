"""bench/bench_drill.py as the README runs it (one round per fault, its smallest size).

Figures are not judged (the machine is shared), only that every fault kind was drilled, every figure and
ratio printed, and every process it started stopped.
"""

from __future__ import annotations

import re
import shlex
import subprocess

import pytest
from doc_commands import REPO, doc_block

pytestmark = pytest.mark.drill


def test_bench_drill_prints_every_fault_and_stops_its_processes() -> None:
    (line,) = [c for c in doc_block("bench") if "bench/bench_drill.py" in c]
    done = subprocess.run(
        shlex.split(line, comments=True), cwd=REPO, capture_output=True, text=True, timeout=300,
        stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert re.search(r"drill benchmark: 1 round\(s\), .*failover budget [\d.]+ s", out), out
    assert "auth = authoritative DNS" in out and "resolver = through dnsmasq" in out, out
    figure = [r"[\d.]+ s", r"[\d.]+"]  # seconds, then measured/budget
    for fault in ("crash", "hang", "unhealthy", "slow", "down"):  # failover auth, resolver; failback auth, resolver
        row = r"\s+│\s+".join([fault, *figure * 4, "-", "1/1"])
        assert re.search(row, out), f"no figures for {fault}:\n{out}"
    # Through the resolver a flapping answer may never be seen to move (it aliases with the TTL): "-", "not seen".
    maybe = [r"([\d.]+ s|-)", r"([\d.]+|not seen)"]
    flapping = r"\s+│\s+".join(["flapping", *figure, *maybe, *figure, *maybe, r"\d+ \(\d+\)", "1/1"])
    assert re.search(flapping, out), f"no figures for flapping:\n{out}"
    assert re.search(r"processes\s+left: 0$", out, re.MULTILINE), out
