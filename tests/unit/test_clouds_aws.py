"""AWS target under mocks: ECS Fargate behind an ALB, HTTPS for the shared hostname, region on every resource."""

from __future__ import annotations

import json
from typing import Any

import pytest
from assertions import FAKE_RECORD_TYPE, Infra, untagged
from cloud_testkit import HOSTNAME, IMAGE, outside_app, run_app

PRIMARY = ("aws/us-east-1", "gcp/us-central1")
GLOBAL_TYPES = ("aws:iam/",)  # IAM has no region
UNTAGGABLE = (
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:acm/certificateValidation:CertificateValidation",
)


@pytest.fixture
def infra(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> Infra:
    return run_app(recorder, monkeypatch, PRIMARY)


def container(infra: Infra) -> dict[str, Any]:
    task = infra.assert_has_resource("aws:ecs/taskDefinition:TaskDefinition")
    (definition,) = json.loads(task.inputs["containerDefinitions"])
    return dict(definition)


def test_child_names_derive_from_target_key(infra: Infra) -> None:
    names = set(infra.names()) - {"shop"}
    aws = {n for n in names if n.startswith("shop-aws")}
    expected_roles = {
        "vpc", "igw", "public-rt", "public-a", "public-b", "private-a", "private-b", "nat-a", "nat-b",
        "nat-a-eip", "nat-b-eip", "private-a-rt", "private-b-rt", "public-a-rta", "public-b-rta",
        "private-a-rta", "private-b-rta", "alb-sg", "task-sg", "alb", "tg", "cert", "cert-validation",
        "https", "http", "logs", "execution-role", "execution-policy", "cluster", "task", "service",
    }  # fmt: skip
    assert aws == {f"shop-aws-us-east-1-{role}" for role in expected_roles} | {"shop-aws-cert-validation"}


def test_every_regional_resource_carries_the_target_region(infra: Infra) -> None:
    regional = [r for r in infra.custom("aws:") if not r.type.startswith(GLOBAL_TYPES)]
    assert regional
    assert {r.inputs.get("region") for r in regional} == {"us-east-1"}


def test_every_taggable_resource_carries_workload_tags(infra: Infra) -> None:
    assert untagged(infra, "tags", lambda r: not r.type.startswith("aws:") or r.type in UNTAGGABLE) == []
    infra.assert_has_resource(
        "aws:ecs/service:Service",
        {"tags": {"workload": "shop", "criticality": "critical", "managed-by": "failoverkit"}},
    )


def test_every_resource_hangs_off_the_failover_app(infra: Infra) -> None:
    assert outside_app(infra, "aws:") == []
    assert all(r.provider is None for r in infra.custom("aws:")), "the component must not create providers"


def test_vpc_spans_two_availability_zones_with_public_and_private_subnets(infra: Infra) -> None:
    subnets = infra.resources_of("aws:ec2/subnet:Subnet")
    by_tier: dict[str, set[str]] = {}
    for s in subnets:
        by_tier.setdefault(s.inputs["tags"]["tier"], set()).add(s.inputs["availabilityZone"])
    assert by_tier == {"public": {"us-east-1a", "us-east-1b"}, "private": {"us-east-1a", "us-east-1b"}}
    infra.assert_resource_count("aws:ec2/natGateway:NatGateway", 2)
    infra.assert_has_resource("aws:ec2/subnet:Subnet", {"mapPublicIpOnLaunch": True})


def test_tasks_admit_only_the_load_balancer(infra: Infra) -> None:
    alb_sg = infra.named("shop-aws-us-east-1-alb-sg")
    task_sg = infra.named("shop-aws-us-east-1-task-sg")
    assert {(i["fromPort"], i["toPort"]) for i in alb_sg.inputs["ingress"]} == {(443, 443), (80, 80)}
    (rule,) = task_sg.inputs["ingress"]
    assert (rule["fromPort"], rule["toPort"], rule["protocol"]) == (8080, 8080, "tcp")
    assert rule["securityGroups"] == [alb_sg.id]
    assert "cidrBlocks" not in rule or not rule["cidrBlocks"]


def test_target_group_health_checks_the_health_path(infra: Infra) -> None:
    infra.assert_has_resource(
        "aws:lb/targetGroup:TargetGroup",
        {
            "port": 8080,
            "protocol": "HTTP",
            "targetType": "ip",
            "healthCheck": {"path": "/health", "matcher": "200-399"},
        },
    )


def test_https_listener_serves_a_dns_validated_certificate_for_the_hostname(infra: Infra) -> None:
    infra.assert_has_resource("aws:acm/certificate:Certificate", {"domainName": HOSTNAME, "validationMethod": "DNS"})
    record = infra.named("shop-aws-cert-validation")  # the gcp target writes a CNAME of its own
    assert record.inputs["recordType"] == "CNAME"
    assert record.inputs["value"].endswith(".acm-validations.aws.")
    validation = infra.assert_has_resource("aws:acm/certificateValidation:CertificateValidation")
    assert record.urn in validation.dependencies
    listener = infra.assert_has_resource(
        "aws:lb/listener:Listener", {"port": 443, "protocol": "HTTPS", "defaultActions": [{"type": "forward"}]}
    )
    assert listener.inputs["certificateArn"].startswith("arn:aws:acm:us-east-1:")
    assert listener.inputs["sslPolicy"].startswith("ELBSecurityPolicy-TLS13")


def test_http_redirects_to_https(infra: Infra) -> None:
    infra.assert_has_resource(
        "aws:lb/listener:Listener",
        {
            "port": 80,
            "protocol": "HTTP",
            "defaultActions": [
                {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}
            ],
        },
    )


def test_task_definition_runs_the_image_with_health_check_and_logs(infra: Infra) -> None:
    infra.assert_has_resource(
        "aws:ecs/taskDefinition:TaskDefinition",
        {"networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "512", "memory": "1024"},
    )
    c = container(infra)
    assert c["image"] == IMAGE
    assert c["portMappings"] == [{"containerPort": 8080, "protocol": "tcp"}]
    assert "http://localhost:8080/health" in c["healthCheck"]["command"][1]
    assert c["logConfiguration"]["logDriver"] == "awslogs"
    assert c["logConfiguration"]["options"]["awslogs-region"] == "us-east-1"


def test_default_critical_service_runs_two_tasks_in_private_subnets(infra: Infra) -> None:
    service = infra.assert_has_resource(
        "aws:ecs/service:Service",
        {
            "launchType": "FARGATE",
            "desiredCount": 2,
            "availabilityZoneRebalancing": "ENABLED",
            "networkConfiguration": {"assignPublicIp": False},
            "loadBalancers": [{"containerName": "shop", "containerPort": 8080}],
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        },
    )
    private = {infra.named(f"shop-aws-us-east-1-private-{x}").id for x in "ab"}
    assert set(service.inputs["networkConfiguration"]["subnets"]) == private
    https = infra.named("shop-aws-us-east-1-https")
    assert https.urn in service.dependencies, "the target group must be on the ALB before the service uses it"


def test_standard_app_runs_one_task(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    infra = run_app(recorder, monkeypatch, PRIMARY, criticality="standard")
    infra.assert_has_resource("aws:ecs/service:Service", {"desiredCount": 1, "tags": {"criticality": "standard"}})


def test_existing_vpc_is_used_instead_of_a_new_one(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    subnets = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
    target = {"cloud": "aws", "region": "eu-west-1", "vpcId": "vpc-0a1b2c3d4e5f67890", "subnetIds": subnets}
    infra = run_app(recorder, monkeypatch, [target, "gcp/europe-west1"])
    infra.assert_resource_count("aws:ec2/vpc:Vpc", 0)
    infra.assert_resource_count("aws:ec2/subnet:Subnet", 0)
    infra.assert_has_resource("aws:lb/loadBalancer:LoadBalancer", {"subnets": subnets, "region": "eu-west-1"})
    infra.assert_has_resource("aws:lb/targetGroup:TargetGroup", {"vpcId": "vpc-0a1b2c3d4e5f67890"})
    infra.assert_has_resource(
        "aws:ecs/service:Service", {"networkConfiguration": {"subnets": subnets, "assignPublicIp": True}}
    )


def test_two_aws_regions_share_one_validation_record(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    infra = run_app(recorder, monkeypatch, ["aws/us-east-1", "aws/us-west-2"])
    infra.assert_resource_count(FAKE_RECORD_TYPE, 1)
    infra.assert_resource_count("aws:acm/certificate:Certificate", 2)
    assert {r.inputs["region"] for r in infra.resources_of("aws:acm/certificate:Certificate")} == {
        "us-east-1",
        "us-west-2",
    }


def test_endpoint_output_points_at_the_load_balancer(infra: Infra) -> None:
    app = infra.component()
    aws = next(e for e in app.outputs["endpoints"] if e["cloud"] == "aws")
    alb = infra.named("shop-aws-us-east-1-alb")
    assert aws["originHostname"] == alb.outputs["dnsName"]
    assert aws["healthUrl"] == f"https://{alb.outputs['dnsName']}/health"
    assert (aws["protocol"], aws["port"], aws["region"]) == ("HTTPS", 443, "us-east-1")
