"""AWS target: ECS Fargate service behind an Application Load Balancer, HTTPS on the shared hostname.

Per target (names ``{app}-{target.key}-<role>``)::

    vpc, igw, public-{a,b} + public-rt         unless target.vpc_id is given
      + private-{a,b}, nat-{a,b} (+eip), private route tables   with private task subnets (critical default)
    alb-sg (80/443 from anywhere) -> task-sg (app port from alb-sg only)
    alb (after the igw and public routes) -> https listener (ACM cert for the hostname and <key>.<hostname>)
        -> tg (health check on healthPath) -> service (waits for steady state) -> scaling-target, scaling-cpu
        -> http listener: 301 to https
    drill-unhealthy (listener rule on https: fixed 503 on healthPath)   only with drillFaults unhealthy
    cluster, logs (CloudWatch), execution role (+ registry-secret policy), task definition (image, port, logs)

Every regional resource carries ``region=target.region`` (pulumi-aws v7), so one default or
user-passed provider serves all AWS targets; the component creates no provider of its own.
The ACM certificate is DNS-validated through ``zone`` (the failover DNS backend), so a standby's
certificate is issued whether or not DNS currently points at it.

Drill faults (``drillFaults``, docs/components.md "Drill faults"): ``unhealthy`` adds the ``drill-unhealthy``
listener rule, so every outside checker gets 503 on healthPath while the tasks keep passing the target
group's own checks (those reach the tasks directly, not through a listener) and serve every other path;
``down`` sets the scaling target's min and max capacity (and the service's initial desired count) to 0.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from failoverkit import catalog
from failoverkit.clouds import Endpoint, Zone
from failoverkit.clouds._common import (
    child_name,
    child_opts,
    max_instances,
    min_instances,
    name_scope,
    nonempty,
    once,
    target_hostname,
)
from failoverkit.spec import DrillFaultKind, FailoverSpec, Target
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
SCALING_CPU_TARGET_PERCENT = 60.0
"""Target tracking keeps average CPU here: room to absorb a burst while new tasks start (about a minute)."""
SCALE_OUT_COOLDOWN_SECONDS = 60
SCALE_IN_COOLDOWN_SECONDS = 300
DRILL_RULE_PRIORITY = 1
"""The drill's listener rule goes first: ALB rule priorities run 1-50000, lowest first (pulumi_aws lb.ListenerRule
``priority``); the listener holds no other rule."""
DRILL_FAULT_STATUS = "503"
"""FixedResponseActionConfig StatusCode: 2XX, 4XX or 5XX (ELBv2 API Reference)."""
FARGATE_ZONE_IDS: dict[str, tuple[str, ...]] = {
    # "Supported Regions for Amazon ECS on AWS Fargate" (Linux containers) lists these regions with only some
    # AZ ids; everywhere else every Availability Zone runs Fargate.
    "us-west-1": ("usw1-az1", "usw1-az3"),
    "ap-northeast-1": ("apne1-az1", "apne1-az2", "apne1-az4"),
    "cn-north-1": ("cnn1-az1", "cnn1-az2"),
}


def public_tasks(spec: FailoverSpec, target: Target) -> bool:
    """Whether tasks run in public subnets with public IPs (no NAT gateways): your VPC, ``public``, or a standard app.

    Private task subnets cost one NAT gateway per AZ (~33 USD a month each plus data); a standard app
    defaults to public subnets, where the task security group still admits only the load balancer.
    """
    if target.vpc_id is not None:
        return True
    if target.task_subnets is not None:
        return target.task_subnets == "public"
    return not spec.app.is_critical


def zone_filters(region: str) -> list[aws.GetAvailabilityZonesFilterArgs]:
    """Availability Zones a Fargate service can use: no Local or Wavelength Zones, only Fargate's AZ ids.

    ``opt-in-not-required`` is the opt-in status of Availability Zones proper; Local Zones (no NAT gateway,
    no Fargate) are ``opted-in`` or ``not-opted-in`` (EC2 DescribeAvailabilityZones, pulumi-aws
    get_availability_zones "Only Availability Zones (no Local Zones)").
    """
    filters = [aws.GetAvailabilityZonesFilterArgs(name="opt-in-status", values=["opt-in-not-required"])]
    if region in FARGATE_ZONE_IDS:
        filters.append(aws.GetAvailabilityZonesFilterArgs(name="zone-id", values=list(FARGATE_ZONE_IDS[region])))
    return filters


@dataclass
class _Network:
    """Where the load balancer and the tasks live, and what must exist before each can use it."""

    vpc_id: pulumi.Input[str]
    alb_subnets: list[pulumi.Input[str]]
    task_subnets: list[pulumi.Input[str]]
    public_tasks: bool
    internet_ready: list[pulumi.Resource] = field(default_factory=list)
    """The internet gateway and the public subnets' route associations: an internet-facing ALB needs both."""
    task_routes_ready: list[pulumi.Resource] = field(default_factory=list)
    """The task subnets' route associations (to the NAT gateways or the internet gateway): tasks pull images."""


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
    network = _network(spec, target, parent)
    vpc_id = network.vpc_id

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
        subnets=network.alb_subnets,
        security_groups=[alb_sg.id],
        drop_invalid_header_fields=True,
        tags=tags,
        # AWS refuses an internet-facing load balancer in a VPC without an attached internet gateway
        # ("InvalidSubnet: VPC ... has no internet gateway"); on destroy the ALB goes first, then the gateway.
        opts=child_opts(parent, depends_on=network.internet_ready),
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

    if spec.fault_of(target) is DrillFaultKind.UNHEALTHY:
        unhealthy_rule(spec, target, parent, https)
    service = _service(
        spec,
        target,
        parent,
        physical,
        network,
        task_sg,
        target_group,
        depends_on=[https, http, *network.task_routes_ready],
    )
    return Endpoint(
        target=target,
        origin_hostname=alb.dns_name,
        protocol="HTTPS",
        port=443,
        health_path=spec.app.health_path,
        static_ip=None,  # ALB addresses change; DNS must alias or CNAME its name
        resources=[service, alb, https],
    )


def unhealthy_rule(
    spec: FailoverSpec, target: Target, parent: pulumi.Resource, https: aws.lb.Listener
) -> aws.lb.ListenerRule:
    """The ``unhealthy`` drill fault: the HTTPS listener answers healthPath itself with a fixed 503.

    Only the HTTPS listener: every health check the kit configures probes HTTPS on 443, and plain HTTP is a 301
    to HTTPS already. A path-pattern condition compares the URL's path only, never its query string, case
    sensitively, up to 128 characters ("PathPatternConditionConfig", ELBv2 API Reference): spec.py refuses a
    longer health path for this fault.
    """
    return aws.lb.ListenerRule(
        child_name(spec, target, "drill-unhealthy"),
        region=target.region,
        listener_arn=https.arn,
        priority=DRILL_RULE_PRIORITY,
        conditions=[
            aws.lb.ListenerRuleConditionArgs(
                path_pattern=aws.lb.ListenerRuleConditionPathPatternArgs(values=[spec.app.health_path.split("?", 1)[0]])
            )
        ],
        actions=[
            aws.lb.ListenerRuleActionArgs(
                type="fixed-response",
                fixed_response=aws.lb.ListenerRuleActionFixedResponseArgs(
                    content_type="text/plain",
                    status_code=DRILL_FAULT_STATUS,
                    message_body="unhealthy (failoverkit drill fault)\n",
                ),
            )
        ],
        tags=workload_tags(spec.app),
        opts=child_opts(parent),
    )


def _network(spec: FailoverSpec, target: Target, parent: pulumi.Resource) -> _Network:
    """The user's VPC, or a new one over two AZs: public subnets (ALB), private ones (tasks) unless public_tasks."""
    if target.vpc_id is not None:
        # The user's subnets must reach the internet (to pull the image): tasks get public IPs there.
        subnets: list[pulumi.Input[str]] = list(target.subnet_ids)
        return _Network(target.vpc_id, subnets, subnets, public_tasks=True)
    in_public = public_tasks(spec, target)

    region = target.region
    tags = workload_tags(spec.app)
    opts = child_opts(parent)

    def name(role: str) -> str:
        return child_name(spec, target, role)

    azs = aws.get_availability_zones_output(
        region=region, state="available", filters=zone_filters(region), opts=pulumi.InvokeOutputOptions(parent=parent)
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
    public_routes: list[pulumi.Resource] = []
    private_routes: list[pulumi.Resource] = []
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
        public_routes.append(
            aws.ec2.RouteTableAssociation(
                name(f"public-{letter}-rta"), region=region, subnet_id=pub.id, route_table_id=public_rt.id, opts=opts
            )
        )
        public.append(pub.id)
        if in_public:
            continue
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
        private_routes.append(
            aws.ec2.RouteTableAssociation(
                name(f"private-{letter}-rta"), region=region, subnet_id=priv.id, route_table_id=private_rt.id, opts=opts
            )
        )
        private.append(priv.id)
    internet_ready: list[pulumi.Resource] = [igw, *public_routes]
    if in_public:
        return _Network(vpc.id, public, public, True, internet_ready, internet_ready)
    return _Network(vpc.id, public, private, False, internet_ready, private_routes)


def _certificate(spec: FailoverSpec, target: Target, zone: Zone, parent: pulumi.Resource) -> pulumi.Output[str]:
    """ARN of an issued ACM certificate for the shared hostname and the target's own name, in the target's region.

    The target's own name ``<key>.<hostname>`` is a SAN so the target answers HTTPS by it, too (Route 53
    publishes that name and checks the target through it).
    """
    region = target.region
    own_name = target_hostname(spec.hostname, target.key)
    cert = aws.acm.Certificate(
        child_name(spec, target, "cert"),
        region=region,
        domain_name=spec.hostname,
        subject_alternative_names=[own_name],
        validation_method="DNS",
        tags=workload_tags(spec.app),
        opts=child_opts(parent),
    )

    def validation_record(name: str, domain: str) -> tuple[pulumi.Output[str], pulumi.Resource]:
        # ACM lists one validation option per domain name of the certificate, in no guaranteed order.
        option = cert.domain_validation_options.apply(
            lambda options: next(o for o in options if o.domain_name == domain)
        )
        record_name = option.apply(lambda o: nonempty("ACM validation record name")(o.resource_record_name))
        record = zone.record(
            name,
            record_name=record_name,
            record_type=option.apply(lambda o: o.resource_record_type or "CNAME"),
            value=option.apply(lambda o: nonempty("ACM validation record value")(o.resource_record_value)),
            ttl_seconds=300,
        )
        return record_name, record

    # ACM's validation record is the same for the hostname in every region of an account: one record serves all.
    shared_name, shared = once(
        parent, "aws-acm-validation", lambda: validation_record(f"{spec.app.name}-aws-cert-validation", spec.hostname)
    )
    own_record_name, own = validation_record(child_name(spec, target, "name-validation"), own_name)
    validation = aws.acm.CertificateValidation(
        child_name(spec, target, "cert-validation"),
        region=region,
        certificate_arn=cert.arn,
        validation_record_fqdns=[n.apply(lambda n: n.rstrip(".")) for n in (shared_name, own_record_name)],
        opts=child_opts(parent, depends_on=[shared, own]),
    )
    return validation.certificate_arn


def _container_definitions(spec: FailoverSpec, target: Target, log_group: pulumi.Output[str]) -> pulumi.Output[str]:
    app = spec.app

    def render(group: str) -> str:
        # No container healthCheck: it runs inside the image (CMD-SHELL needs a shell, and curl or wget), so a
        # distroless image would be replaced in a loop. The target group's check on healthPath already has ECS
        # replace a task that fails it (the service's load balancer health checks).
        container: dict[str, Any] = {
            "name": app.name,
            "image": app.image,
            "essential": True,
            "portMappings": [{"containerPort": app.port, "protocol": "tcp"}],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": group,
                    "awslogs-region": target.region,
                    "awslogs-stream-prefix": app.name,
                },
            },
        }
        if target.registry_credentials_arn is not None:
            # "Private registry authentication for tasks" (Amazon ECS): the agent reads {username, password}.
            container["repositoryCredentials"] = {"credentialsParameter": target.registry_credentials_arn}
        return json.dumps([container])

    return log_group.apply(render)


def _service(
    spec: FailoverSpec,
    target: Target,
    parent: pulumi.Resource,
    physical: dict[str, str | None],
    network: _Network,
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
    # Task definition and service wait for the role's permissions: ECS pulls the image and writes logs with them.
    permissions: list[pulumi.Resource] = [
        aws.iam.RolePolicyAttachment(
            name("execution-policy"), role=role.name, policy_arn=EXECUTION_ROLE_POLICY, opts=opts
        )
    ]
    if target.registry_credentials_arn is not None:
        # The execution role must read the secret ("Required IAM permissions for private registry
        # authentication"); a customer-managed KMS key on the secret also needs kms:Decrypt (docs/components.md).
        permissions.append(
            aws.iam.RolePolicy(
                name("registry-secret"),
                role=role.name,
                policy=json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": ["secretsmanager:GetSecretValue"],
                                "Resource": [target.registry_credentials_arn],
                            }
                        ],
                    }
                ),
                opts=opts,
            )
        )
    cluster = aws.ecs.Cluster(
        name("cluster"),
        name=physical["cluster"],
        region=region,
        # Container Insights bills its metrics as CloudWatch custom metrics: off, the ECS basics stay free.
        settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="disabled")],
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
        opts=child_opts(parent, depends_on=permissions),
    )
    service = aws.ecs.Service(
        name("service"),
        name=physical["service"],
        region=region,
        cluster=cluster.arn,
        task_definition=task.arn,
        launch_type="FARGATE",
        desired_count=_task_count(spec, target),  # the start; Application Auto Scaling moves it (ignored below)
        # `pulumi up` fails when the tasks never become healthy, instead of reporting success while the
        # circuit breaker rolls back (pulumi-aws ecs.Service wait_for_steady_state).
        wait_for_steady_state=True,
        # ECS spreads Fargate tasks across the subnets' AZs; rebalancing keeps them spread after a zone recovers.
        availability_zone_rebalancing="ENABLED",
        deployment_minimum_healthy_percent=100,
        deployment_maximum_percent=200,
        deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
        health_check_grace_period_seconds=60,
        network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
            subnets=network.task_subnets,
            security_groups=[task_sg.id],
            assign_public_ip=network.public_tasks,
        ),
        load_balancers=[
            aws.ecs.ServiceLoadBalancerArgs(
                target_group_arn=target_group.arn, container_name=spec.app.name, container_port=spec.app.port
            )
        ],
        propagate_tags="SERVICE",
        enable_ecs_managed_tags=True,
        tags=tags,
        # The target group must be attached to the ALB (through a listener) before a service may use it, and the
        # tasks' routes must exist before they pull the image.
        opts=pulumi.ResourceOptions.merge(
            child_opts(parent, depends_on=[*depends_on, *permissions]),
            # Application Auto Scaling owns the task count after creation; an `up` must not reset it (pulumi-aws
            # ecs.Service: "ignore_changes ... caused externally (e.g., Application Auto Scaling)").
            pulumi.ResourceOptions(ignore_changes=["desiredCount"]),
        ),
    )
    _autoscaling(spec, target, parent, cluster, service)
    return service


def _task_count(spec: FailoverSpec, target: Target) -> int:
    """Tasks the service starts with and never drops below: 0 while the ``down`` drill fault is in effect."""
    return 0 if spec.fault_of(target) is DrillFaultKind.DOWN else min_instances(spec.app)


def _autoscaling(
    spec: FailoverSpec, target: Target, parent: pulumi.Resource, cluster: aws.ecs.Cluster, service: aws.ecs.Service
) -> None:
    """Target tracking on CPU from the minimum to max_instances: a standby can take a failed peer's whole load."""
    scaling = aws.appautoscaling.Target(
        child_name(spec, target, "scaling-target"),
        region=target.region,
        service_namespace="ecs",
        scalable_dimension="ecs:service:DesiredCount",
        # RegisterScalableTarget ResourceId for ECS: service/<cluster name>/<service name>.
        resource_id=pulumi.Output.concat("service/", cluster.name, "/", service.name),
        # RegisterScalableTarget moves an active service's current capacity into [min, max] (Application Auto
        # Scaling API Reference): the `down` drill fault's 0..0 empties the target group, its lift restores both.
        min_capacity=_task_count(spec, target),
        max_capacity=0 if spec.fault_of(target) is DrillFaultKind.DOWN else max_instances(spec.app),
        tags=workload_tags(spec.app),
        opts=child_opts(parent),
    )
    aws.appautoscaling.Policy(
        child_name(spec, target, "scaling-cpu"),
        region=target.region,
        policy_type="TargetTrackingScaling",
        service_namespace=scaling.service_namespace,
        scalable_dimension=scaling.scalable_dimension,
        resource_id=scaling.resource_id,
        target_tracking_scaling_policy_configuration=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
            predefined_metric_specification=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                predefined_metric_type="ECSServiceAverageCPUUtilization"
            ),
            target_value=SCALING_CPU_TARGET_PERCENT,
            scale_out_cooldown=SCALE_OUT_COOLDOWN_SECONDS,
            scale_in_cooldown=SCALE_IN_COOLDOWN_SECONDS,
        ),
        opts=child_opts(parent),
    )
