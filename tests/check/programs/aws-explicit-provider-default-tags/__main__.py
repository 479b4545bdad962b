"""An invoice renderer in two regions, one explicit provider per region carrying the team's tags as
default_tags (no resource sets the workload's tags itself), and a batch job that tags itself as standard."""

import pulumi
import pulumi_aws as aws

TEAM_TAGS = {"workload": "invoices", "criticality": "critical", "team": "billing"}
CODE = pulumi.AssetArchive({"app.py": pulumi.StringAsset("def handler(event, context):\n    return 'ok'\n")})

for region in ("us-east-1", "us-west-2"):
    provider = aws.Provider(region, region=region, default_tags=aws.ProviderDefaultTagsArgs(tags=TEAM_TAGS))
    opts = pulumi.ResourceOptions(provider=provider)
    role = aws.iam.Role(
        f"invoices-{region}",
        assume_role_policy='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}',
        opts=opts,
    )
    renderer = aws.lambda_.Function(
        f"invoices-render-{region}",
        runtime="python3.12",
        handler="app.handler",
        role=role.arn,
        code=CODE,
        opts=opts,
    )
    url = aws.lambda_.FunctionUrl(
        f"invoices-render-{region}", function_name=renderer.name, authorization_type="NONE", opts=opts
    )
    pulumi.export(f"url-{region}", url.function_url)

    if region == "us-west-2":
        # Its own tags win over the provider's: not part of the critical workload.
        aws.lambda_.Function(
            "invoices-nightly-batch",
            runtime="python3.12",
            handler="app.handler",
            role=role.arn,
            code=CODE,
            tags={"workload": "invoices-batch", "criticality": "standard"},
            opts=opts,
        )
