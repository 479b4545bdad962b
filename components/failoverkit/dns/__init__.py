"""Health-checked failover DNS: ordered endpoints in, health checks and failover records out.

Every backend module exposes ``open(spec, parent) -> DnsBackend``. The backend
offers a ``zone`` for the records targets need before they are reachable
(certificate validation) and ``publish(endpoints)`` for the health checks and
the failover records themselves. With ``dns.secondary`` the same failover is
published by a second provider so DNS has no single provider either.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import pulumi

from failoverkit.clouds import Endpoint, Zone
from failoverkit.spec import DnsProvider, FailoverSpec


@dataclass
class FailoverRecord:
    """What a backend published: the name users resolve and what answers it."""

    provider: str
    fqdn: str
    health_checks: list[pulumi.Resource]
    records: list[pulumi.Resource]
    extra_outputs: dict[str, pulumi.Input[object]]
    """Backend-specific stack outputs (e.g. the local DNS server's address)."""


class DnsBackend(Protocol):
    @property
    def zone(self) -> Zone: ...

    def publish(self, endpoints: Sequence[Endpoint]) -> FailoverRecord: ...


_MODULES = {
    DnsProvider.ROUTE53: "route53",
    DnsProvider.TRAFFIC_MANAGER: "traffic_manager",
    DnsProvider.CLOUDFLARE: "cloudflare",
    DnsProvider.CLOUD_DNS: "cloud_dns",
    DnsProvider.LOCAL: "local",
}


def open_backend(provider: DnsProvider, spec: FailoverSpec, parent: pulumi.Resource) -> DnsBackend:
    """The backend for ``provider``, imported lazily (provider SDKs are slow to import)."""
    module = importlib.import_module(f"failoverkit.dns.{_MODULES[provider]}")
    backend: DnsBackend = module.open(spec, parent)
    return backend
