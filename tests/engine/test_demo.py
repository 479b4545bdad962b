"""`scripts/demo` end to end, then the README's commands after it (dig, curl, another fault, destroy).

The demo runs as shown, from a sandbox copy of the repo (its own `.failoverkit/` and `out/`, so a demo stack
of the checkout is never touched) on the stack's real addresses (127.0.10.x, DNS on 127.0.53.1:10053), which
the README's dig and curl name. When the kernel allows it, everything runs in a network namespace of its own
(`unshare -rn`: a private loopback), so a demo a developer left running cannot clash with it; otherwise it runs
on the host's loopback, after checking nothing listens there. Destroy must leave no process and no state.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from doc_commands import doc_block
from engine_support import Shell, make_sandbox, pulumi_env
from failoverkit.localcloud import process

pytestmark = pytest.mark.engine

ADDRESSES = ("127.0.10.1", "127.0.10.2", "127.0.10.3")
PORT = 8080
DNS_ADDRESS, DNS_PORT = "127.0.53.1", 10053
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@contextlib.contextmanager
def _private_loopback() -> Iterator[tuple[str, ...]]:
    """A command prefix that runs inside a fresh network namespace, or () where the kernel refuses one."""
    try:
        holder = subprocess.Popen(
            ["unshare", "-rn", "sh", "-c", "ip link set lo up && echo ready && exec sleep 3600"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True,
        )  # fmt: skip
    except FileNotFoundError:
        holder = None
    if holder is None or holder.stdout is None or holder.stdout.readline().strip() != "ready":
        if holder is not None:
            _stop(holder)
        busy = [f"{a}:{PORT}" for a in ADDRESSES if process.accepts_tcp(a, PORT)]
        busy += [f"{DNS_ADDRESS}:{DNS_PORT}"] if process.accepts_tcp(DNS_ADDRESS, DNS_PORT) else []
        assert not busy, (
            f"no network namespace here, and {busy} are in use (a demo stack is up?): "
            ".venv/bin/failoverkit destroy --stack local --yes frees them"
        )
        yield ()
        return
    try:
        yield ("nsenter", "-t", str(holder.pid), "-U", "-n", "--preserve-credentials")
    finally:
        _stop(holder)


def _stop(holder: subprocess.Popen[str]) -> None:
    holder.kill()
    holder.wait()
    if holder.stdout is not None:
        holder.stdout.close()


def _pid_records(root: Path) -> list[process.ProcessRecord]:
    return [r for p in (root / ".failoverkit" / "state").rglob("*.pid") if (r := process.read_record(p))]


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Path]:
    root = make_sandbox(tmp_path / "repo")
    yield root
    for record in _pid_records(root):  # a failed test must not leave the stack's processes behind
        with contextlib.suppress(ProcessLookupError):
            os.kill(record.pid, signal.SIGKILL)


def _out(result: subprocess.CompletedProcess[str]) -> str:
    return ANSI.sub("", result.stdout + result.stderr)


def test_demo_then_the_readme_commands_after_it(sandbox: Path) -> None:
    with _private_loopback() as prefix:
        shell = Shell(sandbox, pulumi_env(sandbox), prefix)
        (demo,) = doc_block("demo")
        result = shell.run(demo, timeout=900)
        out = _out(result)
        assert result.returncode == 0, out
        assert "PASS: failover and failback observed within budget" in out, out
        assert (sandbox / "out" / "drill-crash.png").stat().st_size > 0
        records = _pid_records(sandbox)
        assert len(records) == 4 and all(process.is_running(r) for r in records), records  # 3 apps + DNS

        after = doc_block("after-demo")
        assert [line.split()[0] for line in after] == ["dig", "curl", ".venv/bin/failoverkit", ".venv/bin/failoverkit"]
        for line in after:
            result = shell.run(line, timeout=300)
            out = _out(result)
            assert result.returncode == 0, f"$ {line}\n{out}"
            if line.startswith("dig"):
                assert "status: NOERROR" in out, out
                assert re.search(r"^shop\.failoverkit\.test\.\s+\d+\s+IN\s+A\s+127\.0\.10\.1$", out, re.M), out
            elif line.startswith("curl"):
                assert '"cloud": "aws"' in out and '"host": "shop.failoverkit.test"' in out, out
            elif " drill " in line:
                assert "failover drill: hang aws-us-east-1" in out, out
                assert "PASS: failover and failback observed within budget" in out, out
            else:  # destroy
                deadline = time.monotonic() + 10
                while any(process.is_running(r) for r in records) and time.monotonic() < deadline:
                    time.sleep(0.1)
                assert not any(process.is_running(r) for r in records), "destroy stops every process"
                assert not (sandbox / ".failoverkit").exists(), "destroy of the last stack removes all engine state"
                refused = shell.run(f"curl -sS --max-time 2 http://{ADDRESSES[0]}:{PORT}/health")
                assert refused.returncode != 0, _out(refused)
