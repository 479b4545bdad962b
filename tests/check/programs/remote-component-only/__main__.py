"""What an awsx program looks like to the engine: a remote component whose provider, in another process,
creates the cluster, service and load balancer. (Registered directly, as awsx's SDK does, so the test
needs no awsx plugin.)"""

import pulumi


class FargateService(pulumi.ComponentResource):
    """Stand-in for awsx.ecs.FargateService: the same type token and remote registration."""

    def __init__(self, name: str, props: dict, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("awsx:ecs:FargateService", name, props, opts, remote=True)


service = FargateService(
    "billing",
    {
        "desiredCount": 2,
        "taskDefinitionArgs": {"container": {"name": "billing", "image": "ghcr.io/acme/billing:1.0", "cpu": 256}},
        "tags": {"workload": "billing", "criticality": "critical"},
    },
)
pulumi.export("service", service.urn)
