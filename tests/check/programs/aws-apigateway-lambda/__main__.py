"""API Gateway (REST) proxying to a Python Lambda; the permission is scoped to the API's execution ARN."""

import pulumi
import pulumi_aws as aws

tags = {"workload": "greeter", "criticality": "standard"}
account = aws.get_caller_identity()
region = aws.get_region()

assume = aws.iam.get_policy_document(
    statements=[
        {"actions": ["sts:AssumeRole"], "principals": [{"type": "Service", "identifiers": ["lambda.amazonaws.com"]}]}
    ]
)
role = aws.iam.Role("greeter-lambda", assume_role_policy=assume.json, tags=tags)
aws.iam.RolePolicyAttachment(
    "greeter-logs", role=role.name, policy_arn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
)
fn = aws.lambda_.Function(
    "greeter",
    runtime="python3.12",
    handler="handler.main",
    role=role.arn,
    code=pulumi.AssetArchive(
        {"handler.py": pulumi.StringAsset("def main(event, context):\n    return {'statusCode': 200}\n")}
    ),
    tags=tags,
)

api = aws.apigateway.RestApi("greeter", tags=tags)
proxy = aws.apigateway.Resource("proxy", rest_api=api.id, parent_id=api.root_resource_id, path_part="{proxy+}")
method = aws.apigateway.Method(
    "proxy-any", rest_api=api.id, resource_id=proxy.id, http_method="ANY", authorization="NONE"
)
integration = aws.apigateway.Integration(
    "proxy-lambda",
    rest_api=api.id,
    resource_id=proxy.id,
    http_method=method.http_method,
    integration_http_method="POST",
    type="AWS_PROXY",
    uri=fn.invoke_arn,
)
deployment = aws.apigateway.Deployment(
    "greeter", rest_api=api.id, opts=pulumi.ResourceOptions(depends_on=[integration])
)
stage = aws.apigateway.Stage("prod", rest_api=api.id, deployment=deployment.id, stage_name="prod", tags=tags)
aws.lambda_.Permission(
    "api-invoke",
    action="lambda:InvokeFunction",
    function=fn.name,
    principal="apigateway.amazonaws.com",
    source_arn=api.execution_arn.apply(lambda arn: arn + "/*/*"),
)

pulumi.export("url", stage.invoke_url)
pulumi.export("account", f"{account.account_id} in {region.region}")
