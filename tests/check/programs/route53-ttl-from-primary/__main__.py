"""The SECONDARY is declared first, with TTL 300; the PRIMARY is an alias to the ALB (Route 53 serves the
ALB's own 60 s). Resolvers cache what the PRIMARY answered when it fails: that TTL is the one that counts."""

import pulumi_aws as aws
import pulumi_azure_native as azure_native

tags = {"workload": "tickets", "criticality": "critical"}
zone = aws.route53.get_zone(name="example.org")

group = azure_native.resources.ResourceGroup("tickets", tags=tags)
plan = azure_native.web.AppServicePlan(
    "tickets", resource_group_name=group.name, kind="Linux", reserved=True, sku={"name": "B1"}, tags=tags
)
standby = azure_native.web.WebApp(
    "tickets",
    resource_group_name=group.name,
    server_farm_id=plan.id,
    site_config={"linux_fx_version": "DOCKER|ghcr.io/acme/tickets:2.0"},
    tags=tags,
)
standby_check = aws.route53.HealthCheck(
    "tickets-azure",
    fqdn=standby.default_host_name,
    port=443,
    type="HTTPS",
    resource_path="/health",
    request_interval=30,
    failure_threshold=3,
    tags=tags,
)
aws.route53.Record(
    "tickets-secondary",
    zone_id=zone.zone_id,
    name="tickets.example.org",
    type="CNAME",
    ttl=300,
    records=[standby.default_host_name],
    set_identifier="azure",
    failover_routing_policies=[{"type": "SECONDARY"}],
    health_check_id=standby_check.id,
)

vpc = aws.ec2.get_vpc(default=True)
subnets = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [vpc.id]}])
alb = aws.lb.LoadBalancer("tickets", subnets=subnets.ids, tags=tags)
aws.ecs.Service("tickets", cluster="tickets", desired_count=2, launch_type="FARGATE", tags=tags)
primary_check = aws.route53.HealthCheck(
    "tickets-aws",
    fqdn=alb.dns_name,
    port=443,
    type="HTTPS",
    resource_path="/health",
    request_interval=30,
    failure_threshold=3,
    tags=tags,
)
aws.route53.Record(
    "tickets-primary",
    zone_id=zone.zone_id,
    name="tickets.example.org",
    type="CNAME",
    set_identifier="aws",
    failover_routing_policies=[{"type": "PRIMARY"}],
    health_check_id=primary_check.id,
    aliases=[{"name": alb.dns_name, "zone_id": alb.zone_id, "evaluate_target_health": True}],
)
