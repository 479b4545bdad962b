"""Two homes for the critical "ledger" app, but no failover DNS in front of them. The only health-checked
failover in the stack is the status page's, on fixed addresses: it must not count for the ledger."""

import pulumi
import pulumi_aws as aws
import pulumi_gcp as gcp

ledger = {"workload": "ledger", "criticality": "critical"}
status = {"workload": "status-page", "criticality": "standard"}

aws.lambda_.Function(
    "ledger-api",
    runtime="python3.12",
    handler="app.handler",
    role="arn:aws:iam::123456789012:role/ledger",
    code=pulumi.AssetArchive({"app.py": pulumi.StringAsset("def handler(e, c):\n    return 'ok'\n")}),
    tags=ledger,
)
gcp.cloudrunv2.Service(
    "ledger-api",
    location="europe-west1",
    deletion_protection=False,
    labels=ledger,
    template={"containers": [{"image": "ghcr.io/acme/ledger:1.0"}]},
)

zone = aws.route53.get_zone(name="example.com")
for role, address in (("PRIMARY", "198.51.100.10"), ("SECONDARY", "198.51.100.20")):
    check = aws.route53.HealthCheck(
        f"status-{role.lower()}",
        ip_address=address,
        port=80,
        type="HTTP",
        resource_path="/",
        request_interval=30,
        failure_threshold=3,
        tags=status,
    )
    aws.route53.Record(
        f"status-{role.lower()}",
        zone_id=zone.zone_id,
        name="status.example.com",
        type="A",
        ttl=300,
        records=[address],
        set_identifier=role.lower(),
        failover_routing_policies=[{"type": role}],
        health_check_id=check.id,
    )
