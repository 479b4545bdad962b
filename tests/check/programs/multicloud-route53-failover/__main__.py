"""Active/passive across clouds without failoverkit's components: an ALB-fronted ECS service on AWS is the
PRIMARY, a Cloud Run service on GCP the SECONDARY, each with its own Route 53 health check.

The PRIMARY's name is relative ("shop" in zone example.com), the SECONDARY's absolute: both are
shop.example.com to Route 53.
"""

import pulumi
import pulumi_aws as aws
import pulumi_gcp as gcp

tags = {"workload": "shop", "criticality": "critical"}

vpc = aws.ec2.get_vpc(default=True)
subnets = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [vpc.id]}])
alb = aws.lb.LoadBalancer("shop-alb", subnets=subnets.ids, tags=tags)
cluster = aws.ecs.Cluster("shop", tags=tags)
aws.ecs.Service("shop", cluster=cluster.arn, desired_count=2, launch_type="FARGATE", tags=tags)

run = gcp.cloudrunv2.Service(
    "shop",
    location="us-central1",
    deletion_protection=False,
    labels=tags,
    template={"containers": [{"image": "ghcr.io/acme/shop:4.0"}], "scaling": {"min_instance_count": 1}},
)
run_host = run.uri.apply(lambda uri: uri.removeprefix("https://"))

zone = aws.route53.Zone("example", name="example.com")
checks = {
    "aws": aws.route53.HealthCheck(
        "shop-aws",
        fqdn=alb.dns_name,
        port=443,
        type="HTTPS",
        resource_path="/health",
        request_interval=10,
        failure_threshold=3,
        tags=tags,
    ),
    "gcp": aws.route53.HealthCheck(
        "shop-gcp",
        fqdn=run_host,
        port=443,
        type="HTTPS",
        resource_path="/health",
        request_interval=10,
        failure_threshold=3,
        tags=tags,
    ),
}
aws.route53.Record(
    "shop-primary",
    zone_id=zone.zone_id,
    name="shop",
    type="A",
    set_identifier="aws",
    failover_routing_policies=[{"type": "PRIMARY"}],
    health_check_id=checks["aws"].id,
    aliases=[{"name": alb.dns_name, "zone_id": alb.zone_id, "evaluate_target_health": True}],
)
aws.route53.Record(
    "shop-secondary",
    zone_id=zone.zone_id,
    name="shop.example.com",
    type="A",
    set_identifier="gcp",
    failover_routing_policies=[{"type": "SECONDARY"}],
    health_check_id=checks["gcp"].id,
    ttl=30,
    records=["203.0.113.20"],
)

pulumi.export("name_servers", zone.name_servers)
