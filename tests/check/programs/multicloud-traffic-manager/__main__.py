"""Priority routing in Traffic Manager: the Container App (priority 1) and Cloud Run (priority 2),
probed over HTTPS every 10 s."""

import pulumi_azure_native as azure_native
import pulumi_gcp as gcp

tags = {"workload": "booking", "criticality": "critical"}
group = azure_native.resources.ResourceGroup("booking", tags=tags)
environment = azure_native.app.ManagedEnvironment("booking", resource_group_name=group.name, tags=tags)
primary = azure_native.app.ContainerApp(
    "booking",
    resource_group_name=group.name,
    managed_environment_id=environment.id,
    configuration={"ingress": {"external": True, "target_port": 8080}},
    template={"containers": [{"name": "booking", "image": "ghcr.io/acme/booking:2.2"}]},
    tags=tags,
)
standby = gcp.cloudrunv2.Service(
    "booking",
    location="europe-west3",
    deletion_protection=False,
    labels=tags,
    template={"containers": [{"image": "ghcr.io/acme/booking:2.2"}], "scaling": {"min_instance_count": 1}},
)

profile = azure_native.trafficmanager.Profile(
    "booking",
    resource_group_name=group.name,
    location="global",
    traffic_routing_method="Priority",
    profile_status="Enabled",
    dns_config={"relative_name": "acme-booking", "ttl": 30},
    monitor_config={
        "protocol": "HTTPS",
        "port": 443,
        "path": "/health",
        "interval_in_seconds": 10,
        "timeout_in_seconds": 5,
        "tolerated_number_of_failures": 2,
    },
    tags=tags,
)
for priority, (key, target) in enumerate(
    (("azure", primary.latest_revision_fqdn), ("gcp", standby.uri.apply(lambda u: u.removeprefix("https://")))),
    start=1,
):
    azure_native.trafficmanager.Endpoint(
        f"booking-{key}",
        resource_group_name=group.name,
        profile_name=profile.name,
        endpoint_type="ExternalEndpoints",
        endpoint_name=key,
        target=target,
        priority=priority,
        endpoint_status="Enabled",
    )
