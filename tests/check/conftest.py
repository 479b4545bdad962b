"""Fixtures for `failoverkit check`: a tiny Pulumi project and a policy pack, written to tmp dirs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

PROGRAM = """
import pulumi

from helpers import bucket_args  # a module next to the program: sys.path must hold the project dir

cfg = pulumi.Config()
count = cfg.get_int("buckets") or 1
acl = cfg.get("acl") or "private"
token = cfg.get("token")
for i in range(count):
    b = pulumi.CustomResource("aws:s3/bucket:Bucket", f"bucket-{i}", bucket_args(acl, i))
    pulumi.export(f"arn{i}", b.arn if hasattr(b, "arn") else None)


class Site(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("demo:index:Site", name, {}, opts)
        self.record = pulumi.CustomResource(
            "cloudflare:index/record:Record", f"{name}-record", {"name": "www", "ttl": 300},
            pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"token_seen": token is not None})


Site("site")
if cfg.get_bool("explode"):
    raise RuntimeError("boom from the program")
"""

HELPERS = """
def bucket_args(acl, i):
    return {"acl": acl, "tags": {"owner": "team"} if i == 0 else {}}
"""

PULUMI_YAML = """
name: demo
runtime:
  name: python
  options:
    virtualenv: venv
stackConfigDir: stacks
config:
  buckets:
    type: integer
    default: 2
  aws:region:
    value: eu-west-1
"""

STACK_DEV = """
config:
  demo:acl: private
  aws:region: us-east-1
  demo:token:
    secure: v1:AAAABBBBCCCC
"""

STACK_BAD = """
config:
  demo:buckets: 1
  demo:acl: public-read
  aws:region: ap-south-1
"""

PACK = """
from pulumi_policy import (
    EnforcementLevel, PolicyConfigSchema, PolicyPack, ReportViolation, ResourceValidationArgs,
    ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy,
)


def no_public(args: ResourceValidationArgs, report: ReportViolation):
    if args.resource_type == "aws:s3/bucket:Bucket" and args.props.get("acl") == "public-read":
        report("bucket is public-read")


def tagged(args, report):
    if not args.resource_type.startswith("aws:"):
        args.not_applicable("only AWS resources carry tags")
    key = args.get_config()["requiredTag"]
    if key not in (args.props.get("tags") or {}):
        report(f"missing tag {key}")


def region(args, report):
    if args.provider is None or not args.resource_type.startswith("aws:"):
        return
    allowed = args.get_config()["allowedRegions"]
    got = args.provider.props.get("region")
    if got not in allowed:
        report(f"region {got} is not one of {', '.join(allowed)}")


def enough_buckets(args: StackValidationArgs, report):
    buckets = [r for r in args.resources if r.resource_type == "aws:s3/bucket:Bucket"]
    minimum = args.get_config()["minBuckets"]
    if len(buckets) < minimum:
        report(f"{len(buckets)} bucket(s), need {int(minimum)}")
    for r in buckets:
        assert r.parent is not None and r.parent.resource_type == "pulumi:pulumi:Stack", r.urn
        assert r.provider is not None and r.provider.resource_type == "pulumi:providers:aws", r.urn


def always(args, report):
    report("should never show: disabled")


PolicyPack(
    name="fixture-pack",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[
        ResourceValidationPolicy(name="no-public-bucket", description="Buckets are private.", validate=no_public),
        ResourceValidationPolicy(
            name="needs-tag", description="AWS resources carry the owner tag.", validate=tagged,
            enforcement_level=EnforcementLevel.ADVISORY,
            config_schema=PolicyConfigSchema(properties={"requiredTag": {"type": "string", "default": "owner"}}),
        ),
        ResourceValidationPolicy(
            name="allowed-region", description="AWS resources live in allowed regions.", validate=region,
            config_schema=PolicyConfigSchema(
                properties={"allowedRegions": {"type": "array", "items": {"type": "string"}, "default": ["us-east-1"]}}
            ),
        ),
        StackValidationPolicy(
            name="enough-buckets", description="At least minBuckets buckets.", validate=enough_buckets,
            config_schema=PolicyConfigSchema(
                properties={"minBuckets": {"type": "integer", "default": 2, "minimum": 1}}
            ),
        ),
        ResourceValidationPolicy(
            name="always-fails", description="Disabled by default.", validate=always,
            enforcement_level=EnforcementLevel.DISABLED,
        ),
    ],
)
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    """A tiny Pulumi Python project: buckets, a component with a child, config from three sources."""
    root = tmp_path / "proj"
    write(root / "Pulumi.yaml", PULUMI_YAML)
    write(root / "__main__.py", PROGRAM)
    write(root / "helpers.py", HELPERS)
    write(root / "stacks" / "Pulumi.dev.yaml", STACK_DEV)
    write(root / "stacks" / "Pulumi.bad.yaml", STACK_BAD)
    return root


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    """A policy pack with mandatory, advisory, disabled, configurable, stack and not_applicable policies."""
    root = tmp_path / "pack"
    write(root / "PulumiPolicy.yaml", "runtime: python\nversion: 0.3.0\n")
    write(root / "__main__.py", PACK)
    return root


@pytest.fixture
def write_file() -> object:
    """``write_file(path, text)``: write a dedented file, creating parent directories."""
    return write
