"""Reads an SSM parameter with a plain invoke: only the cloud knows its value."""

import pulumi_aws as aws

image = aws.ssm.get_parameter(name="/acme/api/image")
aws.ecs.TaskDefinition("api", family="api", container_definitions=f'[{{"name": "api", "image": "{image.value}"}}]')
