"""FailoverApp as a whole under mocks: refusal before registration, outputs, and the user's providers."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
from assertions import APP_TYPE, Infra, with_fake_dns
from cloud_testkit import HOSTNAME, app_args, run_app
from failoverkit import ConfigError, FailoverApp


def test_bad_config_is_refused_before_any_resource_is_registered(
    recorder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_fake_dns(monkeypatch)
    args = app_args(["aws/us-east-1", "gcp/us-central1"], port=0)
    refused: list[ConfigError] = []

    def program() -> None:
        try:
            FailoverApp("shop", args)  # type: ignore[arg-type]
        except ConfigError as exc:
            refused.append(exc)

    assert recorder(program) == []
    (error,) = refused
    assert error.problems == ["app.port: must be between 1 and 65535, got 0"]


def test_component_type_and_outputs(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    infra = run_app(recorder, monkeypatch, ["aws/us-east-1", "gcp/us-central1", "azure/westeurope"])
    out = infra.component(APP_TYPE).outputs
    assert out["url"] == f"https://{HOSTNAME}/"
    assert out["placements"] == ["aws/us-east-1", "gcp/us-central1", "azure/westeurope"]
    assert [(e["key"], e["priority"]) for e in out["endpoints"]] == [
        ("aws-us-east-1", 0),
        ("gcp-us-central1", 1),
        ("azure-westeurope", 2),
    ]
    assert {e["protocol"] for e in out["endpoints"]} == {"HTTPS"}
    assert out["failoverBudgetSeconds"] <= out["rtoSeconds"]
    assert (out["workload"], out["criticality"]) == ("shop", "critical")
    assert out["tags"] == {"workload": "shop", "criticality": "critical", "managed-by": "failoverkit"}
    assert out["drillFaults"] == []


def test_drill_faults_in_effect_are_an_output(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with_fake_dns(monkeypatch)
    args = {
        **app_args(["aws/us-east-1", "gcp/us-central1"]),
        "drillFaults": [{"target": "gcp-us-central1", "fault": "down"}],
    }
    infra = Infra(recorder(lambda: FailoverApp("shop", args)))  # type: ignore[arg-type]
    assert infra.component(APP_TYPE).outputs["drillFaults"] == [{"target": "gcp-us-central1", "fault": "down"}]


def test_static_ip_is_exported_where_a_target_has_one(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    infra = run_app(recorder, monkeypatch, ["aws/us-east-1", "gcp/us-central1", "azure/westeurope"])
    ips = {e["cloud"]: e.get("staticIp") for e in infra.component(APP_TYPE).outputs["endpoints"]}
    assert ips["aws"] is None
    assert ips["gcp"] == infra.named("shop-gcp-us-central1-ip").outputs["address"]
    assert ips["azure"] == infra.named("shop-azure-westeurope-env").outputs["staticIp"]


def test_user_providers_passed_in_opts_reach_every_child(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with_fake_dns(monkeypatch)
    args = app_args(["aws/us-east-1", "aws/eu-west-1"])

    def program() -> None:
        provider = aws.Provider("prod-account", region="us-east-1")
        FailoverApp("shop", args, pulumi.ResourceOptions(providers={"aws": provider}))  # type: ignore[arg-type]

    infra = Infra(recorder(program))
    provider = infra.named("prod-account")
    children = infra.custom("aws:ec2") + infra.custom("aws:ecs") + infra.custom("aws:lb")
    assert children
    assert all((r.provider or "").startswith(f"{provider.urn}::") for r in children), [r.provider for r in children]
    # The provider's region does not override the target's: each resource still names its own.
    assert {r.inputs["region"] for r in infra.custom("aws:ecs/service")} == {"us-east-1", "eu-west-1"}
