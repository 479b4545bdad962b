"""GKE at the latest engine version, with the app deployed through a kubeconfig built from master_auth."""

import pulumi
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s

labels = {"workload": "search", "criticality": "critical"}
versions = gcp.container.get_engine_versions(location="europe-west4")
client = gcp.organizations.get_client_config()

cluster = gcp.container.Cluster(
    "search",
    location="europe-west4",
    initial_node_count=1,
    min_master_version=versions.latest_master_version,
    deletion_protection=False,
    node_config={"machine_type": "e2-standard-4", "oauth_scopes": ["https://www.googleapis.com/auth/cloud-platform"]},
    resource_labels=labels,
)


def kubeconfig(args: list) -> str:
    name, endpoint, auth = args
    return f"""apiVersion: v1
kind: Config
clusters:
- name: {name}
  cluster:
    certificate-authority-data: {auth.cluster_ca_certificate}
    server: https://{endpoint}
contexts:
- name: {name}
  context: {{cluster: {name}, user: {name}}}
current-context: {name}
users:
- name: {name}
  user: {{token: {client.access_token}}}
"""


provider = k8s.Provider(
    "gke", kubeconfig=pulumi.Output.all(cluster.name, cluster.endpoint, cluster.master_auth).apply(kubeconfig)
)
app = k8s.apps.v1.Deployment(
    "search",
    metadata={"labels": labels, "namespace": "default"},
    spec={
        "replicas": 2,
        "selector": {"match_labels": {"app": "search"}},
        "template": {
            "metadata": {"labels": {"app": "search"}},
            "spec": {"containers": [{"name": "search", "image": f"gcr.io/{client.project}/search:3.0"}]},
        },
    },
    opts=pulumi.ResourceOptions(provider=provider),
)

pulumi.export("cluster", cluster.name)
