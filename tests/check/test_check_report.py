"""Text, JSON and SARIF reports, and the CLI's exit codes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest
from failoverkit.check import add_arguments, check_project, run
from failoverkit.check.report import render_text, to_json, to_sarif


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="failoverkit check")
    add_arguments(parser)
    return run(parser.parse_args(argv))


def test_text_report_looks_like_a_preview(project_dir: Path, pack_dir: Path) -> None:
    text = render_text(check_project(project_dir, "bad", policy_packs=[pack_dir]))
    assert "Policies:\n    ❌ fixture-pack@v0.3.0 (local: " in text
    assert (
        "        - [mandatory]  no-public-bucket  (aws:s3/bucket:Bucket: bucket-0)\n"
        "          Buckets are private.\n"
        "          bucket is public-read\n"
    ) in text
    assert "        - [mandatory]  enough-buckets  (pulumi:pulumi:Stack: demo-bad)\n" in text
    # mandatory sorted by policy name like the engine: allowed-region < enough-buckets < no-public-bucket
    assert text.index("allowed-region") < text.index("enough-buckets") < text.index("no-public-bucket")
    assert text.rstrip().endswith("3 mandatory, 0 advisory violation(s)")


def test_text_marks_advisory_only_pack_with_a_warning(project_dir: Path, pack_dir: Path) -> None:
    text = render_text(check_project(project_dir, "dev", policy_packs=[pack_dir]))
    assert "    ⚠️ fixture-pack@v0.3.0" in text
    assert "        - [advisory]  needs-tag  (aws:s3/bucket:Bucket: bucket-1)" in text


def test_json_has_the_contract_fields(project_dir: Path, pack_dir: Path) -> None:
    doc = to_json(check_project(project_dir, "bad", policy_packs=[pack_dir]))
    assert doc["stack"] == "bad"
    assert {"urn", "type", "name", "parent", "provider"} <= set(doc["resources"][0])
    assert len(doc["resources"]) == 6
    keys = {"policyPack", "policy", "enforcementLevel", "message", "urn", "resourceType"}
    assert all(set(v) == keys for v in doc["violations"])
    assert {
        "policyPack": "fixture-pack",
        "policy": "no-public-bucket",
        "enforcementLevel": "mandatory",
        "message": "Buckets are private.\nbucket is public-read",
        "urn": "urn:pulumi:bad::demo::aws:s3/bucket:Bucket::bucket-0",
        "resourceType": "aws:s3/bucket:Bucket",
    } in doc["violations"]
    json.dumps(doc)  # serialisable as is


def test_sarif_has_a_rule_per_policy_and_a_result_per_violation(project_dir: Path, pack_dir: Path) -> None:
    result = check_project(project_dir, "bad", policy_packs=[pack_dir])
    sarif = to_sarif(result)
    assert sarif["version"] == "2.1.0"
    assert sarif["$schema"].endswith("sarif-2.1.0.json")
    (run_,) = sarif["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [
        "no-public-bucket",
        "needs-tag",
        "allowed-region",
        "enough-buckets",
        "always-fails",
    ]
    assert {r["id"]: r["defaultConfiguration"]["level"] for r in rules}["needs-tag"] == "warning"
    assert {r["id"]: r["defaultConfiguration"]["level"] for r in rules}["always-fails"] == "none"
    results = run_["results"]
    assert len(results) == len(result.violations) == 3
    for r in results:
        assert r["level"] == "error"
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        location = r["locations"][0]
        assert location["physicalLocation"]["artifactLocation"]["uri"].endswith("__main__.py")
        assert location["physicalLocation"]["region"]["startLine"] >= 1
        assert location["logicalLocations"][0]["fullyQualifiedName"].startswith("urn:pulumi:bad::demo::")
        assert len(r["partialFingerprints"]["failoverkitViolation/v1"]) == 64


def test_sarif_points_at_the_line_naming_the_resource(project_dir: Path, pack_dir: Path, write_file: Any) -> None:
    write_file(
        project_dir / "__main__.py",
        """
        import pulumi

        pulumi.CustomResource("aws:s3/bucket:Bucket", "lonely", {"acl": "public-read"})
        """,
    )
    sarif = to_sarif(check_project(project_dir, "dev", policy_packs=[pack_dir]))
    located = {
        r["ruleId"]: r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in sarif["runs"][0]["results"]
    }
    assert located["no-public-bucket"] == 3
    assert located["enough-buckets"] == 1  # the stack itself: the top of the program


def test_exit_0_without_mandatory_violations(project_dir: Path, pack_dir: Path, capsys: Any) -> None:
    assert cli([str(project_dir), "--stack", "dev", "--policy-pack", str(pack_dir)]) == 0
    assert "needs-tag" in capsys.readouterr().out


def test_exit_1_with_mandatory_violations(project_dir: Path, pack_dir: Path, capsys: Any) -> None:
    assert cli([str(project_dir), "--stack", "bad", "--policy-pack", str(pack_dir)]) == 1
    assert "[mandatory]  no-public-bucket" in capsys.readouterr().out


def test_config_override_turns_a_pass_into_a_fail(project_dir: Path, pack_dir: Path) -> None:
    argv = [str(project_dir), "--stack", "dev", "--policy-pack", str(pack_dir)]
    assert cli([*argv, "--config", "acl=public-read"]) == 1


def test_exit_2_for_an_unknown_stack(project_dir: Path, capsys: Any) -> None:
    assert cli([str(project_dir), "--stack", "prod"]) == 2
    err = capsys.readouterr().err
    assert "no stack 'prod'" in err
    assert "(stacks: bad, dev)" in err


def test_exit_2_when_the_program_raises_without_traceback(project_dir: Path, capsys: Any) -> None:
    assert cli([str(project_dir), "--stack", "dev", "--config", "explode=true"]) == 2
    err = capsys.readouterr().err
    assert "RuntimeError: boom from the program" in err
    assert "Traceback" not in err


def test_verbose_shows_the_traceback(project_dir: Path, capsys: Any) -> None:
    assert cli([str(project_dir), "--stack", "dev", "--config", "explode=true", "--verbose"]) == 2
    assert "Traceback" in capsys.readouterr().err


def test_exit_2_for_bad_pack_config(project_dir: Path, pack_dir: Path, tmp_path: Path, capsys: Any) -> None:
    cfg = tmp_path / "c.json"
    cfg.write_text('{"enough-buckets": {"minBuckets": -1}}')
    code = cli([str(project_dir), "--stack", "dev", "--policy-pack", str(pack_dir), "--policy-pack-config", str(cfg)])
    assert code == 2
    assert "error: fixture-pack: enough-buckets: minBuckets: must be >= 1, got -1" in capsys.readouterr().err


def test_failoverkit_config_errors_come_out_clean(tmp_path: Path, write_file: Any, capsys: Any) -> None:
    write_file(tmp_path / "Pulumi.yaml", "name: p\nruntime: python\n")
    write_file(tmp_path / "Pulumi.s.yaml", "config: {}\n")
    write_file(
        tmp_path / "__main__.py",
        """
        from failoverkit.errors import ConfigError
        raise ConfigError(["dns.ttl: must be 1..86400 seconds, got 0", "targets: at least two, got 1"])
        """,
    )
    assert cli([str(tmp_path), "--stack", "s"]) == 2
    err = capsys.readouterr().err
    assert err == "error: dns.ttl: must be 1..86400 seconds, got 0\nerror: targets: at least two, got 1\n"


def test_bad_usage_is_exit_2(capsys: Any) -> None:
    with pytest.raises(SystemExit) as exited:
        cli(["--format", "xml", "--stack", "s"])
    assert exited.value.code == 2


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_output_file_gets_the_report_and_stdout_the_text(
    project_dir: Path, pack_dir: Path, tmp_path: Path, capsys: Any, fmt: str
) -> None:
    out = tmp_path / "reports" / f"check.{fmt}"
    argv = [str(project_dir), "--stack", "bad", "--policy-pack", str(pack_dir), "--format", fmt, "--output", str(out)]
    assert cli(argv) == 1
    doc = json.loads(out.read_text())
    assert ("violations" in doc) if fmt == "json" else (doc["version"] == "2.1.0")
    assert "Policies:" in capsys.readouterr().out


def test_secret_values_never_reach_the_output(project_dir: Path, pack_dir: Path, capsys: Any) -> None:
    for fmt in ("text", "json", "sarif"):
        cli([str(project_dir), "--stack", "dev", "--policy-pack", str(pack_dir), "--format", fmt, "--verbose"])
        captured = capsys.readouterr()
        assert "AAAABBBB" not in captured.out + captured.err


def test_what_the_program_prints_stays_out_of_the_json(project_dir: Path, capsys: Any) -> None:
    main = project_dir / "__main__.py"
    main.write_text("print('hello from the program')\n" + main.read_text())
    assert cli([str(project_dir), "--stack", "dev", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["stack"] == "dev"
    assert "hello from the program" in captured.err
