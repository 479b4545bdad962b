"""One critical app on AWS, GCP and Azure behind a nested Route 53 failover chain, PRIMARY on AWS.

Route 53 takes one PRIMARY and one SECONDARY per name and type (API Reference, ResourceRecordSet, Failover), so
a third home goes one level down: media's SECONDARY is an alias (evaluating target health) to
standby.media, a failover set of its own with GCP as PRIMARY and Azure as SECONDARY (with another TTL).

The order resources are registered in comes from the ``seed`` config: the verdicts must not change with it.
"""

import random

import pulumi
import pulumi_aws as aws
import pulumi_azure_native as azure_native
import pulumi_gcp as gcp

tags = {"workload": "media", "criticality": "critical"}
seed = int(pulumi.Config().get("seed") or 0)
zone = aws.route53.Zone("media", name="example.io")
vpc = aws.ec2.get_vpc(default=True)
subnets = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [vpc.id]}])
hosts: dict[str, pulumi.Output[str]] = {}


def aws_home() -> None:
    alb = aws.lb.LoadBalancer("media-aws", subnets=subnets.ids, tags=tags)
    aws.ecs.Service("media-aws", cluster="media", desired_count=2, launch_type="FARGATE", tags=tags)
    hosts["aws"] = alb.dns_name


def gcp_home() -> None:
    run = gcp.cloudrunv2.Service(
        "media-gcp",
        location="us-central1",
        deletion_protection=False,
        labels=tags,
        template={"containers": [{"image": "ghcr.io/acme/media:1.0"}], "scaling": {"min_instance_count": 1}},
    )
    hosts["gcp"] = run.uri.apply(lambda uri: uri.removeprefix("https://"))


def azure_home() -> None:
    group = azure_native.resources.ResourceGroup("media", tags=tags)
    env = azure_native.app.ManagedEnvironment("media", resource_group_name=group.name, tags=tags)
    app = azure_native.app.ContainerApp(
        "media-azure",
        resource_group_name=group.name,
        managed_environment_id=env.id,
        configuration={"ingress": {"external": True, "target_port": 8080}},
        template={"containers": [{"name": "media", "image": "ghcr.io/acme/media:1.0"}]},
        tags=tags,
    )
    hosts["azure"] = app.latest_revision_fqdn


def record(key: str, name: str, role: str, ttl: int, interval: int) -> aws.route53.Record:
    check = aws.route53.HealthCheck(
        f"media-{key}",
        fqdn=hosts[key],
        port=443,
        type="HTTPS",
        resource_path="/health",
        request_interval=interval,
        failure_threshold=3,
        tags=tags,
    )
    return aws.route53.Record(
        f"media-{key}",
        zone_id=zone.zone_id,
        name=name,
        type="CNAME",
        ttl=ttl,
        records=[hosts[key]],
        set_identifier=key,
        failover_routing_policies=[{"type": role}],
        health_check_id=check.id,
    )


def standby_alias(nested: list[pulumi.Input[pulumi.Resource]]) -> None:
    # Route 53 refuses an alias to a record of its zone that does not exist yet: it waits for the nested set.
    aws.route53.Record(
        "media-standby",
        zone_id=zone.zone_id,
        name="media",
        type="CNAME",
        aliases=[{"name": "standby.media.example.io", "zone_id": zone.zone_id, "evaluate_target_health": True}],
        set_identifier="standby",
        failover_routing_policies=[{"type": "SECONDARY"}],
        opts=pulumi.ResourceOptions(depends_on=nested),
    )


homes = [aws_home, gcp_home, azure_home]
random.Random(seed).shuffle(homes)
for home in homes:
    home()
records = [
    ("aws", "media", "PRIMARY", 30, 10),
    ("gcp", "standby.media", "PRIMARY", 30, 30),
    ("azure", "standby.media", "SECONDARY", 120, 30),
]
random.Random(seed + 1).shuffle(records)
nested: list[pulumi.Input[pulumi.Resource]] = []
for args in records:
    # Some records are registered only once an output resolves, as programs often do: more reordering.
    made = zone.zone_id.apply(lambda _, a=args: record(*a)) if args[0] == "azure" else record(*args)
    if args[1] == "standby.media":
        nested.append(made)
standby_alias(nested)
