"""One critical app on AWS, GCP and Azure, PRIMARY on AWS, two SECONDARY records with different TTLs.

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


def record(key: str, role: str, ttl: int, interval: int) -> None:
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
    aws.route53.Record(
        f"media-{key}",
        zone_id=zone.zone_id,
        name="media",
        type="CNAME",
        ttl=ttl,
        records=[hosts[key]],
        set_identifier=key,
        failover_routing_policies=[{"type": role}],
        health_check_id=check.id,
    )


homes = [aws_home, gcp_home, azure_home]
random.Random(seed).shuffle(homes)
for home in homes:
    home()
records = [("aws", "PRIMARY", 30, 10), ("gcp", "SECONDARY", 30, 30), ("azure", "SECONDARY", 120, 30)]
random.Random(seed + 1).shuffle(records)
for args in records:
    # Some records are registered only once an output resolves, as programs often do: more reordering.
    if args[0] == "azure":
        zone.zone_id.apply(lambda _, a=args: record(*a))
    else:
        record(*args)
