"""parse_spec of ``drillFaults``: the contract `failoverkit drill` injects through, and every refusal.

Each refusal names the key, the value given and what is allowed (docs/components.md, "Drill faults").
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from failoverkit.errors import ConfigError
from failoverkit.spec import (
    CLOUD_FAULTS,
    DRILL_ONLY_FAULTS,
    LOCAL_ONLY_FAULTS,
    Cloud,
    DrillFault,
    DrillFaultKind,
    parse_spec,
)

ALLOWED = "unhealthy | down (any target); crash | hang | slow (local targets)"


def cloud_args(*faults: Any, **extra: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "app": {"name": "shop", "image": "ghcr.io/acme/shop:1.4.2"},
        "hostname": "shop.example.com",
        "targets": [
            {"cloud": "aws", "region": "us-east-1"},
            {"cloud": "gcp", "region": "us-central1"},
            {"cloud": "azure", "region": "westeurope"},
        ],
        "dns": {"provider": "route53", "zone": "example.com"},
        **extra,
    }
    if faults:
        args["drillFaults"] = list(faults)
    return args


def local_args(*faults: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "app": {"name": "shop"},
        "hostname": "shop.failoverkit.test",
        "targets": [
            {"cloud": "aws", "region": "us-east-1", "simulated": True},
            {"cloud": "azure", "region": "westeurope", "simulated": True},
        ],
        "dns": {"provider": "local", "zone": "failoverkit.test"},
    }
    if faults:
        args["drillFaults"] = list(faults)
    return args


def problems(args: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_spec(args)
    return list(caught.value.problems)


def test_no_drill_faults_by_default() -> None:
    spec = parse_spec(cloud_args())
    assert spec.drill_faults == ()
    assert all(spec.fault_of(t) is None for t in spec.targets)


def test_drill_faults_parse_into_the_contract_dataclass() -> None:
    spec = parse_spec(
        cloud_args({"target": "gcp-us-central1", "fault": "unhealthy"}, {"target": "azure-westeurope", "fault": "down"})
    )
    assert spec.drill_faults == (
        DrillFault("gcp-us-central1", DrillFaultKind.UNHEALTHY),
        DrillFault("azure-westeurope", DrillFaultKind.DOWN),
    )
    assert [spec.fault_of(t) for t in spec.targets] == [None, DrillFaultKind.UNHEALTHY, DrillFaultKind.DOWN]
    assert [f.to_output() for f in spec.drill_faults] == [
        {"target": "gcp-us-central1", "fault": "unhealthy"},
        {"target": "azure-westeurope", "fault": "down"},
    ]


def test_snake_case_drill_faults_key_is_accepted() -> None:
    args = cloud_args()
    args["drill_faults"] = [{"target": "aws-us-east-1", "fault": "down"}]
    assert parse_spec(args).drill_faults == (DrillFault("aws-us-east-1", DrillFaultKind.DOWN),)


@pytest.mark.parametrize("fault", ["unhealthy", "down", "crash", "hang", "slow"])
def test_local_targets_take_every_configurable_kind(fault: str) -> None:
    # DESIGN.md, the stack config contract: "unhealthy | down (any stack); crash | hang | slow (local)".
    spec = parse_spec(local_args({"target": "aws-us-east-1", "fault": fault}))
    assert spec.fault_of(spec.primary) == DrillFaultKind(fault)
    assert [f.to_output() for f in spec.drill_faults] == [{"target": "aws-us-east-1", "fault": fault}]


def test_the_local_only_kinds_are_crash_hang_and_slow() -> None:
    assert [k.value for k in LOCAL_ONLY_FAULTS] == ["crash", "hang", "slow"]
    assert DRILL_ONLY_FAULTS == ("flapping",)
    assert all(k not in kinds for kinds in CLOUD_FAULTS.values() for k in LOCAL_ONLY_FAULTS)


def test_an_empty_list_is_no_fault() -> None:
    assert parse_spec(cloud_args(drillFaults=[])).drill_faults == ()


# --- refusals ---


def test_unknown_target_is_refused_with_the_closest_key() -> None:
    (message,) = problems(cloud_args({"target": "aws-us-east-2", "fault": "down"}))
    assert message.startswith("drillFaults[0].target: is not a target of this stack, got 'aws-us-east-2'")
    assert "did you mean 'aws-us-east-1'?" in message
    assert "targets are aws-us-east-1, gcp-us-central1, azure-westeurope" in message


@pytest.mark.parametrize("fault", DRILL_ONLY_FAULTS)
def test_drill_only_faults_are_refused_with_the_drill_command(fault: str) -> None:
    (message,) = problems(local_args({"target": "aws-us-east-1", "fault": fault}))
    assert message.startswith(f"drillFaults[0].fault: {fault!r} is a drill-only fault")
    assert f"failoverkit drill --stack <stack> --fault {fault}" in message
    assert message.endswith(f"Allowed here: {ALLOWED}")


def test_flapping_is_refused_on_cloud_targets_too() -> None:
    (message,) = problems(cloud_args({"target": "aws-us-east-1", "fault": "flapping"}))
    assert "'flapping' is a drill-only fault" in message
    assert "failoverkit drill --stack <stack> --fault flapping" in message


def test_unknown_fault_kind_is_refused() -> None:
    (message,) = problems(cloud_args({"target": "aws-us-east-1", "fault": "broken"}))
    assert message == f"drillFaults[0].fault: must be one of {ALLOWED}, got 'broken'"


@pytest.mark.parametrize(
    ("target", "takes"),
    [("aws-us-east-1", "unhealthy | down"), ("gcp-us-central1", "unhealthy | down"), ("azure-westeurope", "down")],
)
@pytest.mark.parametrize("fault", ["crash", "hang", "slow"])
def test_cloud_targets_refuse_the_local_kinds_naming_what_their_cloud_takes(
    target: str, takes: str, fault: str
) -> None:
    cloud = target.split("-", 1)[0]
    (message,) = problems(cloud_args({"target": target, "fault": fault}))
    assert message == (
        f"drillFaults[0].fault: target {target} ({cloud}) cannot take {fault!r}: {fault} is a local fault (it acts "
        f"on a simulated target's own process or the demo app's fault switch); {cloud} targets take {takes}"
    )


def test_azure_cannot_take_unhealthy() -> None:
    # Container Apps ingress has no path-based rules or fixed responses ("Ingress in Azure Container Apps",
    # https://learn.microsoft.com/azure/container-apps/ingress-overview): no 503 on the health path alone.
    (message,) = problems(cloud_args({"target": "azure-westeurope", "fault": "unhealthy"}))
    assert message.startswith("drillFaults[0].fault: target azure-westeurope (azure) cannot take 'unhealthy': ")
    assert "use fault: down" in message


def test_a_second_fault_on_the_same_target_is_refused() -> None:
    (message,) = problems(
        cloud_args({"target": "aws-us-east-1", "fault": "unhealthy"}, {"target": "aws-us-east-1", "fault": "down"})
    )
    assert message == (
        "drillFaults[1].target: aws-us-east-1 already has a fault in drillFaults[0]; give each target one fault"
    )


def test_faulting_every_target_is_refused() -> None:
    found = problems(
        local_args({"target": "aws-us-east-1", "fault": "down"}, {"target": "azure-westeurope", "fault": "unhealthy"})
    )
    assert found == [
        "drillFaults: would fault every target (aws-us-east-1, azure-westeurope); leave at least one healthy "
        "target to fail over to (a drill on the last healthy target is refused)"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("aws-us-east-1", "drillFaults: must be a list of {target, fault}, got 'aws-us-east-1'"),
        (
            {"target": "aws-us-east-1"},
            "drillFaults: must be a list of {target, fault}, got {'target': 'aws-us-east-1'}",
        ),
        (["down"], "drillFaults[0]: must be a mapping like {target: aws-us-east-1, fault: unhealthy}, got 'down'"),
        ([{"target": "aws-us-east-1"}], "drillFaults[0].fault: is required"),
        ([{"fault": "down"}], "drillFaults[0].target: is required"),
        (
            [{"target": "aws-us-east-1", "fault": "down", "seconds": 3}],
            "drillFaults[0].seconds: unknown key; allowed keys are fault, target",
        ),
    ],
)
def test_malformed_drill_faults_are_refused(value: Any, message: str) -> None:
    args = cloud_args()
    args["drillFaults"] = value
    assert problems(args) == [message]


def test_every_drill_fault_problem_is_reported_at_once() -> None:
    found = problems(
        cloud_args(
            {"target": "aws-us-east-2", "fault": "down"},
            {"target": "azure-westeurope", "fault": "unhealthy"},
            {"target": "gcp-us-central1", "fault": "crash"},
        )
    )
    assert [re.sub(r":.*", "", p) for p in found] == [
        "drillFaults[0].target",
        "drillFaults[1].fault",
        "drillFaults[2].fault",
    ]


def test_unhealthy_on_aws_needs_a_health_path_an_alb_rule_can_match() -> None:
    # "PathPatternConditionConfig" (ELBv2 API Reference): a path pattern is at most 128 characters.
    args = cloud_args({"target": "aws-us-east-1", "fault": "unhealthy"})
    args["app"]["healthPath"] = "/" + "h" * 128
    (message,) = problems(args)
    assert message == (
        "drillFaults[0].fault: 'unhealthy' on aws-us-east-1 matches app.healthPath in the aws load balancer's rule, "
        "which takes at most 128 characters, got 129; use fault: down"
    )
    args["app"]["healthPath"] = "/" + "h" * 127
    assert parse_spec(args).drill_faults == (DrillFault("aws-us-east-1", DrillFaultKind.UNHEALTHY),)


def test_unhealthy_on_gcp_needs_a_health_path_a_url_map_rule_can_match() -> None:
    # URL map matchRules fullPathMatch: 1 to 1024 characters (pulumi_gcp compute.URLMap).
    args = cloud_args({"target": "gcp-us-central1", "fault": "unhealthy"})
    args["app"]["healthPath"] = "/" + "h" * 1024
    (message,) = problems(args)
    assert "at most 1024 characters, got 1025" in message


def test_the_docs_table_covers_every_target_kind_and_fault() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "components.md").read_text()
    section = doc.split("## 7. Drill faults", 1)[1].split("\n## ", 1)[0]
    # A row may name several targets and kinds ("aws, gcp" | "`crash`, `hang`"): one cell per pair.
    rows: dict[tuple[str, str], str] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if not line.startswith("| ") or cells[1] in ("target", "---"):
            continue
        for target in cells[1].split(", "):
            for kind in cells[2].split(", "):
                assert (target, kind.strip("`")) not in rows, (target, kind)
                rows[(target, kind.strip("`"))] = cells[3]
    kinds = [k.value for k in DrillFaultKind]
    assert set(rows) == {(t, k) for t in ("aws", "gcp", "azure", "local") for k in kinds}
    for cloud in Cloud:
        for kind in DrillFaultKind:
            refused = kind not in CLOUD_FAULTS[cloud]
            assert rows[(cloud.value, kind.value)].startswith("refused") == refused, (cloud, kind)
    assert not any(rows[("local", k)].startswith("refused") for k in kinds), "local targets take every kind"


def test_the_docs_example_is_accepted() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "components.md").read_text()
    snippet = doc.split("## 7. Drill faults", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    faults = yaml.safe_load(snippet)["config"]["failoverkit:drillFaults"]
    assert parse_spec(cloud_args(*faults)).drill_faults == (DrillFault("aws-us-east-1", DrillFaultKind.UNHEALTHY),)
