"""Azure: the names the kit creates (an Azure target, the Traffic Manager backend) and the public regions.

Autonaming: pulumi-azure-native names an unnamed resource ``<logical><8 random hex>``, no separator and no
cap of its own (pulumi-azure-native provider, ``AutoNameRandom``: ``NewUniqueName(seed, name, 8, 0)``).
Only the resource group is left to it; everything else inside a target's own group gets a plain name.
Limits: Microsoft Learn, "Naming rules and restrictions for Azure resources"
(learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from failoverkit.catalog._rules import RANDOM_PLACEHOLDER, Autoname, NameRule, PlannedName, planned, verbatim

_NAMING_RULES = "Microsoft Learn, Naming rules and restrictions for Azure resources"
_LOWER_DNS = r"[a-z](?:[a-z0-9-]*[a-z0-9])?"
_LOWER_DNS_WORDS = "lowercase letters, digits and '-', starting with a letter and ending with a letter or digit"

RESOURCE_GROUP = NameRule(
    what="resource group",
    type="azure-native:resources:ResourceGroup",
    prop="resourceGroupName",
    min_length=1,
    max_length=90,
    pattern=r"[\w.()-]*[\w()-]",
    allowed="letters, digits, '_', '-', '.', '(' and ')', not ending with '.'",
    unique="subscription",
    source=f"{_NAMING_RULES} (Microsoft.Resources/resourcegroups); pulumi_azure_native ResourceGroup docstring",
    autoname=Autoname(8, "", None, "pulumi-azure-native provider: AutoNameRandom, URN name + 8 random characters"),
)
LOG_ANALYTICS_WORKSPACE = NameRule(
    what="Log Analytics workspace",
    type="azure-native:operationalinsights:Workspace",
    prop="workspaceName",
    min_length=4,
    max_length=63,
    pattern=r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?",
    allowed="letters, digits and '-', starting and ending with a letter or digit",
    unique="resource group",
    source=f"{_NAMING_RULES} (Microsoft.OperationalInsights/workspaces)",
)
MANAGED_ENVIRONMENT = NameRule(
    what="Container Apps environment",
    type="azure-native:app:ManagedEnvironment",
    prop="environmentName",
    min_length=2,
    max_length=60,
    pattern=_LOWER_DNS,
    allowed=_LOWER_DNS_WORDS,
    unique="resource group",
    source=f"{_NAMING_RULES} (Microsoft.App/managedEnvironments)",
)
CONTAINER_APP = NameRule(
    what="container app",
    type="azure-native:app:ContainerApp",
    prop="containerAppName",
    min_length=2,
    max_length=32,
    pattern=r"(?!.*--)" + _LOWER_DNS,
    allowed=_LOWER_DNS_WORDS + ", never '--'",
    unique="resource group",
    source=f"{_NAMING_RULES} (Microsoft.App/containerApps)",
)
CONTAINER_APPS_CERTIFICATE = NameRule(
    what="Container Apps certificate",
    type="azure-native:app:Certificate",
    prop="certificateName",
    min_length=2,
    max_length=32,
    pattern=r"(?!.*--)" + _LOWER_DNS,
    allowed=_LOWER_DNS_WORDS + ", never '--'",
    unique="Container Apps environment",
    source="not on Microsoft's naming-rules page (\"a lowercase certificate name that's unique within the "
    'environment": Custom domain names and free managed certificates): the kit keeps it to the container app '
    "rule (2-32)",
)
TRAFFIC_MANAGER_PROFILE = NameRule(
    what="Traffic Manager profile",
    type="azure-native:trafficmanager:Profile",
    prop="profileName",
    min_length=1,
    max_length=63,
    pattern=r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?",
    allowed="letters, digits, '-' and '.', starting and ending with a letter or digit",
    unique="global (its relative DNS name in trafficmanager.net)",
    source=f"{_NAMING_RULES} (Microsoft.Network/trafficmanagerprofiles)",
)
TRAFFIC_MANAGER_ENDPOINT = NameRule(
    what="Traffic Manager endpoint",
    type="azure-native:trafficmanager:Endpoint",
    prop="endpointName",
    min_length=1,
    max_length=260,
    pattern=r"[^<>*%:?\\/+\x00-\x1f]*[^<>*%:?\\/+\x00-\x1f. ]",
    allowed="any characters but <>*%:?\\/+ and control characters, not ending with a space or '.'",
    unique="Traffic Manager profile",
    source=f"{_NAMING_RULES} (Microsoft.Network/trafficmanagerprofiles/externalEndpoints)",
)

RULES = (
    RESOURCE_GROUP,
    LOG_ANALYTICS_WORKSPACE,
    MANAGED_ENVIRONMENT,
    CONTAINER_APP,
    CONTAINER_APPS_CERTIFICATE,
    TRAFFIC_MANAGER_PROFILE,
    TRAFFIC_MANAGER_ENDPOINT,
)

CONTAINER_APPS_NAME_LIMIT = 32
"""The container app, environment and certificate names stay within the container app rule's 32."""

REGIONS_SOURCE = (
    "Azure public cloud physical regions, as `az account list-locations --query "
    "\"[?metadata.regionType=='Physical'].name\"` lists them"
)
REGIONS_DATE = "2026-12-02"
REGIONS = frozenset(
    {
        "australiacentral",
        "australiacentral2",
        "australiaeast",
        "australiasoutheast",
        "belgiumcentral",
        "brazilsouth",
        "brazilsoutheast",
        "canadacentral",
        "canadaeast",
        "centralindia",
        "centralus",
        "chilecentral",
        "eastasia",
        "eastus",
        "eastus2",
        "francecentral",
        "francesouth",
        "germanynorth",
        "germanywestcentral",
        "indonesiacentral",
        "israelcentral",
        "italynorth",
        "japaneast",
        "japanwest",
        "jioindiacentral",
        "jioindiawest",
        "koreacentral",
        "koreasouth",
        "malaysiawest",
        "mexicocentral",
        "newzealandnorth",
        "northcentralus",
        "northeurope",
        "norwayeast",
        "norwaywest",
        "polandcentral",
        "qatarcentral",
        "southafricanorth",
        "southafricawest",
        "southcentralus",
        "southeastasia",
        "southindia",
        "spaincentral",
        "swedencentral",
        "swedensouth",
        "switzerlandnorth",
        "switzerlandwest",
        "uaecentral",
        "uaenorth",
        "uksouth",
        "ukwest",
        "westcentralus",
        "westeurope",
        "westindia",
        "westus",
        "westus2",
        "westus3",
    }
)


def azure_name(app_name: str, suffix: str = "") -> str:
    """``app_name`` plus ``-suffix``, cut to fit ``CONTAINER_APPS_NAME_LIMIT`` (the container app is the app's name)."""
    tail = f"-{suffix}" if suffix else ""
    return app_name[: CONTAINER_APPS_NAME_LIMIT - len(tail)].rstrip("-") + tail


WORKSPACE_RANDOM_CHARS = 8
"""Random characters closing a workspace's name: a new resource group gets a new name (soft delete)."""
CERTIFICATE_SERIAL_CHARS = 8
"""Hex characters of the certificate's serial in its name: a renewal gets a new name."""


def workspace_name(app: str, random: str = RANDOM_PLACEHOLDER * WORKSPACE_RANDOM_CHARS) -> str:
    """``<app>-logs-<random>``: a deleted workspace's name stays taken for 14 days, in any resource group."""
    return f"{azure_name(app, 'logs')}-{random}"


def certificate_name(app: str, serial: str = RANDOM_PLACEHOLDER * CERTIFICATE_SERIAL_CHARS) -> str:
    """``<app>-cert-<serial hash>``, cut to fit: one per issued certificate, so a renewal can rebind first."""
    return azure_name(app, f"cert-{serial}")


def traffic_manager_profile_name(app: str, hostname: str) -> str:
    """``<app>-<8 hex of the hostname>``: unique in trafficmanager.net per hostname, and stable."""
    return f"{app}-{hashlib.sha256(hostname.encode()).hexdigest()[:8]}"


def target_names(app: str, key: str, scope: str) -> dict[str, PlannedName]:
    """Physical names of an Azure target's named children, by role (``{app}-{key}-{role}`` logical names).

    The group is autonamed; inside it (nothing else lives there) names are the app's name plus a suffix.
    The workspace's and the certificate's end in characters known only at deploy time (placeholders here).
    """
    return {
        "rg": planned(RESOURCE_GROUP, f"{app}-{key}-rg", scope, ("app.name", "region")),
        "logs": verbatim(LOG_ANALYTICS_WORKSPACE, workspace_name(app), ("app.name",)),
        "env": verbatim(MANAGED_ENVIRONMENT, azure_name(app, "env"), ("app.name",)),
        "app": verbatim(CONTAINER_APP, azure_name(app), ("app.name",)),
        "cert": verbatim(CONTAINER_APPS_CERTIFICATE, certificate_name(app), ("app.name",)),
    }


def traffic_manager_names(app: str, hostname: str, keys: Iterable[str]) -> dict[str, PlannedName]:
    """The Traffic Manager backend's names: the profile, and one endpoint per target key."""
    names = {"profile": verbatim(TRAFFIC_MANAGER_PROFILE, traffic_manager_profile_name(app, hostname), ("app.name",))}
    names.update({key: verbatim(TRAFFIC_MANAGER_ENDPOINT, key, ("region",)) for key in keys})
    return names
