"""AKS in a resource group in West Europe; the cluster sets no location, so it takes the group's.

The kubeconfig comes from listManagedClusterUserCredentials (base64), as in most AKS programs.
"""

import base64

import pulumi
import pulumi_azure_native as azure_native
import pulumi_kubernetes as k8s

tags = {"workload": "payments", "criticality": "critical"}
group = azure_native.resources.ResourceGroup("payments", location="westeurope", tags=tags)

cluster = azure_native.containerservice.ManagedCluster(
    "payments",
    resource_group_name=group.name,
    dns_prefix="payments",
    identity={"type": "SystemAssigned"},
    agent_pool_profiles=[
        {"name": "system", "mode": "System", "count": 2, "vm_size": "Standard_D2s_v5", "os_type": "Linux"}
    ],
    tags=tags,
)
credentials = azure_native.containerservice.list_managed_cluster_user_credentials_output(
    resource_group_name=group.name, resource_name=cluster.name
)
kubeconfig = credentials.kubeconfigs.apply(lambda configs: base64.b64decode(configs[0].value).decode())

provider = k8s.Provider("aks", kubeconfig=kubeconfig)
k8s.apps.v1.Deployment(
    "payments",
    metadata={"labels": {"workload": "payments", "criticality": "critical"}},
    spec={
        "replicas": 2,
        "selector": {"match_labels": {"app": "payments"}},
        "template": {
            "metadata": {"labels": {"app": "payments"}},
            "spec": {"containers": [{"name": "payments", "image": "acme.azurecr.io/payments:7.0"}]},
        },
    },
    opts=pulumi.ResourceOptions(provider=provider),
)

pulumi.export("kubeconfig", pulumi.Output.secret(kubeconfig))
