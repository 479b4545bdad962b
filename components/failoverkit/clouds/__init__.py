"""One deployment per target: a target's spec in, an ``Endpoint`` out.

Every module here exposes ``deploy(spec, target, zone, parent) -> Endpoint``.
``zone`` lets a target publish the records it needs in the failover zone
(ACM validation CNAMEs, Azure's ``asuid`` TXT) through whichever DNS backend
the user chose. Modules are imported lazily: importing a cloud SDK costs
seconds, and a stack only pays for the clouds it uses.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Protocol

import pulumi

from failoverkit.spec import FailoverSpec, Target


class Zone(Protocol):
    """Writes plain records into the failover zone (provided by the DNS backend)."""

    def record(
        self,
        name: str,
        *,
        record_name: pulumi.Input[str],
        record_type: pulumi.Input[str],
        value: pulumi.Input[str],
        ttl_seconds: int = 300,
    ) -> pulumi.Resource:
        """A record named ``record_name`` (FQDN); ``name`` is the Pulumi logical name."""
        ...


@dataclass
class Endpoint:
    """What DNS needs to health-check and route to one target."""

    target: Target
    origin_hostname: pulumi.Output[str]
    """Where health checks and failover records point: ALB DNS name, GCP static IP, ACA FQDN, loopback address."""
    protocol: str
    """``HTTPS`` for cloud targets, ``HTTP`` for simulated ones."""
    port: int
    health_path: str
    static_ip: pulumi.Output[str] | None = None
    """A fixed IPv4 address, for backends that route to IPs only (cloud-dns)."""
    resources: list[pulumi.Resource] = field(default_factory=list)
    """The compute the endpoint depends on (records wait for it)."""

    @property
    def health_url(self) -> pulumi.Output[str]:
        scheme = self.protocol.lower()
        default = 443 if scheme == "https" else 80
        port = "" if self.port == default else f":{self.port}"
        return pulumi.Output.concat(scheme, "://", self.origin_hostname, port, self.health_path)


class CloudTarget(Protocol):
    def __call__(self, spec: FailoverSpec, target: Target, zone: Zone, parent: pulumi.Resource) -> Endpoint: ...


def deploy(spec: FailoverSpec, target: Target, zone: Zone, parent: pulumi.Resource) -> Endpoint:
    """Deploy ``target`` with the module of its cloud (or ``local`` when simulated)."""
    module = "local" if target.simulated else target.cloud.value
    deploy_target: CloudTarget = importlib.import_module(f"failoverkit.clouds.{module}").deploy
    return deploy_target(spec, target, zone, parent)
