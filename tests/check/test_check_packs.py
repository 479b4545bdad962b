"""Loading a policy pack without serving it, config reconciliation and evaluation like the engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from failoverkit.check import check_project
from failoverkit.check.packs import (
    PolicyConfig,
    load_policy_pack,
    parse_policy_pack_config,
    read_policy_pack_config,
    reconcile_config,
)
from failoverkit.errors import CheckError, ConfigError


def pairs(result: Any) -> set[tuple[str, str, str]]:
    return {(v.policy, v.enforcement_level, v.urn.rsplit("::", 1)[-1]) for v in result.violations}


def test_pack_is_captured_not_served(pack_dir: Path) -> None:
    pack = load_policy_pack(pack_dir)
    assert pack.name == "fixture-pack"
    assert pack.version == "0.3.0"  # PulumiPolicy.yaml's version, as the CLI shows it
    assert {p.name: (p.kind, p.enforcement_level) for p in pack.policies} == {
        "no-public-bucket": ("resource", "mandatory"),  # the pack's default level
        "needs-tag": ("resource", "advisory"),
        "allowed-region": ("resource", "mandatory"),
        "enough-buckets": ("stack", "mandatory"),
        "always-fails": ("resource", "disabled"),
    }


def test_compliant_stack_has_only_the_advisory_violation(project_dir: Path, pack_dir: Path) -> None:
    result = check_project(project_dir, "dev", policy_packs=[pack_dir])
    assert pairs(result) == {("needs-tag", "advisory", "bucket-1")}
    assert result.exit_code == 0
    # not_applicable is honoured: the policy said so for every non-AWS resource
    not_applicable = {(p, urn.rsplit("::", 1)[-1]) for p, urn, _ in result.packs[0].not_applicable}
    assert ("needs-tag", "site-record") in not_applicable
    assert ("needs-tag", "bucket-0") not in not_applicable


def test_violating_stack_fails_with_resource_and_stack_policies(project_dir: Path, pack_dir: Path) -> None:
    result = check_project(project_dir, "bad", policy_packs=[pack_dir])
    assert pairs(result) == {
        ("no-public-bucket", "mandatory", "bucket-0"),
        ("allowed-region", "mandatory", "bucket-0"),  # read from the default provider's aws:region
        ("enough-buckets", "mandatory", "demo-bad"),  # stack-level: attributed to the stack resource
    }
    assert result.exit_code == 1
    message = next(v.message for v in result.violations if v.policy == "no-public-bucket")
    assert message == "Buckets are private.\nbucket is public-read"  # the SDK's own description + detail
    stack_violation = next(v for v in result.violations if v.policy == "enough-buckets")
    assert stack_violation.resource_type == "pulumi:pulumi:Stack"


def test_disabled_policy_never_runs_unless_enabled(project_dir: Path, pack_dir: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps({"always-fails": "advisory"}))
    result = check_project(project_dir, "dev", policy_packs=[pack_dir], policy_pack_configs=[cfg])
    assert sum(v.policy == "always-fails" for v in result.violations) == len(result.resources)


def test_pack_config_sets_levels_and_properties(project_dir: Path, pack_dir: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "cfg.json"
    cfg.write_text(
        json.dumps(
            {
                "all": "advisory",  # like pulumi, "all" also wakes disabled policies ...
                "always-fails": "disabled",  # ... so put this one back to sleep
                "allowed-region": {"allowedRegions": ["ap-south-1"]},
                "enough-buckets": {"enforcementLevel": "disabled"},
                "needs-tag": {"requiredTag": "cost-centre"},
            }
        )
    )
    result = check_project(project_dir, "bad", policy_packs=[pack_dir], policy_pack_configs=[cfg])
    assert pairs(result) == {
        ("no-public-bucket", "advisory", "bucket-0"),
        ("needs-tag", "advisory", "bucket-0"),
    }
    assert result.exit_code == 0
    assert "cost-centre" in next(v.message for v in result.violations if v.policy == "needs-tag")


def test_all_disabled_means_nothing_runs(project_dir: Path, pack_dir: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "cfg.json"
    cfg.write_text('{"all": "disabled"}')
    result = check_project(project_dir, "bad", policy_packs=[pack_dir], policy_pack_configs=[cfg])
    assert result.violations == []
    assert result.exit_code == 0


def test_versioned_config_file_is_understood(pack_dir: Path) -> None:
    parsed = parse_policy_pack_config({"version": 2, "policies": {"needs-tag": "mandatory"}})
    assert parsed == {"needs-tag": PolicyConfig("mandatory")}
    reconciled = reconcile_config(load_policy_pack(pack_dir), parsed)
    assert reconciled["needs-tag"] == PolicyConfig("mandatory", {"requiredTag": "owner"})


def test_schema_defaults_and_initial_levels_are_reconciled(pack_dir: Path) -> None:
    reconciled = reconcile_config(load_policy_pack(pack_dir))
    assert reconciled["enough-buckets"] == PolicyConfig("mandatory", {"minBuckets": 2})
    assert reconciled["always-fails"] == PolicyConfig("disabled", {})


@pytest.mark.parametrize(
    ("config", "match"),
    [
        ({"enough-buckets": {"minBuckets": "two"}}, r"enough-buckets: minBuckets: expected integer, got \"two\""),
        ({"enough-buckets": {"minBuckets": 0}}, "minBuckets: must be >= 1, got 0"),
        ({"allowed-region": {"allowedRegions": [1]}}, r"allowedRegions\[0\]: expected string"),
        ({"needs-tag": "loud"}, "needs-tag: enforcement level must be one of advisory, mandatory"),
        ({"needs-tag": 3}, "must be an enforcement level or an object, got 3"),
    ],
)
def test_bad_pack_config_is_a_config_error(pack_dir: Path, config: dict[str, Any], match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        reconcile_config(load_policy_pack(pack_dir), parse_policy_pack_config(config))


def test_unreadable_pack_config_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(ConfigError, match="not valid JSON"):
        read_policy_pack_config(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        read_policy_pack_config(tmp_path / "missing.json")
    empty = tmp_path / "empty.json"
    empty.write_text("  \n")
    assert read_policy_pack_config(empty) == {}


def test_config_count_must_match_packs_like_pulumi(project_dir: Path, pack_dir: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "cfg.json"
    cfg.write_text("{}")
    with pytest.raises(CheckError, match="must match the number"):
        check_project(project_dir, "dev", policy_packs=[pack_dir, pack_dir], policy_pack_configs=[cfg])


def test_not_a_pack(tmp_path: Path, write_file: Any) -> None:
    with pytest.raises(CheckError, match="not a Python policy pack"):
        load_policy_pack(tmp_path)
    write_file(tmp_path / "__main__.py", "x = 1\n")
    with pytest.raises(CheckError, match="without creating a PolicyPack"):
        load_policy_pack(tmp_path)
    write_file(tmp_path / "__main__.py", "from pulumi_policy import PolicyPack\nPolicyPack('bad name!', [])\n")
    with pytest.raises(CheckError, match="Invalid policy pack name"):
        load_policy_pack(tmp_path)


def test_a_policy_that_raises_is_reported(project_dir: Path, tmp_path: Path, write_file: Any) -> None:
    write_file(
        tmp_path / "crash" / "__main__.py",
        """
        from pulumi_policy import PolicyPack, ResourceValidationPolicy
        def broken(args, report):
            raise KeyError("oops")
        PolicyPack("crash", [ResourceValidationPolicy(name="broken", description="d", validate=broken)])
        """,
    )
    with pytest.raises(CheckError, match=r"policy pack crash .* raised KeyError"):
        check_project(project_dir, "dev", policy_packs=[tmp_path / "crash"])


def test_remediation_rewrites_inputs_before_analysis(project_dir: Path, tmp_path: Path, write_file: Any) -> None:
    write_file(
        tmp_path / "fix" / "__main__.py",
        """
        from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy
        def make_private(args):
            if args.resource_type == "aws:s3/bucket:Bucket" and args.props.get("acl") == "public-read":
                return {**args.props, "acl": "private"}
        def check(args, report):
            if args.props.get("acl") == "public-read":
                report("still public")
        PolicyPack("fix", [
            ResourceValidationPolicy(name="privatise", description="d", remediate=make_private,
                                     enforcement_level=EnforcementLevel.REMEDIATE),
            ResourceValidationPolicy(name="no-public", description="d", validate=check,
                                     enforcement_level=EnforcementLevel.MANDATORY),
        ])
        """,
    )
    result = check_project(project_dir, "bad", policy_packs=[tmp_path / "fix"])
    assert result.violations == []
    assert result.packs[0].remediations == [("privatise", "urn:pulumi:bad::demo::aws:s3/bucket:Bucket::bucket-0")]


def test_assets_reach_policies_as_assets(project_dir: Path, tmp_path: Path, write_file: Any) -> None:
    write_file(
        project_dir / "__main__.py",
        """
        import pulumi
        pulumi.CustomResource("aws:lambda/function:Function", "fn", {"code": pulumi.StringAsset("print(1)")})
        """,
    )
    write_file(
        tmp_path / "assets" / "__main__.py",
        """
        import pulumi
        from pulumi_policy import PolicyPack, ResourceValidationPolicy
        def code(args, report):
            c = args.props.get("code")
            if c is not None:
                report(f"{type(c).__name__}: {c.text}")
        PolicyPack("assets", [ResourceValidationPolicy(name="code", description="d", validate=code)])
        """,
    )
    result = check_project(project_dir, "dev", policy_packs=[tmp_path / "assets"])
    assert [v.message for v in result.violations] == ["d\nStringAsset: print(1)"]
