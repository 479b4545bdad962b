"""GCP primary, Azure standby, Cloudflare in front (outside both clouds), one monitor per pool.
The static assets bucket comes from a remote component (awsx-style): its children are not visible offline."""

import pulumi
import pulumi_azure_native as azure_native
import pulumi_cloudflare as cloudflare
import pulumi_gcp as gcp

tags = {"workload": "maps", "criticality": "critical"}
zone_id = "0123456789abcdef0123456789abcdef"
account_id = "fedcba9876543210fedcba9876543210"

run = gcp.cloudrunv2.Service(
    "maps",
    location="us-west1",
    deletion_protection=False,
    labels=tags,
    template={"containers": [{"image": "ghcr.io/acme/maps:8.0"}], "scaling": {"min_instance_count": 1}},
)
group = azure_native.resources.ResourceGroup("maps", tags=tags)
environment = azure_native.app.ManagedEnvironment("maps", resource_group_name=group.name, tags=tags)
standby = azure_native.app.ContainerApp(
    "maps",
    resource_group_name=group.name,
    managed_environment_id=environment.id,
    configuration={"ingress": {"external": True, "target_port": 8080}},
    template={"containers": [{"name": "maps", "image": "ghcr.io/acme/maps:8.0"}], "scale": {"min_replicas": 1}},
    tags=tags,
)

monitor = cloudflare.LoadBalancerMonitor(
    "maps",
    account_id=account_id,
    type="https",
    path="/health",
    interval=15,
    retries=1,
    timeout=5,
    consecutive_down=2,
    expected_codes="200",
)
origins = {
    "gcp": run.uri.apply(lambda uri: uri.removeprefix("https://")),
    "azure": standby.latest_revision_fqdn,
}
pools = {
    key: cloudflare.LoadBalancerPool(
        f"maps-{key}",
        account_id=account_id,
        name=f"maps-{key}",
        monitor=monitor.id,
        origins=[{"name": key, "address": address, "enabled": True}],
    )
    for key, address in origins.items()
}
cloudflare.LoadBalancer(
    "maps",
    zone_id=zone_id,
    name="maps.example.net",
    default_pools=[pools["gcp"].id, pools["azure"].id],
    fallback_pool=pools["azure"].id,
    proxied=True,
    steering_policy="off",
)


class StaticSite(pulumi.ComponentResource):
    def __init__(self, name: str, props: dict) -> None:
        super().__init__("awsx:s3:StaticSite", name, props, None, remote=True)


StaticSite("maps-assets", {"indexDocument": "index.html"})
