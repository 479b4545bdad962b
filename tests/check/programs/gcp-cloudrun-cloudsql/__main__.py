"""A Cloud Run service reaching Postgres on Cloud SQL through the instance's connection name."""

import pulumi
import pulumi_gcp as gcp

labels = {"workload": "notes", "criticality": "standard"}
project = gcp.organizations.get_project()

db = gcp.sql.DatabaseInstance(
    "notes-db",
    database_version="POSTGRES_16",
    region="us-east4",
    deletion_protection=False,
    settings={"tier": "db-f1-micro", "user_labels": labels},
)
database = gcp.sql.Database("notes", instance=db.name)
account = gcp.serviceaccount.Account("notes-run", account_id="notes-run")
gcp.projects.IAMMember(
    "notes-sql-client",
    project=project.project_id,
    role="roles/cloudsql.client",
    member=account.email.apply(lambda e: f"serviceAccount:{e}"),
)

service = gcp.cloudrunv2.Service(
    "notes",
    location="us-east4",
    deletion_protection=False,
    labels=labels,
    template={
        "service_account": account.email,
        "volumes": [{"name": "cloudsql", "cloud_sql_instance": {"instances": [db.connection_name]}}],
        "containers": [
            {
                "image": "us-docker.pkg.dev/acme-dev/notes/api:1.0",
                "envs": [
                    {"name": "DB_SOCKET", "value": db.connection_name.apply(lambda c: f"/cloudsql/{c}")},
                    {"name": "DB_NAME", "value": database.name},
                ],
                "volume_mounts": [{"name": "cloudsql", "mount_path": "/cloudsql"}],
            }
        ],
    },
)
gcp.cloudrunv2.ServiceIamMember(
    "notes-public", name=service.name, location=service.location, role="roles/run.invoker", member="allUsers"
)

pulumi.export("url", service.uri)
