"""An explicit provider for an assumed role, with no region: it does not read aws:region from the stack."""

import pulumi
import pulumi_aws as aws
import pulumi_gcp as gcp

tags = {"workload": "inventory", "criticality": "critical"}
deployer = aws.Provider("deployer", assume_roles=[{"role_arn": "arn:aws:iam::123456789012:role/deployer"}])
aws.ecs.Service(
    "inventory",
    cluster="inventory",
    desired_count=2,
    launch_type="FARGATE",
    tags=tags,
    opts=pulumi.ResourceOptions(provider=deployer),
)
gcp.cloudrunv2.Service(
    "inventory",
    location="us-central1",
    deletion_protection=False,
    labels=tags,
    template={"containers": [{"image": "ghcr.io/acme/inventory:3.3"}]},
)
