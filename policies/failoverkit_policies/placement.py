"""Where a resource runs: its cloud provider and region.

Resolution order, per resource:

1. the resource's own region/location/zone property. Since pulumi-aws v7 a
   resource's ``region`` overrides its provider's, a GCP resource's
   ``location``/``region``/``zone`` and an Azure resource's ``location`` always
   decide where it runs, so when it is set (and known) it wins;
2. azure-native only: the resource group it names (``resourceGroupName``), whose
   location azure-native uses for a resource that sets none;
3. the explicit provider it was registered with (``opts.provider``): that
   provider resource's ``region`` (aws, gcp), ``zone`` (gcp) or ``location``
   (azure-native). An explicit provider never reads the stack's ``aws:region``
   (only environment variables), so nothing below applies to it;
4. the default provider, which the engine builds from stack config
   (``aws:region``, ``gcp:region``/``gcp:zone``, ``azure-native:location``);
5. the stack config itself, when the engine exports it to the pack.

Kubernetes objects run where their cluster runs: the explicit ``kubernetes``
provider's ``kubeconfig`` depends on an EKS, GKE or AKS cluster of the stack,
whose placement they take. On a default provider (a kubeconfig from outside the
stack) they cannot be placed.

Zones map to their region: ``us-central1-a`` -> ``us-central1``, ``us-east-1a``
-> ``us-east-1``; Azure display names are normalised (``East US 2`` -> ``eastus2``).
A region outside the commercial catalogue (regions.py) is an unknown placement, with the
closest known name in the reason, unless a FailoverApp declares it (``allowUnknownRegion``).

Only compute counts as a placement (containers, VMs, functions, clusters, load
balancers that front them); global resources (DNS records, health checks,
Traffic Manager, Cloudflare, Cloud DNS) never do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from failoverkit_policies.model import Model, Res
from failoverkit_policies.props import UNKNOWN, items, text
from failoverkit_policies.regions import DATE, REGIONS, closest

LOCAL_TARGET_KIND: Final = "failoverkit:local:Target"
LOCAL_DNS_KIND: Final = "failoverkit:local:FailoverDns"
FAILOVER_APP_TYPE: Final = "failoverkit:index:FailoverApp"

# Provider packages and the cloud they belong to.
CLOUD_OF_PACKAGE: Final = {
    "aws": "aws",
    "aws-native": "aws",
    "gcp": "gcp",
    "google-native": "gcp",
    "azure-native": "azure",
    "azure": "azure",
}

# Packages whose resources are global or not infrastructure placements at all.
GLOBAL_PACKAGES: Final = frozenset({"cloudflare", "pulumi", "random", "tls", "command", "std", "failoverkit"})

# (package, module, resource) of compute. Module is the part of the token before any ``/``:
# aws:ecs/service:Service -> (aws, ecs, Service); azure-native:app/v20240301:ContainerApp -> (azure-native, app, ...).
_COMPUTE: Final = frozenset(
    {
        # AWS
        ("aws", "ecs", "Service"),
        ("aws", "ecs", "TaskDefinition"),
        ("aws", "ecs", "Cluster"),
        ("aws", "lb", "LoadBalancer"),
        ("aws", "alb", "LoadBalancer"),
        ("aws", "elb", "LoadBalancer"),
        ("aws", "ec2", "Instance"),
        ("aws", "ec2", "SpotInstanceRequest"),
        ("aws", "ec2", "Fleet"),
        ("aws", "lambda", "Function"),
        ("aws", "autoscaling", "Group"),
        ("aws", "eks", "Cluster"),
        ("aws", "eks", "NodeGroup"),
        ("aws", "eks", "FargateProfile"),
        ("aws", "apprunner", "Service"),
        ("aws", "elasticbeanstalk", "Environment"),
        ("aws", "batch", "ComputeEnvironment"),
        ("aws", "lightsail", "Instance"),
        ("aws", "lightsail", "ContainerService"),
        # GCP
        ("gcp", "cloudrunv2", "Service"),
        ("gcp", "cloudrun", "Service"),
        ("gcp", "compute", "Instance"),
        ("gcp", "compute", "InstanceFromTemplate"),
        ("gcp", "compute", "InstanceGroup"),
        ("gcp", "compute", "InstanceGroupManager"),
        ("gcp", "compute", "RegionInstanceGroupManager"),
        ("gcp", "container", "Cluster"),
        ("gcp", "container", "NodePool"),
        ("gcp", "cloudfunctions", "Function"),
        ("gcp", "cloudfunctionsv2", "Function"),
        ("gcp", "appengine", "StandardAppVersion"),
        ("gcp", "appengine", "FlexibleAppVersion"),
        # Azure (native)
        ("azure-native", "app", "ContainerApp"),
        ("azure-native", "app", "ManagedEnvironment"),
        ("azure-native", "web", "WebApp"),
        ("azure-native", "web", "WebAppSlot"),
        ("azure-native", "compute", "VirtualMachine"),
        ("azure-native", "compute", "VirtualMachineScaleSet"),
        ("azure-native", "containerservice", "ManagedCluster"),
        ("azure-native", "containerservice", "AgentPool"),
        ("azure-native", "containerinstance", "ContainerGroup"),
        # Azure (classic provider)
        ("azure", "containerapp", "App"),
        ("azure", "containerapp", "Environment"),
        ("azure", "appservice", "LinuxWebApp"),
        ("azure", "appservice", "WindowsWebApp"),
        ("azure", "appservice", "AppService"),
        ("azure", "compute", "LinuxVirtualMachine"),
        ("azure", "compute", "WindowsVirtualMachine"),
        ("azure", "compute", "VirtualMachine"),
        ("azure", "compute", "LinuxVirtualMachineScaleSet"),
        ("azure", "containerservice", "KubernetesCluster"),
        ("azure", "containerservice", "Group"),
        # Kubernetes workloads (placed through their cluster, see resolve)
        ("kubernetes", "apps", "Deployment"),
        ("kubernetes", "apps", "StatefulSet"),
        ("kubernetes", "apps", "DaemonSet"),
        ("kubernetes", "core", "Pod"),
        ("kubernetes", "helm.sh", "Release"),
    }
)

# Kubernetes clusters a kubernetes provider's kubeconfig can come from.
_CLUSTERS: Final = frozenset(
    {
        ("aws", "eks", "Cluster"),
        ("gcp", "container", "Cluster"),
        ("azure-native", "containerservice", "ManagedCluster"),
        ("azure", "containerservice", "KubernetesCluster"),
    }
)
_RESOURCE_GROUP: Final = ("azure-native", "resources", "ResourceGroup")

# Resource properties that name a region, per cloud, most specific meaning first.
_REGION_PROPS: Final = {
    "aws": ("region", "availabilityZone"),
    "gcp": ("region", "location", "zone"),
    "azure": ("location",),
}
# Provider inputs (and stack config keys ``<package>:<key>``) that name the default region.
_PROVIDER_PROPS: Final = {
    "aws": ("region",),
    "gcp": ("region", "zone"),
    "azure": ("location",),
}

_GCP_ZONE: Final = re.compile(r"^([a-z]+-[a-z]+\d+)-[a-z]$")
_AWS_AZ: Final = re.compile(r"^([a-z]{2}(?:-gov)?-[a-z]+-\d+)[a-z]$")


def split_type(token: str) -> tuple[str, str, str]:
    """``aws:ecs/service:Service`` -> ``("aws", "ecs", "Service")``."""
    parts = token.split(":")
    if len(parts) != 3:
        return (parts[0], "", parts[-1])
    return (parts[0], parts[1].split("/", 1)[0], parts[2])


def is_local_target(res: Res) -> bool:
    return res.kind == LOCAL_TARGET_KIND


def is_compute(res: Res) -> bool:
    """Counts as a placement of its workload."""
    return is_local_target(res) or split_type(res.type) in _COMPUTE


def is_placeable_package(res: Res) -> bool:
    """A cloud package the pack knows how to place (aws, gcp, azure)."""
    return res.package in CLOUD_OF_PACKAGE


def is_unplaceable(res: Res) -> bool:
    """A custom resource from a package the pack cannot place (kubernetes, a third-party provider, a dynamic one).

    Components have no provider, so they are never counted; global packages are skipped.
    """
    if res.provider is None or res.package in GLOBAL_PACKAGES or is_placeable_package(res):
        return False
    if res.package == "kubernetes":
        return False  # its workloads are placed through their cluster; other objects are no placement
    return res.kind not in (LOCAL_TARGET_KIND, LOCAL_DNS_KIND)


def normalise_region(cloud: str, value: str) -> str:
    """A zone or display name as the region it belongs to."""
    value = value.strip()
    if cloud == "gcp":
        m = _GCP_ZONE.match(value)
        return m.group(1) if m else value
    if cloud == "aws":
        m = _AWS_AZ.match(value)
        return m.group(1) if m else value
    if cloud == "azure":
        return value.replace(" ", "").lower()
    return value


@dataclass(frozen=True)
class Placement:
    """Cloud and region of one compute resource, and how they were found."""

    cloud: str | None
    region: str | None
    source: str
    """Where the region came from, or why it could not be determined."""

    @property
    def known(self) -> bool:
        return self.cloud is not None and self.region is not None

    @property
    def label(self) -> str:
        return f"{self.cloud or '?'}/{self.region or '?'}"


def _place(cloud: str, value: str, source: str) -> Placement:
    """The one place a found region becomes a placement (normalised; later checked against a region catalogue)."""
    return Placement(cloud, normalise_region(cloud, value), source)


def resolve(res: Res, model: Model) -> Placement:
    """The cloud and region ``res`` runs in (see the module docstring for the order), if a known region."""
    return _in_catalogue(_resolve(res, model), model)


def _resolve(res: Res, model: Model) -> Placement:
    if is_local_target(res):
        cloud, region = text(res.props.get("cloud")), text(res.props.get("region"))
        if cloud is None or region is None:
            return Placement(cloud, region, "the failoverkit local target has no known cloud/region inputs")
        return _place(cloud, region, "inputs cloud/region of the failoverkit local target")
    if res.package == "kubernetes":
        return _kubernetes(res, model)

    cloud = CLOUD_OF_PACKAGE.get(res.package)
    if cloud is None:
        return Placement(None, None, f'its provider package "{res.package}" is not one the pack can place')

    unknown_props: list[str] = []
    for prop in _REGION_PROPS[cloud]:
        value = res.props.get(prop)
        if value is UNKNOWN:
            unknown_props.append(prop)
        elif found := text(value):
            return _place(cloud, found, f"its {prop} property")

    group = _resource_group(res, model)
    if group is not None:
        # azure-native fills a missing location from the resource group; azure-native:location is only the
        # default for groups that set none.
        placed = resolve(group, model)
        if placed.region is not None:
            return Placement(cloud, placed.region, f"its resource group {group.name} ({placed.source})")

    prov = res.provider
    props = "/".join(_REGION_PROPS[cloud])
    config = " or ".join(f"{res.package}:{p}" for p in _PROVIDER_PROPS[cloud])
    if prov is not None:
        for prop in _PROVIDER_PROPS[cloud]:
            if found := text(prov.props.get(prop)):
                which = "default provider (stack config)" if prov.is_default else f"explicit provider {prov.name}"
                return _place(cloud, found, f"{which} {prop}")
        if not prov.is_default:
            keys = " or ".join(_PROVIDER_PROPS[cloud])
            why = (
                f"its explicit provider {prov.name} sets no {keys}, and an explicit provider does not read {config} "
                f"from the stack config (only the default provider does); pass {keys} to that provider, "
                f"or set the resource's {props}"
            )
            return Placement(cloud, None, why)

    for prop in _PROVIDER_PROPS[cloud]:
        if found := text(model.stack_config.get(f"{res.package}:{prop}")):
            return _place(cloud, found, f"stack config {res.package}:{prop}")

    if unknown_props:
        why = (
            f"its {'/'.join(unknown_props)} is not known until the update runs and its provider sets no region; "
            f"set {props} to a literal value, or set {config} in the stack config"
        )
    else:
        provider = f"its provider {prov.name}" if prov is not None else "it has no provider that"
        why = (
            f"{provider} sets no region, the stack config has no {config}, and the resource has no {props}; "
            f"set {config} in the stack config, pass an explicit provider with a region, or set the resource's {props}"
        )
    return Placement(cloud, None, why)


def _resource_group(res: Res, model: Model) -> Res | None:
    """The azure-native resource group ``res`` is created in: by dependency, else by name."""
    if res.package != "azure-native" or split_type(res.type) == _RESOURCE_GROUP:
        return None
    groups = [d for d in res.deps("resourceGroupName") if split_type(d.type) == _RESOURCE_GROUP]
    name = text(res.props.get("resourceGroupName"))
    if not groups and name:
        groups = [
            r
            for r in model.resources
            if split_type(r.type) == _RESOURCE_GROUP
            and name in (text(r.props.get("resourceGroupName")), text(r.props.get("name")))
        ]
    return groups[0] if groups else None


def _kubernetes(res: Res, model: Model) -> Placement:
    """A Kubernetes object runs on the cluster its explicit provider's kubeconfig comes from."""
    prov = res.provider
    if prov is None or prov.is_default:
        return Placement(
            None,
            None,
            "it runs on the kubernetes default provider, whose cluster (an ambient kubeconfig) is not in the stack; "
            "pass an explicit kubernetes provider whose kubeconfig comes from the stack's EKS, GKE or AKS cluster",
        )
    provider = model.by_urn(prov.urn)
    deps = provider.property_dependencies.values() if provider is not None else []
    clusters = sorted({d.urn: d for ds in deps for d in ds if split_type(d.type) in _CLUSTERS}.values(), key=_urn)
    if not clusters:
        return Placement(
            None,
            None,
            f"its kubernetes provider {prov.name} takes its kubeconfig from no EKS, GKE or AKS cluster of the stack; "
            "build the kubeconfig from the cluster resource's outputs so the pack can place it",
        )
    cluster = clusters[0]
    placed = resolve(cluster, model)
    source = f"its cluster {cluster.name} via provider {prov.name} ({placed.source})"
    return Placement(placed.cloud, placed.region, source)


def _urn(res: Res) -> str:
    return res.urn


def _in_catalogue(place: Placement, model: Model) -> Placement:
    """A region outside the catalogue (regions.py) is an unknown placement, typos included, unless a FailoverApp
    declares it in its ``placements`` (parse_spec let it through only with ``allowUnknownRegion: true``)."""
    cloud, region = place.cloud, place.region
    if cloud not in REGIONS or region is None or region in REGIONS[cloud]:
        return place
    declared = {p for r in model.resources if r.type == FAILOVER_APP_TYPE for p in items(r.props.get("placements"))}
    if f"{cloud}/{region}" in declared:
        return place
    close = closest(cloud, region)
    hint = f" (did you mean {close!r}?)" if close else ""
    return Placement(
        cloud,
        None,
        f"{place.source} gives {region!r}, which is not {'an' if cloud[0] in 'aeiou' else 'a'} {cloud} region the "
        f"pack knows{hint}; fix the region, or "
        f"for a region newer than the pack's list (failoverkit_policies/regions.py, {DATE}) set allowUnknownRegion: "
        "true on its FailoverApp target",
    )
