"""A plain Kubernetes program: the default provider uses ~/.kube/config, a cluster the stack cannot see."""

import pulumi
import pulumi_kubernetes as k8s

labels = {"app": "chat", "workload": "chat", "criticality": "critical"}
deployment = k8s.apps.v1.Deployment(
    "chat",
    metadata={"labels": labels},
    spec={
        "replicas": 3,
        "selector": {"match_labels": {"app": "chat"}},
        "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "chat", "image": "nginx:1.27"}]}},
    },
)
service = k8s.core.v1.Service(
    "chat", metadata={"labels": labels}, spec={"selector": {"app": "chat"}, "ports": [{"port": 80}]}
)
pulumi.export("name", deployment.metadata.apply(lambda m: m.name))
