"""Reading a Pulumi project and a stack's config the way the CLI does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from failoverkit.check.project import SECRET_PLACEHOLDER, available_stacks, config_string, load_project
from failoverkit.errors import CheckError, ConfigError


def test_config_layers_project_defaults_then_stack_then_overrides(project_dir: Path) -> None:
    project = load_project(project_dir, "dev", ["buckets=3", "gcp:project=p1"])
    assert project.name == "demo"
    assert project.main == project_dir.resolve() / "__main__.py"
    assert project.stack_file == project_dir.resolve() / "stacks" / "Pulumi.dev.yaml"
    # stack file beats the Pulumi.yaml `value:`; a bare override key gets the project namespace
    assert project.config["aws:region"] == "us-east-1"
    assert project.config["demo:buckets"] == "3"
    assert project.config["demo:acl"] == "private"
    assert project.config["gcp:project"] == "p1"


def test_project_default_applies_without_stack_value(project_dir: Path) -> None:
    assert load_project(project_dir, "dev").config["demo:buckets"] == "2"


def test_secure_values_become_placeholders_and_are_secret(project_dir: Path) -> None:
    project = load_project(project_dir, "dev")
    assert project.config["demo:token"] == SECRET_PLACEHOLDER
    assert project.secret_keys == ["demo:token"]
    assert "AAAABBBB" not in repr(project)


def test_unknown_stack_names_the_stacks_that_exist(project_dir: Path) -> None:
    with pytest.raises(CheckError, match=r"no stack 'prod'.*\(stacks: bad, dev\)"):
        load_project(project_dir, "prod")


def test_org_qualified_stack_name_uses_the_short_name(project_dir: Path) -> None:
    assert load_project(project_dir, "acme/demo/dev").stack == "dev"


def test_main_may_be_a_directory(tmp_path: Path, write_file: Any) -> None:
    write = write_file
    write(tmp_path / "Pulumi.yaml", "name: p\nruntime: python\nmain: src/\n")
    write(tmp_path / "src" / "__main__.py", "")
    write(tmp_path / "Pulumi.s.yaml", "config: {}\n")
    assert load_project(tmp_path, "s").main == (tmp_path / "src" / "__main__.py").resolve()


@pytest.mark.parametrize(
    ("pulumi_yaml", "error", "match"),
    [
        ("name: p\nruntime: nodejs\n", CheckError, "Python programs only, got 'nodejs'"),
        ("runtime: python\n", ConfigError, "name: a project name is required"),
        ("name: p\nruntime: python\nmain: missing.py\n", CheckError, "no program to run"),
        ("name: [unclosed\n", ConfigError, "not valid YAML"),
    ],
)
def test_bad_project_files_are_refused(
    tmp_path: Path, write_file: Any, pulumi_yaml: str, error: type[Exception], match: str
) -> None:
    write = write_file
    write(tmp_path / "Pulumi.yaml", pulumi_yaml)
    write(tmp_path / "__main__.py", "")
    write(tmp_path / "Pulumi.s.yaml", "config: {}\n")
    with pytest.raises(error, match=match):
        load_project(tmp_path, "s")


def test_no_pulumi_yaml(tmp_path: Path) -> None:
    with pytest.raises(CheckError, match=r"no Pulumi\.yaml"):
        load_project(tmp_path, "s")


def test_override_needs_key_and_value(project_dir: Path) -> None:
    with pytest.raises(ConfigError, match="expected KEY=VALUE"):
        load_project(project_dir, "dev", ["aws:region"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [("x", "x"), (True, "true"), (8080, "8080"), (0.5, "0.5"), ({"a": [1, 2]}, '{"a":[1,2]}'), ([1], "[1]")],
)
def test_config_values_are_strings_as_the_cli_gives_them(value: object, expected: str) -> None:
    assert config_string(value) == expected


def test_available_stacks_lists_stack_files(project_dir: Path) -> None:
    assert available_stacks(project_dir / "stacks") == ["bad", "dev"]
    assert available_stacks(project_dir / "nowhere") == []
