"""Multi-region on one provider: an explicit provider per region, a VPC with a subnet in each of that
region's availability zones, and the function in each."""

import pulumi
import pulumi_aws as aws

tags = {"workload": "quotes", "criticality": "critical"}
for region in ("us-east-1", "eu-west-1"):
    provider = aws.Provider(region, region=region)
    opts = pulumi.InvokeOptions(provider=provider)
    zones = aws.get_availability_zones(state="available", opts=opts)
    vpc = aws.ec2.Vpc(
        f"quotes-{region}", cidr_block="10.0.0.0/16", tags=tags, opts=pulumi.ResourceOptions(provider=provider)
    )
    for i, zone in enumerate(zones.names[:2]):
        aws.ec2.Subnet(
            f"quotes-{zone}",
            vpc_id=vpc.id,
            cidr_block=f"10.0.{i}.0/24",
            availability_zone=zone,
            tags=tags,
            opts=pulumi.ResourceOptions(provider=provider),
        )
    aws.lambda_.Function(
        f"quotes-{region}",
        runtime="python3.12",
        handler="app.handler",
        role="arn:aws:iam::123456789012:role/quotes",
        code=pulumi.AssetArchive({"app.py": pulumi.StringAsset("def handler(e, c):\n    return 'ok'\n")}),
        tags=tags,
        opts=pulumi.ResourceOptions(provider=provider),
    )
