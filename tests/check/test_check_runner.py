"""Running a project's program under mocks, with the resources the engine adds."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from failoverkit.check.mocks import RecordedResource
from failoverkit.check.project import load_project
from failoverkit.check.runner import (
    UNKNOWN_ID,
    add_engine_resources,
    default_provider_name,
    run_project,
    stack_urn,
)


def by_name(resources: list[RecordedResource]) -> dict[str, RecordedResource]:
    return {r.name: r for r in resources}


def test_records_every_resource_with_parent_and_provider(project_dir: Path) -> None:
    resources = run_project(load_project(project_dir, "dev"))
    named = by_name(resources)
    root = stack_urn("demo", "dev")
    assert [r.type for r in resources[:1]] == ["pulumi:pulumi:Stack"]
    assert named["demo-dev"].urn == root
    assert named["bucket-0"].urn == "urn:pulumi:dev::demo::aws:s3/bucket:Bucket::bucket-0"
    assert named["bucket-0"].parent == root
    assert named["bucket-0"].inputs == {"acl": "private", "tags": {"owner": "team"}}
    assert named["site-record"].parent == named["site"].urn
    assert (
        named["site-record"].urn == "urn:pulumi:dev::demo::demo:index:Site$cloudflare:index/record:Record::site-record"
    )
    assert named["site"].outputs == {"token_seen": True}  # the secret placeholder reached the program
    assert named["demo-dev"].outputs == {"arn0": None, "arn1": None}  # exports land on the stack resource
    assert {r.name for r in resources if r.type == "aws:s3/bucket:Bucket"} == {"bucket-0", "bucket-1"}


def test_default_providers_carry_the_package_config(project_dir: Path) -> None:
    resources = run_project(load_project(project_dir, "dev"))
    aws = next(r for r in resources if r.type == "pulumi:providers:aws")
    assert aws.urn == "urn:pulumi:dev::demo::pulumi:providers:aws::default"
    assert aws.inputs == {"region": "us-east-1"}
    assert aws.id == UNKNOWN_ID
    bucket = by_name(resources)["bucket-0"]
    assert bucket.provider == f"{aws.urn}::{UNKNOWN_ID}"
    # components and the stack have no provider
    assert by_name(resources)["site"].provider is None


def test_default_provider_name_follows_the_engine() -> None:
    assert default_provider_name(None) == "default"
    assert default_provider_name("7.51.1") == "default_7_51_1"
    assert default_provider_name("1.2.3-alpha.1") == "default_1_2_3_alpha_1"


def test_real_provider_sdk_gets_a_versioned_default_provider(tmp_path: Path, write_file: Any) -> None:
    write = write_file
    write(tmp_path / "Pulumi.yaml", "name: p\nruntime: python\n")
    write(tmp_path / "Pulumi.s.yaml", "config:\n  aws:region: eu-west-3\n  aws:profile: ci\n")
    write(
        tmp_path / "__main__.py",
        "import pulumi_aws as aws\naws.route53.Zone('z', name='example.com')\n",
    )
    resources = run_project(load_project(tmp_path, "s"))
    provider = next(r for r in resources if r.type == "pulumi:providers:aws")
    import pulumi_aws

    version = pulumi_aws._utilities.get_version()
    assert provider.name == default_provider_name(version)
    assert provider.inputs == {"region": "eu-west-3", "profile": "ci", "version": version}


def test_explicit_providers_are_kept_and_get_no_default() -> None:
    explicit = RecordedResource(
        urn="urn:pulumi:s::p::pulumi:providers:aws::east",
        type="pulumi:providers:aws",
        name="east",
        inputs={},
        custom=True,
    )
    child = RecordedResource(
        urn="urn:pulumi:s::p::aws:s3/bucket:Bucket::b",
        type="aws:s3/bucket:Bucket",
        name="b",
        inputs={},
        custom=True,
        provider=f"{explicit.urn}::id1",
    )
    out = add_engine_resources([explicit, child], project="p", stack="s", config={"aws:region": "x"})
    assert [r.type for r in out] == ["pulumi:pulumi:Stack", "pulumi:providers:aws", "aws:s3/bucket:Bucket"]
    assert out[2].provider == f"{explicit.urn}::id1"


def test_dynamic_provider_gets_the_whole_namespaced_config() -> None:
    dyn = RecordedResource(
        urn="urn:pulumi:s::p::pulumi-python:dynamic:Resource::d",
        type="pulumi-python:dynamic:Resource",
        name="d",
        inputs={},
        custom=True,
    )
    out = add_engine_resources([dyn], project="p", stack="s", config={"p:a": "1", "aws:region": "x"})
    provider = out[1]
    assert provider.urn == "urn:pulumi:s::p::pulumi:providers:pulumi-python::default"
    assert provider.inputs == {"p:a": "1", "aws:region": "x"}


def test_program_environment_is_restored(project_dir: Path) -> None:
    cwd, path = os.getcwd(), list(sys.path)
    run_project(load_project(project_dir, "dev"))
    assert os.getcwd() == cwd
    assert sys.path == path
    assert "helpers" not in sys.modules  # the project's own module is forgotten for the next project


def test_program_errors_propagate(project_dir: Path) -> None:
    with pytest.raises(Exception, match="boom from the program"):
        run_project(load_project(project_dir, "dev", ["explode=true"]))


def test_urns_match_the_engine_for_nested_components(tmp_path: Path, write_file: Any) -> None:
    write_file(tmp_path / "Pulumi.yaml", "name: p\nruntime: python\n")
    write_file(tmp_path / "Pulumi.s.yaml", "config: {}\n")
    write_file(
        tmp_path / "__main__.py",
        """
        import pulumi
        outer = pulumi.ComponentResource("x:index:Outer", "o")
        inner = pulumi.ComponentResource("x:index:Inner", "i", opts=pulumi.ResourceOptions(parent=outer))
        pulumi.CustomResource("x:index:Leaf", "l", {}, pulumi.ResourceOptions(parent=inner))
        """,
    )
    urns = {r.name: r.urn for r in run_project(load_project(tmp_path, "s"))}
    # the engine qualifies a child's type with its parent's whole chain, never with the stack's type
    assert urns["o"] == "urn:pulumi:s::p::x:index:Outer::o"
    assert urns["i"] == "urn:pulumi:s::p::x:index:Outer$x:index:Inner::i"
    assert urns["l"] == "urn:pulumi:s::p::x:index:Outer$x:index:Inner$x:index:Leaf::l"
