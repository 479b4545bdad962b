"""The same web app in two resource groups (North and West Europe). Neither plan nor app sets a location:
azure-native uses each group's, not azure-native:location."""

import pulumi
import pulumi_azure_native as azure_native

tags = {"workload": "portal", "criticality": "critical"}
hosts = []
for key, region in (("neu", "northeurope"), ("weu", "westeurope")):
    group = azure_native.resources.ResourceGroup(f"portal-{key}", location=region)
    plan = azure_native.web.AppServicePlan(
        f"portal-{key}",
        resource_group_name=group.name,
        kind="Linux",
        reserved=True,
        sku={"name": "P1v3", "tier": "PremiumV3"},
        tags=tags,
    )
    app = azure_native.web.WebApp(
        f"portal-{key}",
        resource_group_name=group.name,
        server_farm_id=plan.id,
        https_only=True,
        site_config={"linux_fx_version": "DOCKER|ghcr.io/acme/portal:9.1", "health_check_path": "/health"},
        tags=tags,
    )
    hosts.append(app.default_host_name)

pulumi.export("hosts", hosts)
