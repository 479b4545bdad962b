"""One EC2 web server in the default VPC: the classic first Pulumi program, marked critical."""

import pulumi
import pulumi_aws as aws

tags = {"workload": "blog", "criticality": "critical"}

ami = aws.ec2.get_ami(
    most_recent=True,
    owners=["amazon"],
    filters=[{"name": "name", "values": ["al2023-ami-*-x86_64"]}],
)
vpc = aws.ec2.get_vpc(default=True)

group = aws.ec2.SecurityGroup(
    "web-sg",
    vpc_id=vpc.id,
    description="HTTP in",
    ingress=[{"protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_blocks": ["0.0.0.0/0"]}],
    tags=tags,
)
server = aws.ec2.Instance(
    "web",
    instance_type="t3.micro",
    ami=ami.id,
    vpc_security_group_ids=[group.id],
    user_data="#!/bin/bash\necho ok > index.html\nnohup python3 -m http.server 80 &\n",
    tags=tags,
)

pulumi.export("public_dns", server.public_dns)
pulumi.export("ami_architecture", ami.architecture)
