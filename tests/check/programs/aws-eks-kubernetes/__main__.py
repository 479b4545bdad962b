"""EKS with a managed node group, and the app deployed on it with pulumi_kubernetes.

The kubeconfig is built from the cluster's endpoint and certificate authority, which only the
cloud knows: in a preview they are unknown and the apply below does not run.
"""

import json

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

labels = {"app": "checkout", "workload": "checkout", "criticality": "critical"}


def role(name: str, service: str, policies: list[str]) -> aws.iam.Role:
    doc = aws.iam.get_policy_document(
        statements=[{"actions": ["sts:AssumeRole"], "principals": [{"type": "Service", "identifiers": [service]}]}]
    )
    r = aws.iam.Role(name, assume_role_policy=doc.json)
    for i, arn in enumerate(policies):
        aws.iam.RolePolicyAttachment(f"{name}-{i}", role=r.name, policy_arn=arn)
    return r


vpc = aws.ec2.get_vpc(default=True)
subnets = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [vpc.id]}])
cluster_role = role("eks-cluster", "eks.amazonaws.com", ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"])
node_role = role(
    "eks-nodes",
    "ec2.amazonaws.com",
    [
        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    ],
)

cluster = aws.eks.Cluster(
    "checkout",
    role_arn=cluster_role.arn,
    vpc_config={"subnet_ids": subnets.ids, "endpoint_public_access": True},
    tags={"workload": "checkout", "criticality": "critical"},
)
aws.eks.NodeGroup(
    "checkout-nodes",
    cluster_name=cluster.name,
    node_role_arn=node_role.arn,
    subnet_ids=subnets.ids,
    scaling_config={"desired_size": 2, "min_size": 1, "max_size": 3},
    instance_types=["t3.medium"],
    tags={"workload": "checkout", "criticality": "critical"},
)


def kubeconfig(args: list) -> str:
    name, endpoint, ca = args
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": name, "cluster": {"server": endpoint, "certificate-authority-data": ca.data}}],
            "contexts": [{"name": name, "context": {"cluster": name, "user": "aws"}}],
            "current-context": name,
            "users": [
                {
                    "name": "aws",
                    "user": {
                        "exec": {
                            "apiVersion": "client.authentication.k8s.io/v1beta1",
                            "command": "aws",
                            "args": ["eks", "get-token", "--cluster-name", name],
                        }
                    },
                }
            ],
        }
    )


provider = k8s.Provider(
    "eks", kubeconfig=pulumi.Output.all(cluster.name, cluster.endpoint, cluster.certificate_authority).apply(kubeconfig)
)
k8s.apps.v1.Deployment(
    "checkout",
    metadata={"labels": labels},
    spec={
        "replicas": 3,
        "selector": {"match_labels": {"app": "checkout"}},
        "template": {
            "metadata": {"labels": labels},
            "spec": {"containers": [{"name": "checkout", "image": "ghcr.io/acme/checkout:2.1.0"}]},
        },
    },
    opts=pulumi.ResourceOptions(provider=provider),
)
k8s.core.v1.Service(
    "checkout",
    metadata={"labels": labels},
    spec={"type": "LoadBalancer", "selector": {"app": "checkout"}, "ports": [{"port": 80, "target_port": 8080}]},
    opts=pulumi.ResourceOptions(provider=provider),
)

pulumi.export("kubeconfig", pulumi.Output.secret(provider.urn))
