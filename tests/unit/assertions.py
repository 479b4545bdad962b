"""CDK-style assertions on the infrastructure a program registered under mocks.

Example::

    infra = Infra(recorder(program))
    infra.assert_has_resource("aws:lb/listener:Listener", {"port": 443, "protocol": "HTTPS"})
    infra.assert_resource_count("aws:ecs/service:Service", 1)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pulumi
from failoverkit.check.mocks import RecordedResource

APP_TYPE = "failoverkit:index:FailoverApp"
SECRET_SIG = "4dabf18193072939515e22adb298388d"  # Pulumi's wire marker for a secret value
FAKE_RECORD_TYPE = "test:index:ZoneRecord"


def matches(actual: Any, expected: Any) -> bool:
    """``expected`` is a subset of ``actual``: dicts by key, lists element-wise (same length), else equality.

    Secrets are compared by their plaintext (see ``reveal``)."""
    actual = reveal(actual)
    if isinstance(expected, Mapping):
        return isinstance(actual, Mapping) and all(k in actual and matches(actual[k], v) for k, v in expected.items())
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(matches(a, e) for a, e in zip(actual, expected, strict=True))
        )
    if callable(expected):
        return bool(expected(actual))
    return bool(actual == expected)


def reveal(value: Any) -> Any:
    """The plaintext of a recorded secret (``{SECRET_SIG: 1b47..., "value": v}``); other values unchanged."""
    if isinstance(value, Mapping) and SECRET_SIG in value:
        return value.get("value")
    return value


def is_secret(value: Any) -> bool:
    return isinstance(value, Mapping) and SECRET_SIG in value


class Infra:
    """The recorded resources of one program run, with assertion helpers."""

    def __init__(self, resources: Iterable[RecordedResource]) -> None:
        self.resources = list(resources)
        self.by_urn = {r.urn: r for r in self.resources}

    def resources_of(self, typ: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == typ]

    def named(self, name: str) -> RecordedResource:
        found = [r for r in self.resources if r.name == name]
        assert len(found) == 1, f"expected one resource named {name!r}, found {len(found)}: {self.names()}"
        return found[0]

    def names(self, typ: str | None = None) -> list[str]:
        return sorted(r.name for r in self.resources if typ is None or r.type == typ)

    def assert_resource_count(self, typ: str, count: int) -> None:
        found = self.resources_of(typ)
        assert len(found) == count, f"expected {count} {typ}, found {len(found)}: {[r.name for r in found]}"

    def assert_has_resource(self, typ: str, props: Mapping[str, Any] | None = None) -> RecordedResource:
        """The first resource of ``typ`` whose inputs contain ``props`` (see ``matches``)."""
        candidates = self.resources_of(typ)
        assert candidates, f"no resource of type {typ}; types present: {sorted({r.type for r in self.resources})}"
        for r in candidates:
            if matches(r.inputs, props or {}):
                return r
        shown = json.dumps({r.name: r.inputs for r in candidates}, indent=1, default=str)[:4000]
        raise AssertionError(f"no {typ} has {props!r}; candidates:\n{shown}")

    def ancestors(self, resource: RecordedResource) -> list[str]:
        """Types of the parent chain, nearest first."""
        chain = []
        parent = resource.parent
        while parent and parent in self.by_urn:
            chain.append(self.by_urn[parent].type)
            parent = self.by_urn[parent].parent
        return chain

    def custom(self, prefix: str = "") -> list[RecordedResource]:
        return [r for r in self.resources if r.custom and r.type.startswith(prefix)]

    def component(self, typ: str = APP_TYPE) -> RecordedResource:
        found = self.resources_of(typ)
        assert len(found) == 1, f"expected one {typ}, found {len(found)}"
        return found[0]


class FakeZone:
    """A Zone that registers each record as a ``test:index:ZoneRecord`` custom resource with its inputs."""

    def __init__(self, parent: pulumi.Resource) -> None:
        self.parent = parent

    def record(
        self,
        name: str,
        *,
        record_name: pulumi.Input[str],
        record_type: pulumi.Input[str],
        value: pulumi.Input[str],
        ttl_seconds: int = 300,
    ) -> pulumi.Resource:
        props = {"recordName": record_name, "recordType": record_type, "value": value, "ttl": ttl_seconds}
        return pulumi.CustomResource(FAKE_RECORD_TYPE, name, props, pulumi.ResourceOptions(parent=self.parent))


def with_fake_dns(monkeypatch: Any) -> None:
    """Route FailoverApp's DNS through FakeZone (records recorded, no health checks) for target-only tests."""
    from failoverkit import dns as dns_module

    class _Backend:
        def __init__(self, parent: pulumi.Resource) -> None:
            self.zone = FakeZone(parent)

        def publish(self, endpoints: Any) -> Any:
            return dns_module.FailoverRecord("fake", "fake", [], [], {})

    def open_backend(provider: Any, spec: Any, parent: pulumi.Resource) -> _Backend:
        return _Backend(parent)

    monkeypatch.setattr(dns_module, "open_backend", open_backend)


def untagged(infra: Infra, key_name: str, allowed: Callable[[RecordedResource], bool]) -> list[str]:
    """Custom resources lacking the workload tags under ``key_name`` (``tags`` or ``labels``), unless ``allowed``."""
    missing = []
    for r in infra.resources:
        if not r.custom or allowed(r):
            continue
        tags = r.inputs.get(key_name) or {}
        if not {"workload", "criticality", "managed-by"} <= set(tags):
            missing.append(f"{r.type} {r.name}")
    return missing
