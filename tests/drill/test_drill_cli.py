"""The drill's plan from stack outputs, its command-line options and exit codes, and its reports (no processes)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest
from drill_support import make_outputs
from failoverkit.drill import (
    DrillPlan,
    DrillResult,
    Fault,
    Figures,
    Sample,
    add_arguments,
    failback_budget,
    render_json,
    render_text,
    run,
    verdict_reasons,
    write_chart,
)
from failoverkit.errors import DrillError
from rich.console import Console

P, S = "aws-us-east-1", "gcp-europe-west1"


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def test_defaults_and_choices() -> None:
    args = parse("--stack", "local")
    assert (args.fault, args.target, args.format, args.chart, args.output) == ("crash", None, "text", None, None)
    with pytest.raises(SystemExit):
        parse("--stack", "local", "--fault", "meteor")
    with pytest.raises(SystemExit):
        parse("--fault", "crash")  # --stack is required


def test_plan_reads_the_reference_outputs(outputs: dict[str, Any]) -> None:
    plan = DrillPlan.from_outputs(outputs, stack="local", fault="slow")
    assert plan.target.key == P and plan.target.address == "127.0.66.1"
    assert plan.fault is Fault.SLOW
    assert plan.dns_server == ("127.0.66.53", 18053)
    assert plan.budget.seconds == outputs["failoverBudgetSeconds"]
    assert plan.health_check.recovery_threshold == 2
    assert plan.key_of("127.0.66.3") == "azure-westeurope" and plan.key_of("10.0.0.1") is None
    assert plan.key_of_cloud("gcp", "europe-west1") == S and plan.key_of_cloud("gcp", "us-east1") is None


@pytest.mark.parametrize(
    ("target", "key"), [(None, P), ("gcp", S), ("azure-westeurope", "azure-westeurope"), ("aws-us-east-1", P)]
)
def test_target_by_key_or_cloud(outputs: dict[str, Any], target: str | None, key: str) -> None:
    assert DrillPlan.from_outputs(outputs, stack="s", fault="crash", target=target).target.key == key


def test_unknown_target_names_the_choices(outputs: dict[str, Any]) -> None:
    with pytest.raises(DrillError, match=r"--target: 'oracle' is not a target.*aws-us-east-1, gcp-europe-west1"):
        DrillPlan.from_outputs(outputs, stack="s", fault="crash", target="oracle")


def test_bad_outputs_are_named(outputs: dict[str, Any]) -> None:
    with pytest.raises(DrillError, match="'endpoints'"):
        DrillPlan.from_outputs({**outputs, "endpoints": None}, stack="s", fault="crash")
    with pytest.raises(DrillError, match="at least 2 targets"):
        DrillPlan.from_outputs({**outputs, "endpoints": outputs["endpoints"][:1]}, stack="s", fault="crash")
    with pytest.raises(DrillError, match=r"'dns\.healthCheck'"):
        DrillPlan.from_outputs({**outputs, "dns": {"ttlSeconds": 1}}, stack="s", fault="crash")
    with pytest.raises(DrillError, match="--fault: must be one of crash"):
        DrillPlan.from_outputs(outputs, stack="s", fault="flood")
    broken = dict(outputs["endpoints"][0])
    del broken["originHostname"]
    with pytest.raises(DrillError, match=r"endpoints\[0\].*originHostname"):
        DrillPlan.from_outputs({**outputs, "endpoints": [broken, outputs["endpoints"][1]]}, stack="s", fault="crash")


def test_budget_is_computed_when_the_stack_did_not_export_one() -> None:
    outputs = make_outputs(interval=1, threshold=3, timeout=0.5, ttl=2)
    del outputs["failoverBudgetSeconds"]
    assert DrillPlan.from_outputs(outputs, stack="s", fault="crash").budget.seconds == 1 * 3 + 0.5 + 2


def test_budgets_come_from_the_deployed_providers_models() -> None:
    """A cloud stack's drill budgets are its providers' (failoverkit.budget), the worse of primary and secondary."""
    outputs = make_outputs(interval=10, threshold=3, timeout=5, recovery=1, ttl=30)
    outputs["dns"] = {**outputs["dns"], "providers": ["traffic-manager"]}
    plan = DrillPlan.from_outputs(outputs, stack="aws-azure", fault="unhealthy")
    assert plan.budget.formula == "detection 30 + check timeout 5 + propagation 10 (estimate) + ttl 30"
    assert plan.failback.formula == "recovery 10 + check timeout 5 + propagation 10 (estimate) + ttl 30"
    outputs["dns"] = {**outputs["dns"], "providers": ["traffic-manager", "route53"]}
    plan = DrillPlan.from_outputs(outputs, stack="aws-azure", fault="unhealthy")
    assert (plan.failback.provider, plan.failback.total_seconds) == ("route53", 3 * 10 + 6 + 10 + 30)


def test_unknown_dns_providers_are_named() -> None:
    outputs = make_outputs()
    outputs["dns"] = {**outputs["dns"], "providers": ["bind9"]}
    with pytest.raises(DrillError, match=r"'dns\.providers'.*route53 \| traffic-manager"):
        DrillPlan.from_outputs(outputs, stack="s", fault="crash")


def test_command_exits_2_with_a_clear_message_on_bad_usage(
    tmp_path: Path, outputs: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(outputs))
    assert run(parse("--stack", "s", "--outputs-file", str(path), "--target", "oracle")) == 2
    assert "is not a target of this stack" in capsys.readouterr().err
    assert run(parse("--stack", "s", "--outputs-file", str(tmp_path / "missing.json"))) == 2
    assert "cannot read" in capsys.readouterr().err


def test_crash_of_a_stack_without_a_running_process_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(make_outputs(state_dir=str(tmp_path / "state"))))
    assert run(parse("--stack", "s", "--outputs-file", str(path))) == 2
    assert "no saved launch for process 'shop-aws-us-east-1'" in capsys.readouterr().err


def _result(*, failover: float | None, failback: float | None, restored: bool = True) -> DrillResult:
    plan = DrillPlan.from_outputs(make_outputs(), stack="local", fault="crash")
    timeline = [
        Sample(-0.2, "127.0.66.1", P, 200, P),
        Sample(0.1, "127.0.66.1", P, None, None, "http: ConnectError"),
        Sample(0.6, "127.0.66.2", S, 200, S),
        Sample(2.5, "127.0.66.1", P, 200, P),
    ]
    result = DrillResult(
        plan=plan,
        figures=Figures(0.6, failover, S if failover else None, 0.5, 1, failback, failback),
        failover_budget=plan.budget,
        failback_budget=failback_budget(plan.failback, 0.3),
        restart_seconds=0.3,
        restored=restored,
        timeline=timeline,
        events=[],
        lifted_at=2.0,
    )
    result.reasons.extend(verdict_reasons(result))
    return result


def test_text_report_shows_figures_budgets_and_verdict() -> None:
    console = Console(record=True, width=140)
    render_text(_result(failover=0.6, failback=0.5), console)
    text = console.export_text()
    assert "failover" in text and "0.60 s" in text and "1.65 s" in text and "0.36" in text
    assert "restart 0.30" in text and "PASS" in text
    console = Console(record=True, width=140)
    render_text(_result(failover=None, failback=0.5, restored=False), console)
    text = console.export_text()
    assert "not seen" in text and "FAIL" in text and "no failover observed" in text and "restored: NO" in text


def test_json_report_round_trips() -> None:
    data = json.loads(render_json(_result(failover=3.0, failback=0.5)))
    assert data["passed"] is False and data["failover_ratio"] == pytest.approx(3.0 / 1.65, abs=1e-3)
    assert data["reasons"] == ["failover took 3.00 s, over the 1.65 s budget"]
    assert [s["t"] for s in data["timeline"]] == [-0.2, 0.1, 0.6, 2.5]


def test_chart_is_a_png(tmp_path: Path) -> None:
    out = write_chart(_result(failover=0.6, failback=None), tmp_path / "sub" / "c.png")
    assert out.read_bytes()[:4] == b"\x89PNG" and out.stat().st_size > 5000


def test_error_messages_keep_brackets_and_do_not_wrap(
    tmp_path: Path, outputs: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    broken = dict(outputs["endpoints"][0])
    del broken["port"]
    path = tmp_path / ("x" * 80) / "outputs.json"
    path.parent.mkdir()
    path.write_text(json.dumps({**outputs, "endpoints": [broken, outputs["endpoints"][1]]}))
    assert run(parse("--stack", "s", "--outputs-file", str(path))) == 2
    err = capsys.readouterr().err
    assert "stack output 'endpoints[0]': missing or malformed field 'port'" in err
    assert err.count("\n") == 1


def test_a_cloud_stack_from_an_outputs_file_is_refused_it_needs_the_engine(
    tmp_path: Path, outputs: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    cloud = json.loads(json.dumps(outputs))
    for e in cloud["endpoints"]:
        e.update(simulated=False, protocol="HTTPS", port=443, originHostname=f"{e['key']}.elb.example.com")
    del cloud["dns"]["server"]
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(cloud))
    for fault in ("crash", "unhealthy"):
        assert run(parse("--stack", "prod", "--outputs-file", str(path), "--fault", fault)) == 2
        assert "runs on real clouds: its faults go through failoverkit:drillFaults" in capsys.readouterr().err
