"""Azure Container Apps: workspace, shared keys (an invoke), managed environment and one app."""

import pulumi
import pulumi_azure_native as azure_native

tags = {"workload": "reports", "criticality": "standard"}
group = azure_native.resources.ResourceGroup("reports")
workspace = azure_native.operationalinsights.Workspace(
    "reports", resource_group_name=group.name, sku={"name": "PerGB2018"}, retention_in_days=30, tags=tags
)
keys = azure_native.operationalinsights.get_shared_keys_output(
    resource_group_name=group.name, workspace_name=workspace.name
)
environment = azure_native.app.ManagedEnvironment(
    "reports",
    resource_group_name=group.name,
    app_logs_configuration={
        "destination": "log-analytics",
        "log_analytics_configuration": {"customer_id": workspace.customer_id, "shared_key": keys.primary_shared_key},
    },
    tags=tags,
)
app = azure_native.app.ContainerApp(
    "reports",
    resource_group_name=group.name,
    managed_environment_id=environment.id,
    configuration={"ingress": {"external": True, "target_port": 8080}},
    template={"containers": [{"name": "reports", "image": "ghcr.io/acme/reports:1.3"}]},
    tags=tags,
)

pulumi.export("url", app.configuration.apply(lambda c: f"https://{c.ingress.fqdn}" if c and c.ingress else None))
