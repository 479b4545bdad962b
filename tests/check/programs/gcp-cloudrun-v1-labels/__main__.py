"""Cloud Run through the v1 (Knative) API: labels sit in metadata.labels, not a top-level labels map."""

import pulumi
import pulumi_gcp as gcp

service = gcp.cloudrun.Service(
    "catalog",
    location="asia-northeast1",
    metadata={"labels": {"workload": "catalog", "criticality": "critical"}},
    template={
        "metadata": {"annotations": {"autoscaling.knative.dev/minScale": "1"}},
        "spec": {"containers": [{"image": "gcr.io/acme-prod/catalog:5.2", "ports": [{"container_port": 8080}]}]},
    },
    traffics=[{"percent": 100, "latest_revision": True}],
)
gcp.cloudrun.IamMember(
    "catalog-public", service=service.name, location=service.location, role="roles/run.invoker", member="allUsers"
)

pulumi.export("url", service.statuses.apply(lambda s: s[0].url if s else None))
