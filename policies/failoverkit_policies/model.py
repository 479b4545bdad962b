"""The stack as the policies see it: every resource once, with plain properties.

Built from ``StackValidationArgs`` (what the engine sends to a stack policy:
each resource's outputs, its provider resource with the provider's inputs,
its parent and the resources each property depends on).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import PolicyResource, StackValidationArgs

from failoverkit_policies.props import UNKNOWN, mapping, plain, text


@dataclass
class Provider:
    """The provider resource a resource was registered with (explicit, or the engine's default one)."""

    type: str
    name: str
    urn: str
    props: dict[str, Any]

    @property
    def is_default(self) -> bool:
        # The engine names the providers it creates from stack config ``default`` or ``default_<version>``.
        return self.name == "default" or self.name.startswith("default_")


@dataclass
class Res:
    """One resource: type token, URN, logical name, plain outputs, provider, parent and property dependencies."""

    type: str
    urn: str
    name: str
    props: dict[str, Any]
    provider: Provider | None = None
    parent: Res | None = None
    property_dependencies: dict[str, list[Res]] = field(default_factory=dict)

    @property
    def package(self) -> str:
        return self.type.split(":", 1)[0]

    @property
    def kind(self) -> str | None:
        """The ``kind`` input failoverkit's dynamic resources carry (``failoverkit:local:Target``...)."""
        return text(self.props.get("kind"))

    def ancestors(self) -> Iterator[Res]:
        seen: set[str] = set()
        node = self.parent
        while node is not None and node.urn not in seen:
            seen.add(node.urn)
            yield node
            node = node.parent

    def deps(self, prop: str) -> list[Res]:
        return self.property_dependencies.get(prop, [])

    def label(self) -> str:
        return f"{self.name} ({self.type})"


def _provider(resource: PolicyResource) -> Provider | None:
    prov = resource.provider
    if prov is None:
        return None
    return Provider(type=prov.resource_type, name=prov.name, urn=prov.urn, props=mapping(plain(prov.props)))


@dataclass
class Model:
    """All resources of the stack in URN order, and the stack's config (when the engine passes it).

    The engine hands stack policies their resources in no fixed order, and a program's own
    registration order varies between runs (outputs resolve concurrently): every verdict is
    computed from this sorted view, so it is a function of the resources alone.
    """

    resources: list[Res]
    stack_config: dict[str, Any]
    urns: dict[str, Res] = field(default_factory=dict, repr=False)

    @classmethod
    def from_args(cls, args: StackValidationArgs) -> Model:
        by_urn: dict[str, Res] = {}
        resources: list[Res] = []
        ordered = sorted(args.resources, key=lambda r: r.urn)
        for r in ordered:
            res = Res(
                type=r.resource_type, urn=r.urn, name=r.name, props=mapping(plain(r.props)), provider=_provider(r)
            )
            by_urn[r.urn] = res
            resources.append(res)
        for r in ordered:
            res = by_urn[r.urn]
            if r.parent is not None:
                res.parent = by_urn.get(r.parent.urn)
            res.property_dependencies = {
                k: sorted((by_urn[d.urn] for d in deps if d.urn in by_urn), key=lambda d: d.urn)
                for k, deps in sorted(r.property_dependencies.items())
            }
        return cls(resources, _stack_config(), by_urn)

    def by_urn(self, urn: str) -> Res | None:
        return self.urns.get(urn) or next((r for r in self.resources if r.urn == urn), None)

    def by_id(self, value: Any) -> Res | None:
        """The resource whose ``id`` output is ``value`` (only known after an update)."""
        if value is UNKNOWN or not isinstance(value, str) or not value:
            return None
        for res in self.resources:
            if res.props.get("id") == value:
                return res
        return None


def _stack_config() -> dict[str, Any]:
    """The stack's config as the engine exports it to plugins (PULUMI_CONFIG), keyed ``aws:region``."""
    raw = os.environ.get("PULUMI_CONFIG")
    if not raw:
        return {}
    try:
        loaded = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(loaded, dict):
        return {}
    # Older engines spell keys ``aws:config:region``; normalise to ``aws:region``.
    return {str(k).replace(":config:", ":"): v for k, v in loaded.items()}
