"""``drillFaults`` on the cloud reference stacks under mocks: the documented fault resources and nothing else.

Each case runs a stack of stacks/ through the reference program twice, without and with one fault, and
diffs what was registered (resource by URN: type, inputs, options that matter): the difference must be
exactly the fault's documented change (docs/components.md, "Drill faults"). Removing the setting gives the
first run back, which is how a fault is lifted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from assertions import Infra, with_fake_dns
from cloud_testkit import app_args
from failoverkit.app import FailoverApp
from failoverkit.check import check_project
from failoverkit.check.mocks import PlausibleMocks, RecordedResource, RecordingMonitor, run_program
from failoverkit.program import reference_program
from test_stacks import stack_config

REPO = Path(__file__).resolve().parents[2]


def run(stack: str, faults: list[dict[str, str]] | None = None) -> tuple[dict[str, RecordedResource], dict[str, Any]]:
    config = stack_config(stack)
    if faults is not None:
        config["failoverkit:drillFaults"] = json.dumps(faults)
    monitor = RecordingMonitor(PlausibleMocks())
    resources = run_program(reference_program, project="failoverkit", stack=stack, config=config, monitor=monitor)
    return {r.name: r for r in resources}, monitor.stack_outputs


def inputs(resource: RecordedResource) -> dict[str, Any]:
    """Inputs, plus the options that change what an ``up`` does (as ``options.<name>``)."""
    props = {**resource.inputs, **{f"options.{k}": v for k, v in resource.options.items()}}
    return dict(json.loads(json.dumps(props, sort_keys=True, default=str)))


def diff(
    stack: str, faults: list[dict[str, str]]
) -> tuple[set[str], dict[str, dict[str, tuple[Any, Any]]], dict[str, RecordedResource], dict[str, Any]]:
    """(names added, {name: {input: (without, with)}} changed, the faulted run's resources, its stack outputs)."""
    before, _ = run(stack)
    after, outputs = run(stack, faults)
    assert set(before) <= set(after), f"a fault removes nothing: {sorted(set(before) - set(after))}"
    changed: dict[str, dict[str, tuple[Any, Any]]] = {}
    for name, old in before.items():
        new = after[name]
        assert (new.type, new.parent, new.provider) == (old.type, old.parent, old.provider), name
        a, b = inputs(old), inputs(new)
        delta = {k: (a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)}
        if delta:
            changed[name] = delta
    return set(after) - set(before), changed, after, outputs


def test_no_drill_faults_export_an_empty_list() -> None:
    _, outputs = run("aws-gcp")
    assert outputs["drillFaults"] == []


def test_drill_faults_in_effect_are_a_stack_output() -> None:
    _, outputs = run("aws-gcp", [{"target": "aws-us-east-1", "fault": "unhealthy"}])
    assert outputs["drillFaults"] == [{"target": "aws-us-east-1", "fault": "unhealthy"}]


def leaf_changes(before: Any, after: Any, path: str = "") -> dict[str, tuple[Any, Any]]:
    """Every changed leaf as ``a.b[0].c``: (without, with)."""
    if isinstance(before, dict) and isinstance(after, dict):
        out: dict[str, tuple[Any, Any]] = {}
        for k in sorted(set(before) | set(after)):
            out |= leaf_changes(before.get(k), after.get(k), f"{path}.{k}" if path else k)
        return out
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        out = {}
        for i, (b, a) in enumerate(zip(before, after, strict=True)):
            out |= leaf_changes(b, a, f"{path}[{i}]")
        return out
    return {} if before == after else {path: (before, after)}


ABORT_503 = {"abort": {"httpStatus": 503, "percentage": 100}}


def test_an_empty_drill_faults_list_changes_nothing() -> None:
    added, changed, _, outputs = diff("tri-cloud", [])
    assert (added, changed, outputs["drillFaults"]) == (set(), {}, [])


def test_aws_unhealthy_adds_one_listener_rule_with_a_fixed_503_on_the_health_path() -> None:
    added, changed, after, outputs = diff("aws-gcp", [{"target": "aws-us-east-1", "fault": "unhealthy"}])
    assert (added, changed) == ({"shop-aws-us-east-1-drill-unhealthy"}, {})
    rule = after["shop-aws-us-east-1-drill-unhealthy"]
    assert rule.type == "aws:lb/listenerRule:ListenerRule"
    # On the HTTPS listener, which every health check the kit configures probes (HTTP only redirects to it).
    assert rule.inputs["listenerArn"] == after["shop-aws-us-east-1-https"].outputs["arn"]
    assert rule.inputs["region"] == "us-east-1"
    # ALB rule priorities run 1-50000 (pulumi_aws lb.ListenerRule); path patterns compare the path only.
    assert 1 <= rule.inputs["priority"] <= 50000
    assert rule.inputs["conditions"] == [{"pathPattern": {"values": ["/health"]}}]
    # FixedResponseActionConfig (ELBv2 API Reference): StatusCode ^(2|4|5)\d\d$, ContentType text/plain, body <= 1024.
    (action,) = rule.inputs["actions"]
    assert action["type"] == "fixed-response"
    fixed = action["fixedResponse"]
    assert (fixed["statusCode"], fixed["contentType"]) == ("503", "text/plain")
    assert len(fixed["messageBody"]) <= 1024
    assert rule.inputs["tags"]["managed-by"] == "failoverkit"
    assert outputs["drillFaults"] == [{"target": "aws-us-east-1", "fault": "unhealthy"}]


def test_aws_down_scales_the_service_to_zero_and_keeps_it_there() -> None:
    added, changed, _, _ = diff("aws-gcp", [{"target": "aws-us-east-1", "fault": "down"}])
    assert added == set()
    # RegisterScalableTarget moves an active service's capacity into [min, max] (Application Auto Scaling API
    # Reference): 0..0 empties the target group, and an ALB with no registered targets answers 503.
    assert changed == {
        "shop-aws-us-east-1-service": {"desiredCount": (2, 0)},
        "shop-aws-us-east-1-scaling-target": {"maxCapacity": (10, 0), "minCapacity": (2, 0)},
    }


def test_gcp_unhealthy_aborts_only_the_health_path_in_the_url_map() -> None:
    added, changed, after, _ = diff("aws-gcp", [{"target": "gcp-us-central1", "fault": "unhealthy"}])
    assert added == set()
    assert set(changed) == {"shop-gcp-us-central1-url-map"}
    assert set(changed["shop-gcp-us-central1-url-map"]) == {"hostRules", "pathMatchers"}
    url_map = after["shop-gcp-us-central1-url-map"].inputs
    backend = url_map["defaultService"]
    assert url_map["hostRules"] == [{"hosts": ["*"], "pathMatcher": "drill-fault"}]
    (matcher,) = url_map["pathMatchers"]
    assert (matcher["name"], matcher["defaultService"]) == ("drill-fault", backend), "every other path is served"
    (rule,) = matcher["routeRules"]
    assert rule["matchRules"] == [{"fullPathMatch": "/health"}]
    assert rule["service"] == backend
    # Fault injection works on the global external ALB (EXTERNAL_MANAGED), not the classic one (Compute Engine
    # API, HttpRouteAction.faultInjectionPolicy); abort httpStatus 200-599, percentage 0-100.
    assert rule["routeAction"] == {"faultInjectionPolicy": ABORT_503}
    assert after["shop-gcp-us-central1-backend"].inputs["loadBalancingScheme"] == "EXTERNAL_MANAGED"


def test_gcp_down_aborts_every_request_in_the_url_map() -> None:
    added, changed, after, _ = diff("aws-gcp", [{"target": "gcp-us-central1", "fault": "down"}])
    assert added == set()
    assert set(changed) == {"shop-gcp-us-central1-url-map"}
    assert set(changed["shop-gcp-us-central1-url-map"]) == {"defaultRouteAction"}
    assert after["shop-gcp-us-central1-url-map"].inputs["defaultRouteAction"] == {"faultInjectionPolicy": ABORT_503}


def test_azure_down_denies_every_ipv4_client_at_the_ingress() -> None:
    added, changed, after, _ = diff("aws-azure", [{"target": "azure-eastus2", "fault": "down"}])
    assert added == set()
    assert set(changed) == {"shop-azure-eastus2-app"}
    before, _ = run("aws-azure")
    leaves = leaf_changes(inputs(before["shop-azure-eastus2-app"]), inputs(after["shop-azure-eastus2-app"]))
    # "Set up IP ingress restrictions in Azure Container Apps": deny rules, IPv4 CIDR ranges, all of one action.
    assert leaves == {
        "configuration.ingress.ipSecurityRestrictions": (
            None,
            [
                {
                    "action": "Deny",
                    "description": "failoverkit drill fault: down (remove drillFaults and run up to lift)",
                    "ipAddressRange": "0.0.0.0/0",
                    "name": "failoverkit-drill-down",
                }
            ],
        )
    }


def test_a_fault_on_a_standby_and_on_the_primary_at_once() -> None:
    added, changed, _, outputs = diff(
        "tri-cloud",
        [{"target": "aws-us-east-1", "fault": "unhealthy"}, {"target": "gcp-europe-west1", "fault": "down"}],
    )
    assert added == {"shop-aws-us-east-1-drill-unhealthy"}
    assert set(changed) == {"shop-gcp-europe-west1-url-map"}
    assert [f["target"] for f in outputs["drillFaults"]] == ["aws-us-east-1", "gcp-europe-west1"]


@pytest.mark.parametrize(
    ("stack", "faults"),
    [
        ("aws-gcp", [{"target": "aws-us-east-1", "fault": "unhealthy"}]),
        ("aws-azure", [{"target": "azure-eastus2", "fault": "down"}]),
        (
            "tri-cloud",
            [{"target": "aws-us-east-1", "fault": "down"}, {"target": "gcp-europe-west1", "fault": "unhealthy"}],
        ),
    ],
)
def test_a_stack_with_faults_in_effect_still_passes_the_policy_pack(stack: str, faults: list[dict[str, str]]) -> None:
    # The fault resources carry the workload tags and a region like every other child, so nothing new is judged.
    baseline = check_project(REPO, stack, policy_packs=[REPO / "policies"])
    faulted = check_project(
        REPO, stack, policy_packs=[REPO / "policies"], config=[f"failoverkit:drillFaults={json.dumps(faults)}"]
    )
    assert faulted.mandatory == [] and baseline.mandatory == []
    assert {v.policy for v in faulted.violations} == {v.policy for v in baseline.violations}


def test_unhealthy_rules_match_the_health_path_without_its_query(
    recorder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ALB path patterns and URL-map fullPathMatch both compare the path only, never the query string
    # ("PathPatternConditionConfig", ELBv2 API Reference; pulumi_gcp compute.URLMap matchRules.fullPathMatch).
    with_fake_dns(monkeypatch)
    args = app_args(["aws/us-east-1", "gcp/us-central1", "azure/westeurope"], healthPath="/health?probe=1")
    args["drillFaults"] = [
        {"target": "aws-us-east-1", "fault": "unhealthy"},
        {"target": "gcp-us-central1", "fault": "unhealthy"},
    ]
    infra = Infra(recorder(lambda: FailoverApp("shop", args)))  # type: ignore[arg-type]
    rule = infra.named("shop-aws-us-east-1-drill-unhealthy")
    assert rule.inputs["conditions"] == [{"pathPattern": {"values": ["/health"]}}]
    (matcher,) = infra.named("shop-gcp-us-central1-url-map").inputs["pathMatchers"]
    assert matcher["routeRules"][0]["matchRules"] == [{"fullPathMatch": "/health"}]
