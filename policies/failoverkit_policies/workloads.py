"""Critical workloads: found by tags/labels on any resource, grouped by workload name.

A resource belongs to a critical workload when its tags (AWS, Azure, the local
target's ``tags`` input) or labels (GCP) carry ``<criticalityTagKey>`` with one
of ``criticalValues``; ``<workloadTagKey>`` names the workload. Untagged
compute inherits the workload of its nearest tagged ancestor (a component from
another language whose children carry no tags). failoverkit's FailoverApp
component registers ``tags`` and ``placements`` outputs: they are used when
the engine shows them, never as the only evidence when compute is visible.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from failoverkit_policies.config import PackConfig
from failoverkit_policies.model import Model, Res
from failoverkit_policies.placement import FAILOVER_APP_TYPE, Placement, is_compute, is_unplaceable, resolve
from failoverkit_policies.props import items, mapping, number, text

# Where each kind of resource keeps its tags: AWS/Azure/local ``tags`` (AWS outputs ``tagsAll`` too),
# GCP ``labels`` (outputs ``effectiveLabels``/``terraformLabels`` too), GKE clusters ``resourceLabels``.
_TAG_PROPS = ("tags", "tagsAll", "labels", "effectiveLabels", "terraformLabels", "resourceLabels")
# Cloud Run v1 services and every Kubernetes object keep theirs in ``metadata.labels``.
_METADATA_PACKAGES = frozenset({"kubernetes", "gcp"})


def provider_default_tags(res: Res) -> dict[str, str]:
    """The AWS provider's ``defaultTags.tags``, which every resource of that provider inherits (``tagsAll``).

    An explicit provider carries them as an input; the default provider gets them from the stack's
    ``aws:defaultTags``, as a JSON string like every default provider input built from config.
    """
    if res.provider is None or res.package != "aws":
        return {}
    raw = res.provider.props.get("defaultTags")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    tags = mapping(mapping(raw).get("tags"))
    return {k: v for k, v in tags.items() if isinstance(v, str)}


def tags_of(res: Res) -> dict[str, str]:
    """All known string tags and labels of ``res``, the provider's default tags last (a resource's own win)."""
    out: dict[str, str] = {}
    sources = [mapping(res.props.get(prop)) for prop in _TAG_PROPS]
    if res.package in _METADATA_PACKAGES:
        sources.append(mapping(mapping(res.props.get("metadata")).get("labels")))
    sources.append(provider_default_tags(res))
    for source in sources:
        for key, value in source.items():
            if isinstance(value, str):
                out.setdefault(key, value)
    # Azure tags may be a list of {key, value} in some providers' outputs.
    for entry in items(res.props.get("tags")):
        tag_key, tag_value = text(mapping(entry).get("key")), text(mapping(entry).get("value"))
        if tag_key and tag_value:
            out.setdefault(tag_key, tag_value)
    return out


@dataclass
class Workload:
    """A critical workload and what the stack holds for it."""

    name: str
    criticality: str
    resources: list[Res] = field(default_factory=list)
    compute: list[tuple[Res, Placement]] = field(default_factory=list)
    unplaceable: list[Res] = field(default_factory=list)
    apps: list[Res] = field(default_factory=list)
    """FailoverApp components tagged with this workload."""

    @property
    def declared_placements(self) -> list[str]:
        """``cloud/region`` strings the FailoverApp components registered (primary first), when visible."""
        out: list[str] = []
        for app in self.apps:
            out += [p for p in items(app.props.get("placements")) if isinstance(p, str) and "/" in p]
        return out

    @property
    def declared_rto_seconds(self) -> float | None:
        values = [number(app.props.get("rtoSeconds")) for app in self.apps]
        known = [v for v in values if v is not None]
        return min(known) if known else None

    @property
    def declared_hostnames(self) -> set[str]:
        return {h for app in self.apps if (h := text(mapping(app.props.get("dns")).get("hostname")))}

    @property
    def declared_dns_providers(self) -> list[str]:
        out: list[str] = []
        for app in self.apps:
            out += [p for p in items(mapping(app.props.get("dns")).get("providers")) if isinstance(p, str)]
        return out

    def placements(self) -> list[tuple[str, str | None, str]]:
        """(cloud, region or None, what) of every placement: compute when visible, else the component's word."""
        if self.compute:
            return [(p.cloud, p.region, res.name) for res, p in self.compute if p.cloud is not None]
        out: list[tuple[str, str | None, str]] = []
        for label in self.declared_placements:
            cloud, region = label.split("/", 1)
            out.append((cloud, region, "FailoverApp placements output"))
        return out

    def where(self, places: list[tuple[str, str | None, str]] | None = None) -> str:
        """``aws/us-east-1 (shop-aws-us-east-1-alb, shop-aws-us-east-1-service), gcp/...`` for messages: every
        placement, or ``places`` (some of them)."""
        grouped: dict[str, list[str]] = {}
        for cloud, region, what in self.placements() if places is None else places:
            names = grouped.setdefault(f"{cloud}/{region or '?'}", [])
            if what not in names:
                names.append(what)
        if not grouped:
            return "no compute the pack can see"
        # The engine reports resources in no fixed order: primary first when the component says which it is.
        declared = self.declared_placements
        rank = sorted(grouped, key=lambda label: (declared.index(label) if label in declared else len(declared), label))
        return ", ".join(f"{label} ({', '.join(grouped[label])})" for label in rank)

    def blamed_compute_urn(self) -> str | None:
        """The compute a workload-wide violation points at: the lowest URN, so every run names the same one
        (the engine hands stack policies their resources in no fixed order)."""
        return min((res.urn for res, _ in self.compute if res.urn), default=None)

    def primary_cloud(self) -> str | None:
        """The primary's cloud: the component's first placement, else the only cloud its compute is on.

        Compute on several clouds with no component to say which is primary: None (never a guess
        from the order resources arrive in)."""
        declared = self.declared_placements
        if declared:
            return declared[0].split("/", 1)[0]
        clouds = {cloud for cloud, _, _ in self.placements()}
        return clouds.pop() if len(clouds) == 1 else None


def untagged_name(config: PackConfig) -> str:
    return f'(no "{config.workload_tag_key}" tag)'


def _critical_owner(res: Res, config: PackConfig) -> tuple[str, str] | None:
    tags = tags_of(res)
    criticality = tags.get(config.criticality_tag_key)
    if criticality is None or not config.is_critical(criticality):
        return None
    return tags.get(config.workload_tag_key) or untagged_name(config), criticality


def critical_workloads(model: Model, config: PackConfig) -> dict[str, Workload]:
    """Critical workloads by name, in the order the stack first mentions them."""
    workloads: dict[str, Workload] = {}
    for res in model.resources:
        owner = _critical_owner(res, config)
        if owner is None and is_compute(res) and config.criticality_tag_key not in tags_of(res):
            owner = next((o for a in res.ancestors() if (o := _critical_owner(a, config))), None)
        if owner is None:
            continue
        name, criticality = owner
        workload = workloads.setdefault(name, Workload(name, criticality))
        workload.resources.append(res)
        if res.type == FAILOVER_APP_TYPE:
            workload.apps.append(res)
        elif is_compute(res):
            workload.compute.append((res, resolve(res, model)))
        elif is_unplaceable(res):
            workload.unplaceable.append(res)
    return workloads
