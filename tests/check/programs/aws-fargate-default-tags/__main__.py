"""An nginx Fargate service behind an application load balancer in the default VPC.

No resource sets tags: they all inherit aws:defaultTags from the stack config.
"""

import json

import pulumi
import pulumi_aws as aws

vpc = aws.ec2.get_vpc(default=True)
subnets = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [vpc.id]}])

cluster = aws.ecs.Cluster("orders")
web_sg = aws.ec2.SecurityGroup(
    "orders-web",
    vpc_id=vpc.id,
    ingress=[{"protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_blocks": ["0.0.0.0/0"]}],
    egress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}],
)
alb = aws.lb.LoadBalancer("orders-lb", security_groups=[web_sg.id], subnets=subnets.ids)
target_group = aws.lb.TargetGroup("orders-tg", port=80, protocol="HTTP", target_type="ip", vpc_id=vpc.id)
listener = aws.lb.Listener(
    "orders-http",
    load_balancer_arn=alb.arn,
    port=80,
    default_actions=[{"type": "forward", "target_group_arn": target_group.arn}],
)

assume = aws.iam.get_policy_document(
    statements=[
        {
            "actions": ["sts:AssumeRole"],
            "principals": [{"type": "Service", "identifiers": ["ecs-tasks.amazonaws.com"]}],
        }
    ]
)
role = aws.iam.Role("orders-task-exec", assume_role_policy=assume.json)
aws.iam.RolePolicyAttachment(
    "orders-task-exec",
    role=role.name,
    policy_arn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
)

task = aws.ecs.TaskDefinition(
    "orders-app",
    family="orders",
    cpu="256",
    memory="512",
    network_mode="awsvpc",
    requires_compatibilities=["FARGATE"],
    execution_role_arn=role.arn,
    container_definitions=json.dumps(
        [{"name": "orders", "image": "nginx:1.27", "portMappings": [{"containerPort": 80, "protocol": "tcp"}]}]
    ),
)
service = aws.ecs.Service(
    "orders-svc",
    cluster=cluster.arn,
    desired_count=2,
    launch_type="FARGATE",
    task_definition=task.arn,
    network_configuration={"assign_public_ip": True, "subnets": subnets.ids, "security_groups": [web_sg.id]},
    load_balancers=[{"target_group_arn": target_group.arn, "container_name": "orders", "container_port": 80}],
    opts=pulumi.ResourceOptions(depends_on=[listener]),
)

pulumi.export("url", alb.dns_name.apply(lambda name: f"http://{name}"))
