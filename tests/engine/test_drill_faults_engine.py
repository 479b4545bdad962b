"""``failoverkit:drillFaults`` on the `local` stack through the real engine: a fault is an `up`, a lift another.

``unhealthy`` on the primary: its health path answers 503 while ``/`` serves, and DNS moves to the first
standby; removing the setting and running `up` brings it back. ``down``: the primary's process stops (refresh
keeps the resource), DNS moves, and the lift starts it again. ``crash``: the process is killed and stays dead
(refresh keeps the resource) until the lift starts it; ``hang``: the process is frozen until the lift continues
it, and a destroy meanwhile still stops it. Runs on a copy of the reference project with loopback addresses of
its own (127.0.118.x) so it never meets another test or a running demo stack.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dns.message
import dns.query
import dns.rdatatype
import httpx
import pytest
import yaml
from engine_support import RunCli, kill_processes_of, local_stack_copy, processes_of
from failoverkit.engine import EngineSettings
from failoverkit.localcloud import process

pytestmark = pytest.mark.engine

STACK = "local-drill-faults"
ADDRESSES = ("127.0.118.1", "127.0.118.2", "127.0.118.3")
PORT = 18580
DNS_ADDRESS, DNS_PORT = "127.0.118.53", 18553
HOSTNAME = "shop.failoverkit.test"
PRIMARY = "aws-us-east-1"
MOVE_TIMEOUT_SECONDS = 15.0
"""Far above the local stack's failover budget (1 s interval x 2 failures, TTL 1 s) yet bounded."""


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    local_stack_copy(tmp_path, STACK, ADDRESSES, PORT, (DNS_ADDRESS, DNS_PORT))
    yield tmp_path
    kill_processes_of(tmp_path, STACK)


def stack_file(project_dir: Path) -> Path:
    return project_dir / "stacks" / f"Pulumi.{STACK}.yaml"


def set_faults(project_dir: Path, faults: list[dict[str, str]] | None) -> None:
    """Write (or remove) failoverkit:drillFaults, keeping the salt the engine wrote into the stack file."""
    config: dict[str, Any] = yaml.safe_load(stack_file(project_dir).read_text())
    if faults:
        config["config"]["failoverkit:drillFaults"] = faults
    else:
        config["config"].pop("failoverkit:drillFaults", None)
    stack_file(project_dir).write_text(yaml.safe_dump(config))


def resolve() -> str | None:
    query = dns.message.make_query(HOSTNAME, dns.rdatatype.A)
    try:
        answer = dns.query.udp(query, DNS_ADDRESS, port=DNS_PORT, timeout=2)
    except (OSError, dns.exception.Timeout):
        return None
    return str(answer.answer[0][0]) if answer.answer else None


def wait_for(predicate: Callable[[], bool], timeout: float = MOVE_TIMEOUT_SECONDS) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def status(path: str, address: str = ADDRESSES[0]) -> int | None:
    try:
        return httpx.get(f"http://{address}:{PORT}{path}", headers={"Host": HOSTNAME}, timeout=2).status_code
    except httpx.HTTPError:
        return None


def drill_faults_output(project_dir: Path) -> Any:
    """The stack output ``drillFaults``, read through the engine in a process of its own (it sets the engine env)."""
    script = (
        "import json, sys; from pathlib import Path; from failoverkit.engine import stack_outputs; "
        "print(json.dumps(stack_outputs(sys.argv[1], Path(sys.argv[2]))['drillFaults']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, STACK, str(project_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def primary_record(project_dir: Path) -> process.ProcessRecord | None:
    pid_path = EngineSettings(project_dir, STACK).state_dir / f"shop-{PRIMARY}" / "process.pid"
    record = process.read_record(pid_path)
    return record if record is not None and process.is_running(record) else None


def primary_graceful_stops(project_dir: Path) -> int:
    """How often the primary's app logged its clean exit (after SIGTERM; a SIGKILL leaves no line)."""
    log = EngineSettings(project_dir, STACK).state_dir / f"shop-{PRIMARY}" / "process.log"
    return sum(line.endswith(" stopped") for line in log.read_text().splitlines())


def test_unhealthy_and_down_through_the_engine(failoverkit_cli: RunCli, project: Path) -> None:
    base = ("--stack", STACK, "--project-dir", str(project))

    def up(expect: str) -> str:
        result = failoverkit_cli("up", *base, "--yes")
        assert result.returncode == 0, result.stdout + result.stderr
        assert expect in result.stdout, result.stdout
        return result.stdout

    up("6 created")
    assert wait_for(lambda: resolve() == ADDRESSES[0])
    first = primary_record(project)
    assert first is not None

    # unhealthy: one in-place update of the primary; the app keeps serving, only its health path fails.
    set_faults(project, [{"target": PRIMARY, "fault": "unhealthy"}])
    up("1 updated")
    assert drill_faults_output(project) == [{"target": PRIMARY, "fault": "unhealthy"}], "what is in effect"
    assert (status("/health"), status("/")) == (503, 200)
    assert wait_for(lambda: resolve() == ADDRESSES[1]), "DNS must fail over to the first standby"
    assert primary_record(project) == first, "the same process: only its fault switch changed"

    set_faults(project, None)
    up("1 updated")
    assert drill_faults_output(project) == []
    assert status("/health") == 200
    assert wait_for(lambda: resolve() == ADDRESSES[0]), "DNS must fail back to the primary"

    # down: the process stops, the resource stays (refresh keeps it), the lift starts it again.
    set_faults(project, [{"target": PRIMARY, "fault": "down"}])
    up("1 updated")
    assert primary_record(project) is None and not process.is_running(first)
    assert status("/health") is None, "nothing answers on the primary's address"
    assert wait_for(lambda: resolve() == ADDRESSES[1]), "DNS must fail over to the first standby"
    refresh = failoverkit_cli("refresh", *base, "--yes")
    assert refresh.returncode == 0, refresh.stdout + refresh.stderr
    assert "deleted" not in refresh.stdout, "a target that is down on purpose stays deployed"

    set_faults(project, None)
    up("1 updated")
    back = primary_record(project)
    assert back is not None and back.pid != first.pid
    assert (status("/health"), status("/")) == (200, 200)
    assert wait_for(lambda: resolve() == ADDRESSES[0]), "DNS must fail back to the primary"

    destroyed = failoverkit_cli("destroy", *base, "--yes")
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    assert "6 deleted" in destroyed.stdout
    assert not any(process.accepts_tcp(a, PORT) for a in ADDRESSES)


def test_crash_and_hang_through_the_engine(failoverkit_cli: RunCli, project: Path) -> None:
    base = ("--stack", STACK, "--project-dir", str(project))

    def run(operation: str, expect: str) -> str:
        result = failoverkit_cli(operation, *base, "--yes")
        assert result.returncode == 0, result.stdout + result.stderr
        assert expect in result.stdout, result.stdout
        return result.stdout

    run("up", "6 created")
    assert wait_for(lambda: resolve() == ADDRESSES[0])
    first = primary_record(project)
    assert first is not None

    # crash: the process is SIGKILLed (no clean exit, unlike down) and stays dead while the fault is in effect.
    set_faults(project, [{"target": PRIMARY, "fault": "crash"}])
    run("up", "1 updated")
    assert drill_faults_output(project) == [{"target": PRIMARY, "fault": "crash"}]
    assert primary_record(project) is None and not process.is_running(first)
    assert primary_graceful_stops(project) == 0, "killed, not stopped"
    assert status("/health") is None, "nothing answers on the primary's address"
    assert wait_for(lambda: resolve() == ADDRESSES[1]), "DNS must fail over to the first standby"
    refresh = run("refresh", "")
    assert "deleted" not in refresh, "a target crashed on purpose stays deployed"
    assert primary_record(project) is None, "and is not restarted"

    set_faults(project, None)
    run("up", "1 updated")
    back = primary_record(project)
    assert back is not None and back.pid != first.pid
    assert wait_for(lambda: resolve() == ADDRESSES[0]), "DNS must fail back to the primary"

    # hang: the same process frozen (connections open, nothing answers); the lift continues it.
    set_faults(project, [{"target": PRIMARY, "fault": "hang"}])
    run("up", "1 updated")
    assert process.process_state(back.pid) == "T" and primary_record(project) == back
    assert process.accepts_tcp(ADDRESSES[0], PORT) and status("/health") is None
    assert wait_for(lambda: resolve() == ADDRESSES[1]), "DNS must fail over to the first standby"
    assert "deleted" not in run("refresh", ""), "a hung target stays deployed"

    set_faults(project, None)
    run("up", "1 updated")
    assert primary_record(project) == back and process.process_state(back.pid) != "T", "the same process, continued"
    assert status("/health") == 200
    assert wait_for(lambda: resolve() == ADDRESSES[0]), "DNS must fail back to the primary"

    # destroy with a hang in effect: the frozen process is stopped too (tests/localcloud: cleanly); nothing is left.
    set_faults(project, [{"target": PRIMARY, "fault": "hang"}])
    run("up", "1 updated")
    assert process.process_state(back.pid) == "T"
    run("destroy", "6 deleted")
    assert not process.is_running(back)
    assert processes_of(project, STACK) == [], "destroy leaves no process behind"
    assert not any(process.accepts_tcp(a, PORT) for a in ADDRESSES)
