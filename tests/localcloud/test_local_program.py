"""The local stack's program under mocks: resource names, parents, tags and inputs the policy pack reads."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from failoverkit.app import FailoverApp
from failoverkit.check.mocks import RecordedResource, run_program
from failoverkit.dns import local as local_dns
from failoverkit.errors import FailoverKitError
from failoverkit.localcloud import process
from failoverkit.program import reference_program
from failoverkit.spec import parse_spec

ROOT = Path(__file__).resolve().parents[2]
TAGS = {"workload": "shop", "criticality": "critical", "managed-by": "failoverkit"}


def local_stack_config() -> dict[str, str]:
    cfg = yaml.safe_load((ROOT / "stacks" / "Pulumi.local.yaml").read_text())["config"]
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in cfg.items()}


def run(program: Callable[[], None], config: dict[str, str] | None = None) -> dict[str, RecordedResource]:
    resources = run_program(program, project="failoverkit", stack="local", config=config or {})
    return {r.name: r for r in resources}


@pytest.fixture(autouse=True)
def state_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv(process.STATE_DIR_ENV, str(tmp_path))
    return tmp_path


def test_local_stack_registers_three_targets_and_one_dns_server(state_env: Path) -> None:
    by_name = run(reference_program, local_stack_config())
    app_urn = by_name["shop"].urn
    expected = {
        "shop-aws-us-east-1": ("aws", "us-east-1", "127.0.10.1"),
        "shop-gcp-europe-west1": ("gcp", "europe-west1", "127.0.10.2"),
        "shop-azure-westeurope": ("azure", "westeurope", "127.0.10.3"),
    }
    for name, (cloud, region, address) in expected.items():
        r = by_name[name]
        assert r.type == "pulumi-python:dynamic/local:Target"
        assert r.parent == app_urn
        assert r.inputs["kind"] == "failoverkit:local:Target"
        assert (r.inputs["cloud"], r.inputs["region"], r.inputs["address"]) == (cloud, region, address)
        assert r.inputs["tags"] == TAGS
        assert r.inputs["argv"] == [sys.executable, "-m", "failoverkit.demoapp"]
        assert r.inputs["port"] == 8080 and r.inputs["healthPath"] == "/health"
        assert r.inputs["stateDir"] == str(state_env)

    dns_server = by_name["shop-dns"]
    assert dns_server.type == "pulumi-python:dynamic/local:FailoverDns"
    assert dns_server.parent == app_urn
    inputs = dns_server.inputs
    assert inputs["kind"] == "failoverkit:local:FailoverDns"
    assert (inputs["hostname"], inputs["zone"], inputs["ttlSeconds"]) == (
        "shop.failoverkit.test",
        "failoverkit.test",
        1,
    )
    assert inputs["healthCheck"] == {
        "intervalSeconds": 1,
        "failureThreshold": 2,
        "timeoutSeconds": 0.5,
        "recoveryThreshold": 2,
    }
    assert [(e["priority"], e["cloud"], e["address"]) for e in inputs["endpoints"]] == [
        (0, "aws", "127.0.10.1"),
        (1, "gcp", "127.0.10.2"),
        (2, "azure", "127.0.10.3"),
    ]
    assert (inputs["listenAddress"], inputs["listenPort"]) == ("127.0.53.1", 10053)
    assert inputs["tags"] == TAGS
    assert set(dns_server.dependencies) >= {by_name[n].urn for n in expected}

    dns_out = by_name["shop"].outputs["dns"]
    assert dns_out["server"] == "127.0.53.1:10053"
    assert dns_out["stateDir"] == str(state_env)
    assert dns_out["processes"]["aws-us-east-1"] == "shop-aws-us-east-1"


def test_a_users_command_runs_with_this_interpreter() -> None:
    config = local_stack_config()
    app = json.loads(config["failoverkit:app"])
    config["failoverkit:app"] = json.dumps({**app, "command": ["python", "my_app.py", "--flag"]})
    by_name = run(reference_program, config)
    assert by_name["shop-aws-us-east-1"].inputs["argv"] == [sys.executable, "my_app.py", "--flag"]


def local_args() -> dict[str, Any]:
    return {
        "app": {"name": "shop"},
        "hostname": "shop.failoverkit.test",
        "targets": [
            {"cloud": "aws", "region": "us-east-1", "simulated": True},
            {"cloud": "gcp", "region": "us-central1", "simulated": True},
        ],
        "dns": {"provider": "local", "zone": "failoverkit.test"},
    }


def test_zone_records_are_served_by_the_dns_server() -> None:
    def program() -> None:
        spec = parse_spec(local_args())
        parent = pulumi.ComponentResource("test:index:Parent", "parent")
        backend = local_dns.open(spec, parent)
        backend.zone.record("acme", record_name="_acme.shop.failoverkit.test", record_type="TXT", value="token")
        backend.publish([])
        with pytest.raises(FailoverKitError, match="written after the server was published"):
            backend.zone.record("late", record_name="late.failoverkit.test", record_type="A", value="127.0.0.9")

    by_name = run(program)
    assert by_name["acme"].type == "failoverkit:local:Record"
    assert by_name["acme"].parent == by_name["parent"].urn
    assert by_name["shop-dns"].inputs["records"] == [
        {"name": "_acme.shop.failoverkit.test", "type": "TXT", "value": "token", "ttlSeconds": 300}
    ]


def test_default_addresses_and_the_component_outputs() -> None:
    def program() -> None:
        FailoverApp("shop", local_args())  # type: ignore[arg-type]

    by_name = run(program)
    assert by_name["shop-aws-us-east-1"].inputs["address"] == "127.0.10.1"
    assert by_name["shop-gcp-us-central1"].inputs["address"] == "127.0.10.2"
    endpoints = by_name["shop"].outputs["endpoints"]
    assert endpoints[0]["healthUrl"] == "http://127.0.10.1:8080/health"
    assert endpoints[0]["protocol"] == "HTTP"


@pytest.mark.parametrize("fault", ["unhealthy", "down", "crash", "hang", "slow"])
def test_a_drill_fault_changes_only_the_faulted_targets_fault_input(state_env: Path, fault: str) -> None:
    # The local stack takes drillFaults through the same code path as the clouds (spec.fault_of in deploy).
    before = run(reference_program, local_stack_config())
    config = {
        **local_stack_config(),
        "failoverkit:drillFaults": json.dumps([{"target": "aws-us-east-1", "fault": fault}]),
    }
    after = run(reference_program, config)
    assert set(after) == set(before)
    changed = {
        name: {k for k in set(r.inputs) | set(before[name].inputs) if r.inputs.get(k) != before[name].inputs.get(k)}
        for name, r in after.items()
        if r.custom and (r.inputs != before[name].inputs or r.options != before[name].options)
    }
    # slow also says how slow: past the stack's check timeout (0.5 s) by the larger of 1 s and the timeout.
    delay = {"faultDelaySeconds"} if fault == "slow" else set()
    assert changed == {"shop-aws-us-east-1": {"fault", *delay}}
    assert after["shop-aws-us-east-1"].inputs["fault"] == fault
    assert after["shop-aws-us-east-1"].inputs.get("faultDelaySeconds") == (1.5 if delay else None)
    assert "fault" not in before["shop-aws-us-east-1"].inputs, "no fault, no input: removing the setting lifts it"
