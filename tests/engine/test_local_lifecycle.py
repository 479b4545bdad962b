"""The `local` stack through the real engine: up, no-op up, refresh after a crash, interrupted up, destroy.

Runs on a copy of the reference project with its own loopback addresses and
ports, so it never touches a demo stack that may be running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import dns.message
import dns.query
import dns.rdatatype
import httpx
import pytest
from engine_support import FAILOVERKIT, RunCli, kill_processes_of, local_stack_copy, processes_of
from failoverkit.engine import EngineSettings
from failoverkit.localcloud import process

pytestmark = pytest.mark.engine

STACK = "local-lifecycle"
ADDRESSES = ("127.0.88.1", "127.0.88.2", "127.0.88.3")
PORT = 18480
DNS_ADDRESS, DNS_PORT = "127.0.88.53", 18453
HOSTNAME = "shop.failoverkit.test"


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """The reference project, its local stack moved to addresses of its own."""
    local_stack_copy(tmp_path, STACK, ADDRESSES, PORT, (DNS_ADDRESS, DNS_PORT))
    yield tmp_path
    kill_processes_of(tmp_path, STACK)


def _processes_of(project_dir: Path) -> list[int]:
    return processes_of(project_dir, STACK)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _resolve() -> str:
    query = dns.message.make_query(HOSTNAME, dns.rdatatype.A)
    answer = dns.query.udp(query, DNS_ADDRESS, port=DNS_PORT, timeout=2)
    return str(answer.answer[0][0])


def _wait_for(predicate, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _pid_files(project_dir: Path) -> list[Path]:
    return list(EngineSettings(project_dir, STACK).state_dir.rglob("*.pid"))


def test_local_stack_lifecycle(failoverkit_cli: RunCli, project: Path) -> None:
    base = ("--stack", STACK, "--project-dir", str(project))

    up = failoverkit_cli("up", *base, "--yes")
    assert up.returncode == 0, up.stdout + up.stderr
    assert "6 created" in up.stdout
    for address in ADDRESSES:
        health = httpx.get(f"http://{address}:{PORT}/health", timeout=2)
        assert health.status_code == 200
    assert _wait_for(lambda: _resolve() == ADDRESSES[0])
    served = httpx.get(f"http://{ADDRESSES[0]}:{PORT}/", headers={"Host": HOSTNAME}, timeout=2).json()
    assert (served["cloud"], served["region"]) == ("aws", "us-east-1")

    again = failoverkit_cli("up", *base, "--yes")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "6 unchanged" in again.stdout and "created" not in again.stdout

    # The primary's cloud dies: DNS moves, refresh notices, the next up restarts it.
    state = EngineSettings(project, STACK).state_dir
    primary = process.read_record(state / "shop-aws-us-east-1" / "process.pid")
    assert primary is not None and process.is_running(primary)
    os.kill(primary.pid, signal.SIGKILL)
    assert _wait_for(lambda: _resolve() == ADDRESSES[1]), "DNS must fail over to the first standby"

    refresh = failoverkit_cli("refresh", *base, "--yes")
    assert refresh.returncode == 0, refresh.stdout + refresh.stderr
    assert "1 deleted" in refresh.stdout, refresh.stdout

    healed = failoverkit_cli("up", *base, "--yes")
    assert healed.returncode == 0, healed.stdout + healed.stderr
    assert "1 created" in healed.stdout
    restarted = process.read_record(state / "shop-aws-us-east-1" / "process.pid")
    assert restarted is not None and restarted.pid != primary.pid and process.is_running(restarted)
    assert _wait_for(lambda: _resolve() == ADDRESSES[0]), "DNS must fail back to the primary"

    pids = [r.pid for p in _pid_files(project) if (r := process.read_record(p))]
    assert len(pids) == 4  # three targets and the DNS server

    down = failoverkit_cli("destroy", *base, "--yes")
    assert down.returncode == 0, down.stdout + down.stderr
    assert "6 deleted" in down.stdout
    assert _wait_for(lambda: not _processes_of(project), timeout=5), _processes_of(project)
    assert not any(process.accepts_tcp(a, PORT) for a in ADDRESSES)
    assert not process.accepts_tcp(DNS_ADDRESS, DNS_PORT)
    assert not _pid_files(project)
    assert not (project / ".failoverkit").exists(), "destroy of the last stack leaves no engine state"


def test_interrupted_up_converges(failoverkit_cli: RunCli, project: Path) -> None:
    base = ("--stack", STACK, "--project-dir", str(project))
    state = EngineSettings(project, STACK).state_dir

    # Kill the whole `up` (CLI, engine, providers) as soon as its first target process exists.
    interrupted = subprocess.Popen(
        [str(FAILOVERKIT), "up", *base, "--yes"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert _wait_for(lambda: bool(_pid_files(project)), timeout=60), "up never started a target"
    finally:
        os.killpg(interrupted.pid, signal.SIGKILL)
        interrupted.wait(timeout=10)
    # The engine's own plugin processes run in their own process group; a real Ctrl-C ends them,
    # a SIGKILL of the CLI doesn't. Only the detached app/DNS processes may survive, by design.
    for pid in _processes_of(project):
        if not any(m in _cmdline(pid) for m in ("failoverkit.demoapp", "failoverkit.localcloud.dnsserver")):
            os.kill(pid, signal.SIGKILL)

    up = failoverkit_cli("up", *base, "--yes")
    assert up.returncode == 0, up.stdout + up.stderr
    pids = {p.parent.name: r.pid for p in _pid_files(project) if (r := process.read_record(p))}
    assert sorted(pids) == ["dns", "shop-aws-us-east-1", "shop-azure-westeurope", "shop-gcp-europe-west1"], pids
    apps = [pid for pid in _processes_of(project) if "failoverkit.demoapp" in _cmdline(pid)]
    assert len(apps) == 3, f"exactly one process per target after convergence, got {apps}"
    assert _wait_for(lambda: _resolve() == ADDRESSES[0])
    assert state.is_dir()

    down = failoverkit_cli("destroy", *base, "--yes")
    assert down.returncode == 0, down.stdout + down.stderr
    assert _wait_for(lambda: not _processes_of(project), timeout=5), _processes_of(project)
