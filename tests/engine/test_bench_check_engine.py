"""bench/bench_check.py as the README runs it, with its engine part, at a tiny size: two stacks, 100 resources.

Figures are not judged (the machine is shared), only that each part measured and printed them: the
per-stack check, check against a real engine preview as a ratio, and the synthetic stack's time per resource.
"""

from __future__ import annotations

import re
import shlex
import subprocess

import pytest
from doc_commands import REPO, doc_block

pytestmark = pytest.mark.engine

TINY = ["--stacks", "local,aws-gcp", "--sizes", "100"]  # one size: the linearity verdict is trivially met


def test_bench_check_prints_every_figure_at_a_tiny_size() -> None:
    (line,) = [c for c in doc_block("bench") if "bench/bench_check.py" in c]
    done = subprocess.run(
        [*shlex.split(line, comments=True), *TINY], cwd=REPO, capture_output=True, text=True, timeout=600,
        stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    for stack in ("local", "aws-gcp"):  # wall, imports, program, policies, rest; exit 0
        assert re.search(rf"^   {stack} +(-?[\d.]+ s +){{5}}0 ", out, re.MULTILINE), out
    assert re.search(r"^   check +[\d.]+ s$", out, re.MULTILINE) and re.search(r"^   preview +[\d.]+ s$", out, re.M)
    assert re.search(r"^   ratio   check/preview = [\d.]+ \(check is [\d.]+x faster\)$", out, re.MULTILINE), out
    assert re.search(r"^ +103 +[\d.]+ s +[\d.]+ µs/r ", out, re.MULTILINE), out
