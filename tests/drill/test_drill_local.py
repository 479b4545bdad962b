"""Real drills: demo-app targets and the failover DNS server as real processes on loopback, one per fault kind.

Each sandbox takes a random 127.66.N.0/24 block of its own (targets .1-.3, DNS .53), so
concurrent runs of this suite (two engineers, CI beside a dev run) never fight over an address.

Fast health checks (0.25 s x 2, timeout 0.15 s, TTL 1) keep each drill to a
few seconds. Every test asserts failover and failback observed within budget,
the target restored, and no process left once the sandbox is stopped.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from failoverkit.drill import (
    DrillPlan,
    DrillResult,
    EndpointFault,
    LocalSandbox,
    execute,
    render_text,
    run,
    run_drill,
    write_chart,
)
from failoverkit.drill._cli import add_arguments
from failoverkit.drill._faults import make_injector
from failoverkit.drill._observer import HttpFetcher, Observer, dns_resolver
from failoverkit.drill._timeline import Sample
from failoverkit.errors import DrillError
from failoverkit.localcloud import process
from rich.console import Console

pytestmark = pytest.mark.drill


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[tuple[LocalSandbox, dict[str, Any]]]:
    block = f"127.66.{random.randint(1, 254)}"
    addresses = (f"{block}.1", f"{block}.2", f"{block}.3")
    box = LocalSandbox(tmp_path / "state", addresses=addresses, dns_address=f"{block}.53")
    outputs = box.start()
    pids = {launch.name: process.read_record(launch.pid_path) for launch in box.launches}
    try:
        yield box, outputs
    finally:
        box.stop()
    # Nothing left: not the original processes, not ones a drill restarted, no listening port.
    assert box.running() == []
    assert all(r is None or not process.is_running(r) for r in pids.values())
    for address in box.addresses:
        with pytest.raises(OSError), socket.create_connection((address, box.port), timeout=0.5):
            pass


def _pid_of(box: LocalSandbox, name: str) -> process.ProcessRecord:
    launch = next(launch for launch in box.launches if launch.name == name)
    record = process.read_record(launch.pid_path)
    assert record is not None
    return record


def _state(pid: int) -> str:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()[0]


def _fault_mode(box: LocalSandbox, address: str) -> str:
    reply = httpx.get(f"http://{address}:{box.port}/-/fault", timeout=2, trust_env=False)
    return str(reply.json()["mode"])


def _assert_within_budget(result: DrillResult) -> None:
    f = result.figures
    assert f.failover_seconds is not None, result.reasons
    assert f.failover_to == "gcp-europe-west1"  # the next standby in order, not any standby
    assert f.failover_seconds <= result.failover_budget.seconds
    assert f.detect_seconds is not None and f.detect_seconds <= f.failover_seconds
    assert f.failback_seconds is not None, result.reasons
    assert f.failback_seconds <= result.failback_budget.seconds
    assert result.passed, result.reasons
    assert result.restored
    # Observed at 10 Hz or faster while the fault was in effect.
    during = [s for s in result.timeline if 0 <= s.t <= (result.lifted_at or 0)]
    assert len(during) >= 10 * (result.lifted_at or 0) * 0.8


def test_crash_drill_through_the_command(
    sandbox: tuple[LocalSandbox, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    box, outputs = sandbox
    before = _pid_of(box, "shop-aws-us-east-1")
    outputs_file = tmp_path / "outputs.json"
    outputs_file.write_text(json.dumps(outputs))
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    report, chart = tmp_path / "report.json", tmp_path / "drill.png"
    argv = ["--stack", "sandbox", "--outputs-file", str(outputs_file), "--format", "json"]
    args = parser.parse_args([*argv, "--output", str(report), "--chart", str(chart)])
    assert run(args) == 0
    data = json.loads(report.read_text())
    assert data["fault"] == "crash" and data["target"] == "aws-us-east-1" and data["passed"] is True
    assert 0 < data["failover_seconds"] <= data["budget_seconds"] == outputs["failoverBudgetSeconds"]
    assert 0 < data["failback_seconds"] <= data["failback_budget_seconds"]
    assert data["restart_seconds"] > 0 and "restart" in data["failback_budget_formula"]
    assert data["error_window_seconds"] > 0  # a crashed target refuses connections until DNS moves
    assert len(data["timeline"]) >= 20
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    after = _pid_of(box, "shop-aws-us-east-1")
    assert after.pid != before.pid and process.is_running(after)  # restarted from its saved launch
    assert not process.is_running(before)


def test_hang_drill(sandbox: tuple[LocalSandbox, dict[str, Any]]) -> None:
    box, outputs = sandbox
    plan = DrillPlan.from_outputs(outputs, stack="sandbox", fault="hang")
    record = _pid_of(box, "shop-aws-us-east-1")
    result = execute(plan)
    _assert_within_budget(result)
    assert result.restart_seconds is None
    assert process.is_running(record) and _state(record.pid) != "T"  # same process, continued


@pytest.mark.parametrize("fault", ["unhealthy", "slow"])
def test_endpoint_fault_drill(sandbox: tuple[LocalSandbox, dict[str, Any]], fault: str) -> None:
    box, outputs = sandbox
    plan = DrillPlan.from_outputs(outputs, stack="sandbox", fault=fault, target="aws")
    result = execute(plan)
    _assert_within_budget(result)
    assert _fault_mode(box, box.addresses[0]) == "none"


def test_ctrl_c_mid_drill_restores_a_hung_target(sandbox: tuple[LocalSandbox, dict[str, Any]]) -> None:
    box, outputs = sandbox
    plan = DrillPlan.from_outputs(outputs, stack="sandbox", fault="hang")
    record = _pid_of(box, "shop-aws-us-east-1")

    class InterruptAfterInjection:
        injected = False

        def phase(self, name: str, bound_seconds: float) -> None:
            pass

        def update(self, elapsed_seconds: float, latest: Sample | None) -> None:
            if self.injected:
                assert _state(record.pid) == "T"  # the fault really is in effect
                raise KeyboardInterrupt

        def event(self, message: str) -> None:
            self.injected = True

        def close(self) -> None:
            pass

    fetch = HttpFetcher(plan.hostname, plan.port)
    assert plan.dns_server is not None
    observer = Observer(plan, resolve=dns_resolver(*plan.dns_server), fetch=fetch)
    try:
        with pytest.raises(KeyboardInterrupt):
            run_drill(plan, make_injector(plan), observer, progress=InterruptAfterInjection())
    finally:
        fetch.close()
    assert process.is_running(record) and _state(record.pid) != "T"
    reply = httpx.get(f"http://{box.addresses[0]}:{box.port}/", timeout=2, trust_env=False)
    assert reply.status_code == 200


def test_a_standby_that_is_not_serving_is_refused(sandbox: tuple[LocalSandbox, dict[str, Any]]) -> None:
    _, outputs = sandbox
    plan = DrillPlan.from_outputs(outputs, stack="sandbox", fault="unhealthy", target="gcp-europe-west1")
    assert plan.dns_server is not None
    fetch = HttpFetcher(plan.hostname, plan.port)
    observer = Observer(plan, resolve=dns_resolver(*plan.dns_server), fetch=fetch)
    try:
        with pytest.raises(DrillError, match=r"not the one serving.*DNS answers [0-9.]+ \(aws-us-east-1\)"):
            run_drill(plan, make_injector(plan), observer, baseline_seconds=1.0)
    finally:
        fetch.close()
    assert _fault_mode(sandbox[0], sandbox[0].addresses[1]) == "none"  # refused before anything was injected


class _PlainApp(BaseHTTPRequestHandler):
    """A user's own app: answers / but has no /-/fault."""

    def do_GET(self) -> None:
        status = 200 if self.path == "/" else 404
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_unhealthy_and_slow_refuse_an_app_without_the_fault_endpoint() -> None:
    from drill_support import make_outputs

    server = ThreadingHTTPServer(("127.0.66.9", 0), _PlainApp)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        outputs = make_outputs(addresses=("127.0.66.9", "127.0.66.10"), port=port)
        for fault in ("unhealthy", "slow"):
            plan = DrillPlan.from_outputs(outputs, stack="t", fault=fault)
            with pytest.raises(DrillError, match=r"does not expose /-/fault.*use --fault crash or hang"):
                EndpointFault(plan).check()
    finally:
        server.shutdown()
        server.server_close()
    assert os.path.exists("/proc/self")  # sanity: we are on Linux, where the process faults apply


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupting_the_command_restores_the_target(
    sandbox: tuple[LocalSandbox, dict[str, Any]], tmp_path: Path, sig: signal.Signals
) -> None:
    box, outputs = sandbox
    record = _pid_of(box, "shop-aws-us-east-1")
    outputs_file = tmp_path / "outputs.json"
    outputs_file.write_text(json.dumps(outputs))
    code = "import sys; from failoverkit.cli import main; sys.exit(main())"
    argv = [sys.executable, "-c", code, "drill", "--stack", "sandbox", "--outputs-file", str(outputs_file)]
    with subprocess.Popen(
        [*argv, "--fault", "hang"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    ) as child:
        try:
            assert child.stderr is not None
            deadline = time.monotonic() + 30
            for line in child.stderr:  # wait until the fault is in effect
                if "hang injected" in line or time.monotonic() > deadline:
                    break
            assert _state(record.pid) == "T"
            child.send_signal(sig)
            assert child.wait(timeout=30) == 130
            assert "target restored" in child.stderr.read()
        finally:
            if child.poll() is None:
                child.kill()
    assert process.is_running(record) and _state(record.pid) != "T"


def test_a_fault_left_by_a_killed_drill_is_named_with_the_command_that_lifts_it(
    sandbox: tuple[LocalSandbox, dict[str, Any]],
) -> None:
    box, outputs = sandbox
    primary = box.addresses[0]
    record = _pid_of(box, "shop-aws-us-east-1")
    os.kill(record.pid, signal.SIGSTOP)
    try:
        deadline = time.monotonic() + 5
        while _state(record.pid) != "T" and time.monotonic() < deadline:
            time.sleep(0.01)
        with pytest.raises(DrillError, match=rf"is stopped .*kill -CONT {record.pid}"):
            make_injector(DrillPlan.from_outputs(outputs, stack="sandbox", fault="crash")).check()
    finally:
        os.kill(record.pid, signal.SIGCONT)
    url = f"http://{primary}:{box.port}/-/fault"
    httpx.post(url, json={"mode": "slow", "delaySeconds": 2}, timeout=2, trust_env=False)
    try:
        with pytest.raises(DrillError, match=r"already in fault mode 'slow'.*curl -X POST .*/-/fault"):
            make_injector(DrillPlan.from_outputs(outputs, stack="sandbox", fault="unhealthy")).check()
    finally:
        httpx.post(url, json={"mode": "none"}, timeout=2, trust_env=False)
    assert _fault_mode(box, primary) == "none"


SAMPLING_ERROR_SECONDS = 0.25
"""Two probe periods (10 Hz) plus a probe's latency: how far apart two paths can see one instant."""


def test_the_resolver_path_sees_the_ttl_and_stays_within_budget(
    sandbox: tuple[LocalSandbox, dict[str, Any]], tmp_path: Path
) -> None:
    """dnsmasq on loopback, started and stopped by the drill, caches answers for the TTL as a client's resolver does."""
    box, outputs = sandbox
    result = execute(DrillPlan.from_outputs(outputs, stack="sandbox", fault="unhealthy"))
    _assert_within_budget(result)
    auth, via = result.figures, result.resolver_figures
    assert via is not None and result.resolver_name is not None and result.resolver_name.startswith("dnsmasq ")
    assert via.failover_seconds is not None and auth.failover_seconds is not None
    assert via.failover_seconds <= result.failover_budget.seconds  # the budget's TTL term covers the cache
    assert via.failover_seconds >= auth.failover_seconds - SAMPLING_ERROR_SECONDS
    assert via.failback_seconds is not None and auth.failback_seconds is not None
    assert via.failback_seconds <= result.failback_budget.seconds
    assert via.failback_seconds >= auth.failback_seconds - SAMPLING_ERROR_SECONDS
    data = result.to_json()["resolver"]
    assert data["failover_seconds"] == via.failover_seconds and data["budget_seconds"] == result.failover_budget.seconds
    assert len(data["timeline"]) >= 10
    console = Console(record=True, width=160)
    render_text(result, console)
    text = console.export_text()
    assert "failover (resolver)" in text and "failback (resolver)" in text and result.resolver_name in text
    assert write_chart(result, tmp_path / "resolver.png").read_bytes()[:4] == b"\x89PNG"
    # The resolver is gone with the drill.
    assert not any("dnsmasq" in _cmdline(pid) for pid in _pids_under(box.state_dir))


def _pids_under(state: Path) -> list[int]:
    return [
        record.pid
        for pid_file in state.glob("dnsmasq-*/process.pid")
        if (record := process.read_record(pid_file)) is not None and process.is_running(record)
    ]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_a_missing_dnsmasq_fails_loudly(
    sandbox: tuple[LocalSandbox, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, outputs = sandbox
    monkeypatch.setattr("failoverkit.drill._resolver.shutil.which", lambda *a, **k: None)
    with pytest.raises(DrillError, match=r"needs dnsmasq, which is not installed.*apt-get install -y dnsmasq-base"):
        execute(DrillPlan.from_outputs(outputs, stack="sandbox", fault="unhealthy"))


def test_down_without_the_engine_stops_and_restarts_the_process(sandbox: tuple[LocalSandbox, dict[str, Any]]) -> None:
    box, outputs = sandbox
    before = _pid_of(box, "shop-aws-us-east-1")
    result = execute(DrillPlan.from_outputs(outputs, stack="sandbox", fault="down"))
    _assert_within_budget(result)
    assert result.restart_seconds is not None and not process.is_running(before)


def test_flapping_moves_dns_no_more_often_than_the_thresholds_allow(
    sandbox: tuple[LocalSandbox, dict[str, Any]],
) -> None:
    """The bound (``flapping_bound``): N changes in a window W need floor((N-1)/2) pairs of gaps, each pair at
    least (F+R)*I - 2T long, so N <= 2*floor(W/P) + 2; the caching resolver's window reaches one TTL further."""
    from failoverkit.drill import FlappingSchedule, flapping_bound

    box, outputs = sandbox
    plan = DrillPlan.from_outputs(outputs, stack="sandbox", fault="flapping")
    schedule = FlappingSchedule.around_thresholds(plan.health_check)
    result = execute(plan)
    assert result.passed, result.reasons
    assert result.lifted_at is not None and result.lifted_at >= schedule.total_seconds - 0.2  # held for the schedule
    window = max(s.t for s in result.timeline)
    assert result.dns_changes_bound == flapping_bound(plan.health_check, window)
    assert 2 <= result.dns_changes <= result.dns_changes_bound  # it failed over and back at least once
    assert result.resolver_dns_changes is not None and result.resolver_dns_changes_bound is not None
    assert result.resolver_dns_changes <= result.resolver_dns_changes_bound
    assert _fault_mode(box, box.addresses[0]) == "none"
    data = result.to_json()
    assert (data["dns_changes"], data["dns_changes_bound"]) == (result.dns_changes, result.dns_changes_bound)
