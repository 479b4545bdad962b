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

from pulumi_policy import StackValidationArgs

from failoverkit_policies.props import UNKNOWN, known, mapping, raw, text


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


ResourceView = tuple[
    str, str, str, Any, tuple[str, str, str, Any] | None, str | None, tuple[tuple[str, tuple[str, ...]], ...]
]
"""One resource as the SDK gave it, in builtin values only: type, URN, name, raw properties, provider
(type, name, URN, raw properties), parent URN, property dependencies (key, URNs), in the SDK's order."""


def stack_view(args: StackValidationArgs) -> list[ResourceView]:
    """``args.resources`` as builtin values (see ``raw``): what a Model is built from, and comparable exactly."""
    view: list[ResourceView] = []
    for r in args.resources:
        prov = r.provider
        view.append(
            (
                r.resource_type,
                r.urn,
                r.name,
                raw(r.props),
                None if prov is None else (prov.resource_type, prov.name, prov.urn, raw(prov.props)),
                None if r.parent is None else r.parent.urn,
                tuple((k, tuple(d.urn for d in deps)) for k, deps in r.property_dependencies.items()),
            )
        )
    return view


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
        return cls.from_view(stack_view(args))

    @classmethod
    def from_view(cls, view: list[ResourceView]) -> Model:
        by_urn: dict[str, Res] = {}
        resources: list[Res] = []
        ordered = sorted(view, key=lambda r: r[1])
        for rtype, urn, name, props, prov, _, _ in ordered:
            provider = None if prov is None else Provider(prov[0], prov[1], prov[2], mapping(known(prov[3])))
            res = Res(type=rtype, urn=urn, name=name, props=mapping(known(props)), provider=provider)
            by_urn[urn] = res
            resources.append(res)
        for _, urn, _, _, _, parent, property_dependencies in ordered:
            res = by_urn[urn]
            if parent is not None:
                res.parent = by_urn.get(parent)
            res.property_dependencies = {
                k: sorted((by_urn[d] for d in deps if d in by_urn), key=lambda d: d.urn)
                for k, deps in sorted(property_dependencies)
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
