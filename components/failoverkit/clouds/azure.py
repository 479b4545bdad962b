"""Azure target: Container Apps with external ingress, HTTPS on the shared hostname with a managed certificate.

Per target (names ``{app}-{target.key}-<role>``)::

    rg (resource group, location = target.region)
    logs (Log Analytics) -> env (Container Apps environment, logs to the workspace)
    app (container app: external ingress on the port, probes on healthPath, min replicas, custom domain)
    cert (managed certificate for the hostname, TXT domain-control validation)
    records through ``zone``: asuid.<hostname> TXT (subscription's verification id, once per app),
                              _dnsauth.<hostname> TXT (the certificate's validation token)

The ordering problem and what we do about it
--------------------------------------------
Container Apps accepts a custom domain only when ``asuid.<hostname>`` holds the subscription's
verification id, and a managed certificate can only be created for a hostname already added to an
app in the environment; the app in turn binds the hostname to that certificate. That is a cycle, so
the binding takes two phases (the same two-step pattern Bicep templates use):

1. ``certificateBinding: disabled`` on the target: the app gets the hostname unbound, then the
   certificate is created (depending on the app) and validated through ``_dnsauth`` TXT.
2. ``certificateBinding: sni`` (the default, the steady state): the app binds the hostname to the
   certificate with SNI. On an existing stack nothing else changes.

A brand-new Azure target therefore needs its first ``pulumi up`` with ``certificateBinding:
disabled`` and a second without it. The asuid TXT uses the subscription-level verification id
(``getCustomDomainVerificationId``), not the app's output, so it exists before the app asks for it.
TXT validation (not CNAME or HTTP) lets DigiCert issue the certificate while the hostname points at
another cloud, which is the normal state of a standby.
"""

from __future__ import annotations

import pulumi
import pulumi_azure_native as azure

from failoverkit import catalog
from failoverkit.clouds import Endpoint, Zone
from failoverkit.clouds._common import child_name, child_opts, max_instances, min_instances, name_scope, once
from failoverkit.spec import FailoverSpec, Target
from failoverkit.tags import workload_tags

CPU = 0.5
MEMORY = "1Gi"
"""Container Apps consumption sizes come in fixed pairs; 0.5 vCPU goes with 1 GiB."""
LOG_RETENTION_DAYS = 30


def deploy(spec: FailoverSpec, target: Target, zone: Zone, parent: pulumi.Resource) -> Endpoint:
    """Container Apps for ``target``; see the module docstring for the resources and the binding phases."""
    app = spec.app
    tags = workload_tags(app)
    location = target.region
    opts = child_opts(parent)

    def name(role: str) -> str:
        return child_name(spec, target, role)

    # Physical names (failoverkit.catalog.azure): the group is autonamed where it fits; names inside the
    # target's own group can be plain (the app's name and a suffix): nothing else lives there.
    physical = {role: p.name for role, p in catalog.azure.target_names(app.name, target.key, name_scope()).items()}
    group = azure.resources.ResourceGroup(
        name("rg"), resource_group_name=physical["rg"], location=location, tags=tags, opts=opts
    )
    workspace = azure.operationalinsights.Workspace(
        name("logs"),
        resource_group_name=group.name,
        workspace_name=physical["logs"],
        location=location,
        sku=azure.operationalinsights.WorkspaceSkuArgs(name="PerGB2018"),
        retention_in_days=LOG_RETENTION_DAYS,
        tags=tags,
        opts=opts,
    )
    keys = azure.operationalinsights.get_shared_keys_output(
        resource_group_name=group.name,
        workspace_name=workspace.name,
        opts=pulumi.InvokeOutputOptions(parent=parent),
    )
    environment = azure.app.ManagedEnvironment(
        name("env"),
        resource_group_name=group.name,
        environment_name=physical["env"],
        location=location,
        app_logs_configuration=azure.app.AppLogsConfigurationArgs(
            destination="log-analytics",
            log_analytics_configuration=azure.app.LogAnalyticsConfigurationArgs(
                customer_id=workspace.customer_id,
                shared_key=pulumi.Output.secret(keys.primary_shared_key.apply(lambda k: k or "")),
            ),
        ),
        tags=tags,
        opts=opts,
    )

    # The verification id belongs to the subscription: one asuid record serves every Azure target.
    asuid = once(
        parent,
        "azure-asuid",
        lambda: zone.record(
            f"{app.name}-azure-asuid",
            record_name=f"asuid.{spec.hostname}",
            record_type="TXT",
            value=azure.app.get_custom_domain_verification_id_output(
                opts=pulumi.InvokeOutputOptions(parent=parent)
            ).value.apply(lambda v: v or ""),
            ttl_seconds=300,
        ),
    )

    def container_app(domain: azure.app.CustomDomainArgs, depends_on: list[pulumi.Resource]) -> azure.app.ContainerApp:
        return azure.app.ContainerApp(
            name("app"),
            resource_group_name=group.name,
            container_app_name=physical["app"],
            location=location,
            managed_environment_id=environment.id,
            configuration=azure.app.ConfigurationArgs(
                active_revisions_mode="Single",
                ingress=azure.app.IngressArgs(
                    external=True,
                    target_port=app.port,
                    transport="auto",
                    allow_insecure=False,  # plain HTTP is redirected to HTTPS by the ingress
                    custom_domains=[domain],
                ),
            ),
            template=azure.app.TemplateArgs(
                containers=[
                    azure.app.ContainerArgs(
                        name=app.name,
                        image=app.image,
                        resources=azure.app.ContainerResourcesArgs(cpu=CPU, memory=MEMORY),
                        probes=_probes(spec),
                    )
                ],
                scale=azure.app.ScaleArgs(min_replicas=min_instances(app), max_replicas=max_instances(app)),
            ),
            tags=tags,
            opts=child_opts(parent, depends_on=depends_on),
        )

    def certificate(depends_on: list[pulumi.Resource]) -> azure.app.ManagedCertificate:
        return azure.app.ManagedCertificate(
            name("cert"),
            resource_group_name=group.name,
            environment_name=environment.name,
            managed_certificate_name=physical["cert"],
            location=location,
            properties=azure.app.ManagedCertificatePropertiesArgs(
                subject_name=spec.hostname, domain_control_validation="TXT"
            ),
            tags=tags,
            opts=child_opts(parent, depends_on=depends_on),
        )

    if target.certificate_binding == "disabled":
        # Phase 1: hostname on the app, unbound; then the certificate, which needs the hostname on an app.
        aca = container_app(azure.app.CustomDomainArgs(name=spec.hostname, binding_type="Disabled"), [asuid])
        cert = certificate([aca])
    else:
        # Phase 2 (steady state): the certificate exists; the app serves the hostname with it over SNI.
        cert = certificate([asuid])
        aca = container_app(
            azure.app.CustomDomainArgs(name=spec.hostname, binding_type="SniEnabled", certificate_id=cert.id), [asuid]
        )
    token = cert.properties.apply(lambda p: p.validation_token or "")
    # A second Azure target would need a second value under the same name: spec.py allows one Azure target.
    validation = zone.record(
        f"{app.name}-azure-cert-validation",
        record_name=f"_dnsauth.{spec.hostname}",
        record_type="TXT",
        value=token,
        ttl_seconds=300,
    )

    fqdn = aca.configuration.apply(lambda c: (c.ingress.fqdn if c and c.ingress else None) or "")
    return Endpoint(
        target=target,
        origin_hostname=fqdn,
        protocol="HTTPS",
        port=443,
        health_path=app.health_path,
        static_ip=environment.static_ip,
        resources=[aca, cert, validation],
    )


def _probes(spec: FailoverSpec) -> list[azure.app.ContainerAppProbeArgs]:
    """Startup (up to 60 s to come up), liveness (restart a stuck replica), readiness (leave rotation).

    Container Apps allows failureThreshold 1-10 and periodSeconds 1-240: the startup window is 10 x 6 s.
    """
    app = spec.app

    def probe(kind: str, period: int, failures: int) -> azure.app.ContainerAppProbeArgs:
        return azure.app.ContainerAppProbeArgs(
            type=kind,
            http_get=azure.app.ContainerAppProbeHttpGetArgs(path=app.health_path, port=app.port, scheme="HTTP"),
            period_seconds=period,
            failure_threshold=failures,
            timeout_seconds=3,
        )

    return [probe("Startup", 6, 10), probe("Liveness", 15, 3), probe("Readiness", 10, 3)]
