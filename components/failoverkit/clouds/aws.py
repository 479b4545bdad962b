"""AWS target: ECS Fargate service behind an Application Load Balancer, HTTPS on the shared hostname.

Per target (names ``{app}-{target.key}-<role>``)::

    vpc, igw, public-{a,b}, private-{a,b}, nat-{a,b} (+eip), route tables   unless target.vpc_id is given
    alb-sg (80/443 from anywhere) -> task-sg (app port from alb-sg only)
    alb -> https listener (ACM cert for the hostname) -> tg (health check on healthPath) -> service
        -> http listener: 301 to https
    cluster, logs (CloudWatch), execution role, task definition (image, port, container health check)

Every regional resource carries ``region=target.region`` (pulumi-aws v7), so one default or
user-passed provider serves all AWS targets; the component creates no provider of its own.
The ACM certificate is DNS-validated through ``zone`` (the failover DNS backend), so a standby's
certificate is issued whether or not DNS currently points at it.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from failoverkit import catalog
from failoverkit.clouds import Endpoint, Zone
from failoverkit.clouds._common import child_name, child_opts, min_instances, name_scope, once
from failoverkit.spec import FailoverSpec, Target
from failoverkit.tags import workload_tags

VPC_CIDR = "10.0.0.0/16"
VPC_CIDR_ANY = "0.0.0.0/0"
AZ_COUNT = 2
"""Availability zones the VPC spans: two, the ALB's minimum, so one zone's loss leaves the other."""
TASK_CPU = "512"
TASK_MEMORY = "1024"
LOG_RETENTION_DAYS = 30
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
EXECUTION_ROLE_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
HEALTH_CHECK_INTERVAL_SECONDS = 10
"""Target-group check interval: fast, so a bad task leaves rotation well inside the DNS failover budget."""


def deploy(spec: FailoverSpec, target: Target, zone: Zone, parent: pulumi.Resource) -> Endpoint:
    """ECS Fargate + ALB for ``target``; see the module docstring for the resource graph."""
    region = target.region
    tags = workload_tags(spec.app)

    def name(role: str) -> str:
        return child_name(spec, target, role)

    # Physical names (failoverkit.catalog.aws): None leaves the autoname where it fits, else a short name.
    physical = {
        role: p.name
        for role, p in catalog.aws.target_names(
            spec.app.name, target.key, name_scope(), port=spec.app.port, vpc_id=target.vpc_id
        ).items()
    }
    opts = child_opts(parent)
    vpc_id, public_subnets, private_subnets = _network(spec, target, parent)

    alb_sg = aws.ec2.SecurityGroup(
        name("alb-sg"),
        name=physical["alb-sg"],
        region=region,
        vpc_id=vpc_id,
        description=f"{spec.app.name}: HTTPS and HTTP from anywhere to the load balancer",
        ingress=[
            aws.ec2.SecurityGroupIngressArgs(
                protocol="tcp", from_port=port, to_port=port, cidr_blocks=["0.0.0.0/0"], ipv6_cidr_blocks=["::/0"]
            )
            for port in (443, 80)
        ],
        egress=[aws.ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, cidr_blocks=[VPC_CIDR_ANY])],
        tags={**tags, "Name": name("alb-sg")},
        opts=opts,
    )
    task_sg = aws.ec2.SecurityGroup(
        name("task-sg"),
        name=physical["task-sg"],
        region=region,
        vpc_id=vpc_id,
        description=f"{spec.app.name}: app port from the load balancer only",
        ingress=[
            aws.ec2.SecurityGroupIngressArgs(
                protocol="tcp", from_port=spec.app.port, to_port=spec.app.port, security_groups=[alb_sg.id]
            )
        ],
        # Tasks pull the image and ship logs: outbound is open, inbound is the ALB alone.
        egress=[aws.ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, cidr_blocks=[VPC_CIDR_ANY])],
        tags={**tags, "Name": name("task-sg")},
        opts=opts,
    )

    alb = aws.lb.LoadBalancer(
        name("alb"),
        name=physical["alb"],
        region=region,
        load_balancer_type="application",
        internal=False,
        subnets=public_subnets,
        security_groups=[alb_sg.id],
        drop_invalid_header_fields=True,
        tags=tags,
        opts=opts,
    )
    target_group = aws.lb.TargetGroup(
        name("tg"),
        name=physical["tg"],
        region=region,
        vpc_id=vpc_id,
        port=spec.app.port,
        protocol="HTTP",
        target_type="ip",  # Fargate tasks register by ENI address
        deregistration_delay=30,
        health_check=aws.lb.TargetGroupHealthCheckArgs(
            enabled=True,
            path=spec.app.health_path,
            port="traffic-port",
            protocol="HTTP",
            matcher="200-399",
            interval=HEALTH_CHECK_INTERVAL_SECONDS,
            timeout=5,
            healthy_threshold=2,
            unhealthy_threshold=2,
        ),
        tags=tags,
        opts=opts,
    )

    certificate = _certificate(spec, target, zone, parent)
    https = aws.lb.Listener(
        name("https"),
        region=region,
        load_balancer_arn=alb.arn,
        port=443,
        protocol="HTTPS",
        ssl_policy=TLS_POLICY,
        certificate_arn=certificate,
        default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=target_group.arn)],
        tags=tags,
        opts=opts,
    )
    http = aws.lb.Listener(
        name("http"),
        region=region,
        load_balancer_arn=alb.arn,
        port=80,
        protocol="HTTP",
        default_actions=[
            aws.lb.ListenerDefaultActionArgs(
                type="redirect",
                redirect=aws.lb.ListenerDefaultActionRedirectArgs(protocol="HTTPS", port="443", status_code="HTTP_301"),
            )
        ],
        tags=tags,
        opts=opts,
    )

    service = _service(spec, target, parent, physical, private_subnets, task_sg, target_group, depends_on=[https, http])
    return Endpoint(
        target=target,
        origin_hostname=alb.dns_name,
        protocol="HTTPS",
        port=443,
        health_path=spec.app.health_path,
        static_ip=None,  # ALB addresses change; DNS must alias or CNAME its name
        resources=[service, alb, https],
    )


def _network(
    spec: FailoverSpec, target: Target, parent: pulumi.Resource
) -> tuple[pulumi.Input[str], list[pulumi.Input[str]], list[pulumi.Input[str]]]:
    """(vpc id, public subnets for the ALB, subnets for the tasks): the user's VPC or a new one over two AZs."""
    if target.vpc_id is not None:
        # The user's subnets must reach the internet (to pull the image): tasks get public IPs there.
        subnets: list[pulumi.Input[str]] = list(target.subnet_ids)
        return target.vpc_id, subnets, subnets

    region = target.region
    tags = workload_tags(spec.app)
    opts = child_opts(parent)

    def name(role: str) -> str:
        return child_name(spec, target, role)

    azs = aws.get_availability_zones_output(
        region=region, state="available", opts=pulumi.InvokeOutputOptions(parent=parent)
    ).names
    vpc = aws.ec2.Vpc(
        name("vpc"),
        region=region,
        cidr_block=VPC_CIDR,
        enable_dns_hostnames=True,
        enable_dns_support=True,
        tags={**tags, "Name": name("vpc")},
        opts=opts,
    )
    igw = aws.ec2.InternetGateway(
        name("igw"), region=region, vpc_id=vpc.id, tags={**tags, "Name": name("igw")}, opts=opts
    )
    public_rt = aws.ec2.RouteTable(
        name("public-rt"),
        region=region,
        vpc_id=vpc.id,
        routes=[aws.ec2.RouteTableRouteArgs(cidr_block=VPC_CIDR_ANY, gateway_id=igw.id)],
        tags={**tags, "Name": name("public-rt")},
        opts=opts,
    )
    public: list[pulumi.Input[str]] = []
    private: list[pulumi.Input[str]] = []
    for i, letter in enumerate("ab"[:AZ_COUNT]):
        az = azs.apply(lambda names, i=i: names[i])  # type: ignore[misc]  # default binds the loop index
        pub = aws.ec2.Subnet(
            name(f"public-{letter}"),
            region=region,
            vpc_id=vpc.id,
            availability_zone=az,
            cidr_block=f"10.0.{i}.0/24",
            map_public_ip_on_launch=True,
            tags={**tags, "Name": name(f"public-{letter}"), "tier": "public"},
            opts=opts,
        )
        aws.ec2.RouteTableAssociation(
            name(f"public-{letter}-rta"), region=region, subnet_id=pub.id, route_table_id=public_rt.id, opts=opts
        )
        # One NAT gateway per AZ: tasks in one AZ keep pulling images when the other AZ is gone.
        eip = aws.ec2.Eip(name(f"nat-{letter}-eip"), region=region, domain="vpc", tags=tags, opts=opts)
        nat = aws.ec2.NatGateway(
            name(f"nat-{letter}"),
            region=region,
            subnet_id=pub.id,
            allocation_id=eip.id,
            tags={**tags, "Name": name(f"nat-{letter}")},
            opts=child_opts(parent, depends_on=[igw]),
        )
        priv = aws.ec2.Subnet(
            name(f"private-{letter}"),
            region=region,
            vpc_id=vpc.id,
            availability_zone=az,
            cidr_block=f"10.0.{100 + i}.0/24",
            tags={**tags, "Name": name(f"private-{letter}"), "tier": "private"},
            opts=opts,
        )
        private_rt = aws.ec2.RouteTable(
            name(f"private-{letter}-rt"),
            region=region,
            vpc_id=vpc.id,
            routes=[aws.ec2.RouteTableRouteArgs(cidr_block=VPC_CIDR_ANY, nat_gateway_id=nat.id)],
            tags={**tags, "Name": name(f"private-{letter}-rt")},
            opts=opts,
        )
        aws.ec2.RouteTableAssociation(
            name(f"private-{letter}-rta"), region=region, subnet_id=priv.id, route_table_id=private_rt.id, opts=opts
        )
        public.append(pub.id)
        private.append(priv.id)
    return vpc.id, public, private


def _certificate(spec: FailoverSpec, target: Target, zone: Zone, parent: pulumi.Resource) -> pulumi.Output[str]:
    """ARN of an issued ACM certificate for the shared hostname in the target's region."""
    region = target.region
    cert = aws.acm.Certificate(
        child_name(spec, target, "cert"),
        region=region,
        domain_name=spec.hostname,
        validation_method="DNS",
        tags=workload_tags(spec.app),
        opts=child_opts(parent),
    )
    option = cert.domain_validation_options.apply(lambda options: options[0])
    record_name = option.apply(lambda o: o.resource_record_name or "")
    # ACM's validation record is the same for the hostname in every region of an account: one record serves all.
    record = once(
        parent,
        "aws-acm-validation",
        lambda: zone.record(
            f"{spec.app.name}-aws-cert-validation",
            record_name=record_name,
            record_type=option.apply(lambda o: o.resource_record_type or "CNAME"),
            value=option.apply(lambda o: o.resource_record_value or ""),
            ttl_seconds=300,
        ),
    )
    validation = aws.acm.CertificateValidation(
        child_name(spec, target, "cert-validation"),
        region=region,
        certificate_arn=cert.arn,
        validation_record_fqdns=[record_name.apply(lambda n: n.rstrip("."))],
        opts=child_opts(parent, depends_on=[record]),
    )
    return validation.certificate_arn


def _container_definitions(spec: FailoverSpec, target: Target, log_group: pulumi.Output[str]) -> pulumi.Output[str]:
    app = spec.app
    health_url = f"http://localhost:{app.port}{app.health_path}"

    def render(group: str) -> str:
        container: dict[str, Any] = {
            "name": app.name,
            "image": app.image,
            "essential": True,
            "portMappings": [{"containerPort": app.port, "protocol": "tcp"}],
            # The image needs curl or wget for this check; ECS replaces a task that fails it.
            "healthCheck": {
                "command": ["CMD-SHELL", f"curl -fsS {health_url} >/dev/null || wget -q -O /dev/null {health_url}"],
                "interval": 15,
                "timeout": 5,
                "retries": 3,
                "startPeriod": 30,
            },
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": group,
                    "awslogs-region": target.region,
                    "awslogs-stream-prefix": app.name,
                },
            },
        }
        return json.dumps([container])

    return log_group.apply(render)


def _service(
    spec: FailoverSpec,
    target: Target,
    parent: pulumi.Resource,
    physical: dict[str, str | None],
    subnets: list[pulumi.Input[str]],
    task_sg: aws.ec2.SecurityGroup,
    target_group: aws.lb.TargetGroup,
    depends_on: list[pulumi.Resource],
) -> aws.ecs.Service:
    region = target.region
    tags = workload_tags(spec.app)
    opts = child_opts(parent)

    def name(role: str) -> str:
        return child_name(spec, target, role)

    logs = aws.cloudwatch.LogGroup(
        name("logs"),
        name=physical["logs"],
        region=region,
        retention_in_days=LOG_RETENTION_DAYS,
        tags=tags,
        opts=opts,
    )
    # IAM is global: no region. Autonamed (or named with the region in it), so two regions' roles never collide.
    role = aws.iam.Role(
        name("execution-role"),
        name=physical["execution-role"],
        assume_role_policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ],
            }
        ),
        tags=tags,
        opts=opts,
    )
    aws.iam.RolePolicyAttachment(name("execution-policy"), role=role.name, policy_arn=EXECUTION_ROLE_POLICY, opts=opts)
    cluster = aws.ecs.Cluster(
        name("cluster"),
        name=physical["cluster"],
        region=region,
        settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
        tags=tags,
        opts=opts,
    )
    task = aws.ecs.TaskDefinition(
        name("task"),
        region=region,
        family=name("task"),  # verbatim: catalog.aws.TASK_FAMILY
        cpu=TASK_CPU,
        memory=TASK_MEMORY,
        network_mode="awsvpc",
        requires_compatibilities=["FARGATE"],
        runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
            operating_system_family="LINUX", cpu_architecture="X86_64"
        ),
        execution_role_arn=role.arn,
        container_definitions=_container_definitions(spec, target, logs.name),
        tags=tags,
        opts=opts,
    )
    return aws.ecs.Service(
        name("service"),
        name=physical["service"],
        region=region,
        cluster=cluster.arn,
        task_definition=task.arn,
        launch_type="FARGATE",
        desired_count=min_instances(spec.app),
        # ECS spreads Fargate tasks across the subnets' AZs; rebalancing keeps them spread after a zone recovers.
        availability_zone_rebalancing="ENABLED",
        deployment_minimum_healthy_percent=100,
        deployment_maximum_percent=200,
        deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
        health_check_grace_period_seconds=60,
        network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
            subnets=subnets,
            security_groups=[task_sg.id],
            assign_public_ip=target.vpc_id is not None,
        ),
        load_balancers=[
            aws.ecs.ServiceLoadBalancerArgs(
                target_group_arn=target_group.arn, container_name=spec.app.name, container_port=spec.app.port
            )
        ],
        propagate_tags="SERVICE",
        enable_ecs_managed_tags=True,
        tags=tags,
        # The target group must be attached to the ALB (through a listener) before a service may use it.
        opts=child_opts(parent, depends_on=depends_on),
    )
