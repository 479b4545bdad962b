"""A team's own Pulumi program: the orders database it owns, and the shop made failover-ready by failoverkit.

FailoverApp is one resource among the program's own: it takes the VPC the platform team already runs
(``vpcId``/``subnetIds``) for its AWS target, and its endpoints and URL feed the rest of the program.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
from failoverkit import FailoverApp

REGION = "us-east-1"
config = pulumi.Config()
vpc_id = config.require("vpcId")
subnet_ids: list[str] = config.require_object("subnetIds")
hostname = config.get("hostname") or "shop.example.com"
# The same tags the kit puts on its resources, so the policy pack sees the database as part of the shop.
tags = {"workload": "shop", "criticality": "critical", "managed-by": "shop-platform"}

# --- the team's own resources: a Postgres database for orders, reachable only from inside the VPC ---
db_sg = aws.ec2.SecurityGroup(
    "orders-db-sg",
    region=REGION,
    vpc_id=vpc_id,
    description="orders database: Postgres from inside the VPC only",
    ingress=[
        aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=5432, to_port=5432, cidr_blocks=["10.0.0.0/8"])
    ],
    tags=tags,
)
db_subnets = aws.rds.SubnetGroup("orders-db-subnets", region=REGION, subnet_ids=subnet_ids, tags=tags)
database = aws.rds.Instance(
    "orders-db",
    region=REGION,
    engine="postgres",
    engine_version="16",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    db_name="orders",
    username="shop",
    manage_master_user_password=True,  # the password lives in Secrets Manager, never in state
    db_subnet_group_name=db_subnets.name,
    vpc_security_group_ids=[db_sg.id],
    multi_az=True,
    skip_final_snapshot=True,
    tags=tags,
)

# --- the shop: AWS in the platform VPC (primary), GCP Cloud Run (standby), Route 53 failover in front ---
shop = FailoverApp(
    "shop",
    {
        "app": {"name": "shop", "image": "ghcr.io/acme/shop:1.4.2", "port": 8080, "health_path": "/health"},
        "hostname": hostname,
        "targets": [
            {"cloud": "aws", "region": REGION, "vpc_id": vpc_id, "subnet_ids": subnet_ids},
            {"cloud": "gcp", "region": "us-central1"},
        ],
        "dns": {"provider": "route53", "zone": "example.com", "ttl": 30, "health_check": {"interval_seconds": 10}},
        "rto_seconds": 120,
    },
    # The database must exist before the app that uses it starts taking traffic.
    pulumi.ResourceOptions(depends_on=[database]),
)

pulumi.export("url", shop.url)
pulumi.export("endpoints", shop.endpoints)
pulumi.export("failoverBudgetSeconds", shop.failover_budget_seconds)
pulumi.export("ordersDatabase", database.address)
