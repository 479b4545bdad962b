"""Azure target: Container Apps with external ingress, HTTPS on the shared hostname with an ACME certificate.

Per target (names ``{app}-{target.key}-<role>``)::

    rg (resource group, location = target.region)
    logs-suffix (random) -> logs (Log Analytics, a fresh name per group) -> env (Container Apps environment)
    cert (environment certificate: the hostname's ACME certificate as a PFX, see failoverkit.certificates)
    app (container app: external ingress on the port, probes on healthPath, min replicas, custom domain
         <hostname> bound to cert with SNI)
    once per app, through ``zone``: asuid.<hostname> TXT (the subscription's domain verification id)

Why not Container Apps' free managed certificate: Microsoft's "Custom domain names and free managed
certificates" page requires the subdomain's CNAME to map directly to the app's generated domain (an
intermediate CNAME such as a traffic manager or Cloudflare blocks issuance and renewal) and all
requirements to hold at all times. Behind failover DNS the hostname points at the failover provider, or at
another cloud while this target is a standby. The kit brings its own certificate instead ("Custom domain
names and bring your own certificates"): issued by ACME DNS-01 through the failover DNS, uploaded to the
environment, bound by the app. Nothing waits for the hostname to be on an app, so one ``pulumi up`` builds
the target from scratch.

Drill faults (``drillFaults``, docs/components.md "Drill faults"): ``down`` adds one ingress IP restriction
that denies 0.0.0.0/0 ("Set up IP ingress restrictions in Azure Container Apps": deny rules refuse the listed
IPv4 ranges, and the environment's ingress address is IPv4), so no outside client or health checker is
served while the replicas, the FQDN and the custom domain stay as they are, and the lift is one update.
Internal-only ingress is no substitute: it moves the app off the FQDN every DNS backend points at (to an
``.internal.`` one). ``unhealthy`` is refused in spec.py: Container Apps ingress has no path rules with fixed
responses, so nothing documented answers 503 on the health path alone.

The certificate resource's name carries a hash of the ACME serial: a renewal creates a new one, the app
rebinds to it, then Pulumi deletes the old one (a certificate that is still bound cannot be deleted). The
asuid TXT uses the subscription-level verification id (``getCustomDomainVerificationId``), so it exists
before the app asks for it.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_azure_native as azure
import pulumi_random as random

from failoverkit import catalog, certificates
from failoverkit.clouds import Endpoint, Zone
from failoverkit.clouds._common import (
    child_name,
    child_opts,
    max_instances,
    min_instances,
    name_scope,
    nonempty,
    once,
)
from failoverkit.spec import DrillFaultKind, FailoverSpec, Target
from failoverkit.tags import workload_tags

CPU = 0.5
MEMORY = "1Gi"
"""Container Apps consumption sizes come in fixed pairs; 0.5 vCPU goes with 1 GiB."""
LOG_RETENTION_DAYS = 30
WORKSPACE_SUFFIX_LENGTH = catalog.azure.WORKSPACE_RANDOM_CHARS


def deploy(spec: FailoverSpec, target: Target, zone: Zone, parent: pulumi.Resource) -> Endpoint:
    """Container Apps for ``target``; see the module docstring for the resources and the certificate."""
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
        workspace_name=_workspace_name(spec, target, group, parent),
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
            ).value.apply(nonempty("the subscription's custom domain verification id (asuid TXT)")),
            ttl_seconds=300,
        ),
    )
    tls = once(parent, "hostname-certificate", lambda: certificates.issue(spec, parent))
    cert = azure.app.Certificate(
        name("cert"),
        resource_group_name=group.name,
        environment_name=environment.name,
        certificate_name=tls.serial.apply(
            lambda serial: catalog.azure.certificate_name(app.name, certificates.name_suffix(serial))
        ),
        location=location,
        properties=azure.app.CertificatePropertiesArgs(
            certificate_type="ServerSSLCertificate", value=tls.pfx, password=tls.password
        ),
        tags=tags,
        opts=opts,
    )
    aca = azure.app.ContainerApp(
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
                **drill_fault_ingress(spec.fault_of(target)),
                custom_domains=[
                    azure.app.CustomDomainArgs(name=spec.hostname, binding_type="SniEnabled", certificate_id=cert.id)
                ],
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
        # Container Apps checks asuid.<hostname> before it accepts the custom domain.
        opts=child_opts(parent, depends_on=[asuid]),
    )

    fqdn = aca.configuration.apply(lambda c: c.ingress.fqdn if c and c.ingress else None)
    return Endpoint(
        target=target,
        origin_hostname=fqdn.apply(nonempty("the container app's ingress FQDN")),
        protocol="HTTPS",
        port=443,
        health_path=app.health_path,
        static_ip=environment.static_ip,
        resources=[aca, cert],
    )


DENY_ALL_IPV4 = "0.0.0.0/0"


def drill_fault_ingress(fault: DrillFaultKind | None) -> dict[str, Any]:
    """The ingress inputs a drill fault adds: ``down`` denies every IPv4 client; none otherwise."""
    if fault is not DrillFaultKind.DOWN:
        return {}
    rule = azure.app.IpSecurityRestrictionRuleArgs(
        name="failoverkit-drill-down",
        description="failoverkit drill fault: down (remove drillFaults and run up to lift)",
        ip_address_range=DENY_ALL_IPV4,
        action="Deny",
    )
    return {"ip_security_restrictions": [rule]}


def _workspace_name(
    spec: FailoverSpec, target: Target, group: azure.resources.ResourceGroup, parent: pulumi.Resource
) -> pulumi.Output[str]:
    """``<app>-logs-<8 random>`` (failoverkit.catalog.azure), with a new random part whenever the group is new.

    A deleted workspace is soft-deleted and "the name is kept for 14 days and cannot be used for another
    workspace" (Workspaces - Delete, REST API reference): a rebuilt target (new resource group) must not ask
    for the old name, or Azure answers 409.
    """
    suffix = random.RandomString(
        child_name(spec, target, "logs-suffix"),
        length=WORKSPACE_SUFFIX_LENGTH,
        special=False,
        upper=False,
        keepers={"resourceGroup": group.name},
        opts=child_opts(parent),
    )
    return suffix.result.apply(lambda r: catalog.azure.workspace_name(spec.app.name, r))


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
