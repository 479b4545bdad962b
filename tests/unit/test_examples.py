"""The examples/ projects run under mocks with their own stack config, as a user's program would."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import yaml
from assertions import APP_TYPE, Infra

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "shop-with-database"


def example_config() -> dict[str, str]:
    raw = yaml.safe_load((EXAMPLE / "Pulumi.dev.yaml").read_text())["config"]
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in raw.items()}


def run_example(recorder: Any) -> Infra:
    project = yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text())["name"]
    program = str(EXAMPLE / "__main__.py")
    return Infra(
        recorder(lambda: runpy.run_path(program, run_name="__main__"), config=example_config(), project=project)
    )


def test_example_depends_on_the_components_package_not_on_path_hacks() -> None:
    requirements = (EXAMPLE / "requirements.txt").read_text().splitlines()
    assert "../../components" in requirements
    source = (EXAMPLE / "__main__.py").read_text()
    assert "sys.path" not in source
    assert "from failoverkit import FailoverApp" in source


def test_example_puts_failover_app_beside_its_own_resources(recorder: Any) -> None:
    infra = run_example(recorder)
    app = infra.component(APP_TYPE)
    database = infra.assert_has_resource(
        "aws:rds/instance:Instance", {"engine": "postgres", "multiAz": True, "region": "us-east-1"}
    )
    assert database.parent != app.urn, "the team's own resources stay the team's, outside the component"
    assert database.urn in app.dependencies
    # The kit's AWS target runs in the VPC passed in: no VPC of its own.
    infra.assert_resource_count("aws:ec2/vpc:Vpc", 0)
    infra.assert_has_resource(
        "aws:lb/targetGroup:TargetGroup", {"vpcId": "vpc-0a1b2c3d4e5f67890", "region": "us-east-1"}
    )
    infra.assert_has_resource(
        "aws:ecs/service:Service",
        {"networkConfiguration": {"subnets": ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]}},
    )
    assert app.outputs["placements"] == ["aws/us-east-1", "gcp/us-central1"]
    assert app.outputs["url"] == "https://shop.example.com/"
