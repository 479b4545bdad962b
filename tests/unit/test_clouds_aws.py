"""AWS target under mocks: ECS Fargate behind an ALB, HTTPS for the shared hostname, region on every resource."""

from __future__ import annotations

import json
from typing import Any

import pytest
from assertions import FAKE_RECORD_TYPE, Infra, untagged, with_fake_dns
from cloud_testkit import HOSTNAME, IMAGE, app_args, outside_app, run_app
from failoverkit.app import FailoverApp
from failoverkit.check.mocks import PlausibleMocks, run_program
from failoverkit.errors import ConfigError
from failoverkit.spec import parse_spec
from pulumi.runtime import mocks as pulumi_mocks

PRIMARY = ("aws/us-east-1", "gcp/us-central1")
GLOBAL_TYPES = ("aws:iam/",)  # IAM has no region
UNTAGGABLE = (
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:acm/certificateValidation:CertificateValidation",
    "aws:appautoscaling/policy:Policy",
)
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ghcr-shop-AbCdEf"


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
        "name-validation", "scaling-target", "scaling-cpu",
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


def test_task_definition_runs_the_image_with_logs(infra: Infra) -> None:
    infra.assert_has_resource(
        "aws:ecs/taskDefinition:TaskDefinition",
        {"networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "512", "memory": "1024"},
    )
    c = container(infra)
    assert c["image"] == IMAGE
    assert c["portMappings"] == [{"containerPort": 8080, "protocol": "tcp"}]
    assert c["logConfiguration"]["logDriver"] == "awslogs"
    assert c["logConfiguration"]["options"]["awslogs-region"] == "us-east-1"
    assert "repositoryCredentials" not in c


def test_container_needs_no_shell_and_a_task_that_cannot_run_fails_the_deploy(infra: Infra) -> None:
    # A container healthCheck runs inside the image ("CMD-SHELL" runs the command with the container's default
    # shell; Amazon ECS task definition parameters, healthCheck): a distroless image without a shell or curl is
    # replaced in a loop. The target group's check already makes ECS replace a task that fails healthPath.
    assert "healthCheck" not in container(infra)
    # pulumi-aws ecs.Service wait_for_steady_state: wait "like aws ecs wait services-stable"; default false.
    infra.assert_has_resource("aws:ecs/service:Service", {"waitForSteadyState": True})


def test_internet_facing_alb_waits_for_the_internet_gateway_and_public_routes(infra: Infra) -> None:
    # CreateLoadBalancer refuses an internet-facing ALB in a VPC without an attached gateway ("InvalidSubnet:
    # VPC ... has no internet gateway"); the dependency also makes destroy delete the ALB before the gateway.
    alb = infra.named("shop-aws-us-east-1-alb")
    needed = {infra.named(f"shop-aws-us-east-1-{role}").urn for role in ("igw", "public-a-rta", "public-b-rta")}
    assert needed <= set(alb.dependencies)


def test_tasks_wait_for_their_routes_and_the_execution_role_policy(infra: Infra) -> None:
    # ECS pulls the image with the execution role's permissions, through the task subnets' routes.
    policy = infra.named("shop-aws-us-east-1-execution-policy").urn
    task = infra.named("shop-aws-us-east-1-task")
    service = infra.named("shop-aws-us-east-1-service")
    assert policy in task.dependencies
    routes = {infra.named(f"shop-aws-us-east-1-private-{x}-rta").urn for x in "ab"}
    assert {policy} | routes <= set(service.dependencies)


def test_availability_zones_are_fargate_capable_availability_zones() -> None:
    calls = availability_zone_calls(["aws/us-east-1", "aws/us-west-1"])
    # EC2 DescribeAvailabilityZones: Availability Zones proper have opt-in-status opt-in-not-required; Local
    # and Wavelength Zones (no NAT gateway, no Fargate) are opted-in / not-opted-in.
    opt_in = {"name": "opt-in-status", "values": ["opt-in-not-required"]}
    assert calls["us-east-1"]["filters"] == [opt_in]
    assert calls["us-east-1"]["state"] == "available"
    # "Supported Regions for Amazon ECS on AWS Fargate": us-west-1 runs Linux Fargate in usw1-az1 and usw1-az3 only.
    assert calls["us-west-1"]["filters"] == [opt_in, {"name": "zone-id", "values": ["usw1-az1", "usw1-az3"]}]


def availability_zone_calls(placements: list[str]) -> dict[str, dict[str, Any]]:
    """The getAvailabilityZones arguments of each region, from one run with a fake DNS zone."""
    calls: dict[str, dict[str, Any]] = {}

    class Recording(PlausibleMocks):
        def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
            if args.token == "aws:index/getAvailabilityZones:getAvailabilityZones":
                calls[str(args.args["region"])] = dict(args.args)
            return super().call(args)

    mp = pytest.MonkeyPatch()
    try:
        with_fake_dns(mp)

        def program() -> None:
            FailoverApp("shop", app_args(placements))  # type: ignore[arg-type]  # a plain dict, as from YAML

        run_program(program, project="failoverkit", stack="test", mocks=Recording())
    finally:
        mp.undo()
    return calls


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
    infra.assert_has_resource("aws:appautoscaling/target:Target", {"minCapacity": 1, "maxCapacity": 10})


def test_service_scales_out_to_take_a_failed_peers_load(infra: Infra) -> None:
    cluster = infra.named("shop-aws-us-east-1-cluster")
    service = infra.named("shop-aws-us-east-1-service")
    # Application Auto Scaling RegisterScalableTarget: ECS services are service/<cluster name>/<service name>
    # on the ecs:service:DesiredCount dimension; the same ceiling as Cloud Run and Container Apps.
    target = infra.assert_has_resource(
        "aws:appautoscaling/target:Target",
        {
            "serviceNamespace": "ecs",
            "scalableDimension": "ecs:service:DesiredCount",
            "resourceId": f"service/{cluster.outputs['name']}/{service.outputs['name']}",
            "minCapacity": 2,
            "maxCapacity": 10,
            "region": "us-east-1",
        },
    )
    # "Use a target metric to scale Amazon ECS services": predefined ECSServiceAverageCPUUtilization.
    infra.assert_has_resource(
        "aws:appautoscaling/policy:Policy",
        {
            "policyType": "TargetTrackingScaling",
            "resourceId": target.inputs["resourceId"],
            "targetTrackingScalingPolicyConfiguration": {
                "predefinedMetricSpecification": {"predefinedMetricType": "ECSServiceAverageCPUUtilization"},
                "targetValue": 60,
            },
        },
    )
    # pulumi-aws ecs.Service: ignore desiredCount so an `up` never resets what Application Auto Scaling set.
    assert "desiredCount" in service.options["ignoreChanges"]


def test_standard_app_runs_tasks_in_public_subnets_without_nat_gateways(
    recorder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    infra = run_app(recorder, monkeypatch, PRIMARY, criticality="standard")
    for typ in ("aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip"):
        infra.assert_resource_count(typ, 0)
    assert {s.inputs["tags"]["tier"] for s in infra.resources_of("aws:ec2/subnet:Subnet")} == {"public"}
    public = [infra.named(f"shop-aws-us-east-1-public-{x}").id for x in "ab"]
    service = infra.assert_has_resource(
        "aws:ecs/service:Service", {"networkConfiguration": {"subnets": public, "assignPublicIp": True}}
    )
    routes = {infra.named(f"shop-aws-us-east-1-public-{x}-rta").urn for x in "ab"}
    assert routes <= set(service.dependencies)
    (rule,) = infra.named("shop-aws-us-east-1-task-sg").inputs["ingress"]
    assert rule["securityGroups"] == [infra.named("shop-aws-us-east-1-alb-sg").id]  # public IP, ALB traffic only


@pytest.mark.parametrize(
    ("criticality", "subnets", "nat_gateways"), [("critical", "public", 0), ("standard", "private", 2)]
)
def test_task_subnets_override_the_default(
    recorder: Any, monkeypatch: pytest.MonkeyPatch, criticality: str, subnets: str, nat_gateways: int
) -> None:
    target = {"cloud": "aws", "region": "us-east-1", "taskSubnets": subnets}
    infra = run_app(recorder, monkeypatch, [target, "gcp/us-central1"], criticality=criticality)
    infra.assert_resource_count("aws:ec2/natGateway:NatGateway", nat_gateways)
    infra.assert_has_resource(
        "aws:ecs/service:Service", {"networkConfiguration": {"assignPublicIp": subnets == "public"}}
    )


def test_container_insights_is_off(infra: Infra) -> None:
    # Container Insights metrics are billed as CloudWatch custom metrics (Amazon CloudWatch pricing).
    infra.assert_has_resource(
        "aws:ecs/cluster:Cluster", {"settings": [{"name": "containerInsights", "value": "disabled"}]}
    )


def test_private_registry_credentials_come_from_secrets_manager(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    target = {"cloud": "aws", "region": "us-east-1", "registryCredentialsArn": SECRET_ARN}
    infra = run_app(recorder, monkeypatch, [target, "gcp/us-central1"])
    # "Private registry authentication for tasks" (Amazon ECS): repositoryCredentials.credentialsParameter is the
    # secret's ARN, and the task execution role needs secretsmanager:GetSecretValue on it.
    assert container(infra)["repositoryCredentials"] == {"credentialsParameter": SECRET_ARN}
    grant = infra.named("shop-aws-us-east-1-registry-secret")
    role = infra.named("shop-aws-us-east-1-execution-role")
    assert grant.inputs["role"] == role.outputs["name"]
    (statement,) = json.loads(grant.inputs["policy"])["Statement"]
    assert statement == {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": [SECRET_ARN]}
    assert grant.urn in infra.named("shop-aws-us-east-1-task").dependencies


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ({"cloud": "aws", "taskSubnets": "dmz"}, "targets[0].taskSubnets: must be one of private | public, got 'dmz'"),
        (
            {"cloud": "gcp", "region": "us-central1", "taskSubnets": "public"},
            "targets[0].taskSubnets: applies only to aws",
        ),
        (
            {
                "cloud": "aws",
                "taskSubnets": "private",
                "vpcId": "vpc-0a1b2c3d4e5f67890",
                "subnetIds": ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
            },
            "targets[0].taskSubnets: applies only to a VPC the kit builds; with targets[0].vpcId",
        ),
        (
            {"cloud": "aws", "registryCredentialsArn": "ghcr-token"},
            "targets[0].registryCredentialsArn: must be a Secrets",
        ),
        (
            {"cloud": "azure", "region": "westeurope", "registryCredentialsArn": SECRET_ARN},
            "targets[0].registryCredentialsArn: applies only to aws",
        ),
    ],
)
def test_aws_target_options_are_validated(target: dict[str, Any], message: str) -> None:
    args = app_args([{"region": "us-east-1", **target}, "gcp/europe-west1"])
    with pytest.raises(ConfigError) as err:
        parse_spec(args)
    assert any(p.startswith(message) for p in err.value.problems), err.value.problems


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


def test_certificate_also_covers_the_targets_own_name(infra: Infra) -> None:
    cert = infra.assert_has_resource(
        "aws:acm/certificate:Certificate",
        {"domainName": HOSTNAME, "subjectAlternativeNames": [f"aws-us-east-1.{HOSTNAME}"]},
    )
    # ACM issues a DNS-validated certificate once every domain on it has its validation CNAME.
    options = {o["domainName"]: o for o in cert.outputs["domainValidationOptions"]}
    own = infra.named("shop-aws-us-east-1-name-validation")
    assert own.inputs["recordName"] == options[f"aws-us-east-1.{HOSTNAME}"]["resourceRecordName"]
    validation = infra.named("shop-aws-us-east-1-cert-validation")
    assert {own.urn, infra.named("shop-aws-cert-validation").urn} <= set(validation.dependencies)
    assert sorted(validation.inputs["validationRecordFqdns"]) == sorted(
        o["resourceRecordName"].rstrip(".") for o in options.values()
    )


def test_two_aws_regions_share_one_validation_record(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    infra = run_app(recorder, monkeypatch, ["aws/us-east-1", "aws/us-west-2"])
    assert infra.names(FAKE_RECORD_TYPE) == [
        "shop-aws-cert-validation",  # the hostname's: one per account
        "shop-aws-us-east-1-name-validation",  # each target's own name: one each
        "shop-aws-us-west-2-name-validation",
    ]
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


class _BlankValidationOption(PlausibleMocks):
    def new_resource(self, args: Any) -> tuple[str | None, dict[str, Any]]:
        rid, outputs = super().new_resource(args)
        if args.typ == "aws:acm/certificate:Certificate":
            options = [{**o, "resourceRecordValue": ""} for o in outputs["domainValidationOptions"]]
            outputs = {**outputs, "domainValidationOptions": options}
        return rid, outputs


def test_a_blank_acm_validation_record_stops_the_up_instead_of_publishing_an_empty_cname(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An empty record value written to the zone is never rewritten by a later up, and the certificate never issues.
    with_fake_dns(monkeypatch)
    args: Any = app_args(("aws/us-east-1", "gcp/us-central1"))
    with pytest.raises(Exception, match=r"ACM validation record value is empty"):
        run_program(
            lambda: FailoverApp("shop", args), project="failoverkit", stack="test", mocks=_BlankValidationOption()
        )
