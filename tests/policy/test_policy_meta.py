"""The pack's contract: seven policies with the ids, levels and config keys of DESIGN.md, and full metadata."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml
from failoverkit_policies import PACK_NAME, POLICIES
from failoverkit_policies.config import PackConfig, PolicyConfigError, parse_config
from pulumi_policy import EnforcementLevel, PolicyPack, StackValidationPolicy

POLICIES_DIR = Path(__file__).resolve().parents[2] / "policies"

# DESIGN.md "Policy pack" (contract): id -> default level.
CONTRACT = {
    "critical-workload-multi-provider": EnforcementLevel.MANDATORY,
    "critical-workload-multi-region": EnforcementLevel.MANDATORY,
    "critical-workload-placement-known": EnforcementLevel.MANDATORY,
    "failover-dns-health-checked": EnforcementLevel.MANDATORY,
    "failover-within-rto": EnforcementLevel.MANDATORY,
    "dns-ttl-bounded": EnforcementLevel.ADVISORY,
    "dns-outside-primary-failure-domain": EnforcementLevel.ADVISORY,
}
DEFAULTS = {
    "workloadTagKey": "workload",
    "criticalityTagKey": "criticality",
    "criticalValues": ["critical"],
    "minProviders": 2,
    "minRegions": 2,
    "rtoSeconds": 300,
    "maxTtlSeconds": 60,
}


def test_ids_and_levels_match_the_contract() -> None:
    assert {p.name: p.enforcement_level for p in POLICIES} == CONTRACT
    assert [p.name for p in POLICIES] == list(CONTRACT)  # stable order, no duplicates


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_every_policy_has_metadata(policy: StackValidationPolicy) -> None:
    assert isinstance(policy, StackValidationPolicy)
    assert policy.description.endswith(".") and len(policy.description) > 30
    assert policy.severity is not None
    assert policy.remediation_steps and policy.remediation_steps.endswith(".")
    assert policy.config_schema is not None
    for key in ("workloadTagKey", "criticalityTagKey", "criticalValues"):
        assert policy.config_schema.properties[key]["default"] == DEFAULTS[key]
    for key, schema in policy.config_schema.properties.items():
        assert schema["default"] == DEFAULTS[key], key
        assert schema["description"]


def test_each_threshold_key_belongs_to_its_policy() -> None:
    owners = {
        key: [p.name for p in POLICIES if p.config_schema and key in p.config_schema.properties]
        for key in ("minProviders", "minRegions", "rtoSeconds", "maxTtlSeconds")
    }
    assert owners == {
        "minProviders": ["critical-workload-multi-provider"],
        "minRegions": ["critical-workload-multi-region"],
        "rtoSeconds": ["failover-within-rto"],
        "maxTtlSeconds": ["dns-ttl-bounded"],
    }


def test_config_defaults_and_floats() -> None:
    assert parse_config({}) == PackConfig()
    # The engine hands numbers over as floats.
    cfg = parse_config({"minProviders": 3.0, "rtoSeconds": 90.0, "criticalValues": ["critical", "tier-1"]})
    assert cfg.min_providers == 3 and isinstance(cfg.min_providers, int)
    assert cfg.rto_seconds == 90
    assert cfg.is_critical("Tier-1")


@pytest.mark.parametrize(
    ("config", "match"),
    [
        ({"minProviders": 1.5}, r"minProviders: expected a whole number >= 1, got 1\.5"),
        ({"minRegions": 0}, r"minRegions: expected a whole number >= 1, got 0"),
        ({"rtoSeconds": "fast"}, r"rtoSeconds: expected a number of seconds >= 0, got 'fast'"),
        ({"criticalValues": "critical"}, r"criticalValues: expected a non-empty list of strings"),
        ({"workloadTagKey": ""}, r"workloadTagKey: expected a tag key"),
    ],
)
def test_bad_config_names_key_and_value(config: dict[str, object], match: str) -> None:
    with pytest.raises(PolicyConfigError, match=match):
        parse_config(config)


def test_bad_config_is_reported_not_raised() -> None:
    from policy_fixtures import cloud_baseline

    policy = POLICIES[0]
    found = policy.run(cloud_baseline().args({"minProviders": "two"}))
    assert found == [("policy config minProviders: expected a whole number >= 1, got 'two'", None)]


def test_pack_layout() -> None:
    assert PACK_NAME == "failoverkit"
    meta = yaml.safe_load((POLICIES_DIR / "PulumiPolicy.yaml").read_text())
    assert meta["runtime"] == {"name": "python", "options": {"virtualenv": ".venv"}}
    assert meta["version"]
    reqs = [line for line in (POLICIES_DIR / "requirements.txt").read_text().splitlines() if line and line[0] != "#"]
    assert reqs == ["pulumi-policy==1.21.0"]
    launcher = POLICIES_DIR / "failoverkit-policies"
    assert launcher.stat().st_mode & 0o111, "the launcher must be executable"
    assert launcher.read_text().startswith("#!/bin/sh")


def test_pack_never_imports_failoverkit() -> None:
    """The pack must install and run without the failoverkit library."""
    for path in [POLICIES_DIR / "__main__.py", *(POLICIES_DIR / "failoverkit_policies").glob("*.py")]:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                root = name.split(".")[0]
                assert root in {"failoverkit_policies", "pulumi_policy", "pulumi", "__future__"} or root in _stdlib(), (
                    f"{path.name} imports {name}"
                )


def _stdlib() -> frozenset[str]:
    import sys

    return frozenset(sys.stdlib_module_names)


def test_pack_object_accepts_the_policies(monkeypatch: pytest.MonkeyPatch) -> None:
    """PolicyPack validates names and policies before serving; serving itself is tested in test_pack_server."""

    class Served(Exception):
        pass

    def no_serve(*_args: object, **_kwargs: object) -> None:
        raise Served

    import grpc

    monkeypatch.setattr(grpc, "server", no_serve)
    with pytest.raises(Served):
        PolicyPack(name=PACK_NAME, policies=list(POLICIES))
