"""The ``local`` DNS backend: a real health-checked DNS server on loopback (one dynamic resource).

``open(spec, parent)`` gives a backend whose ``zone`` collects static records
(answered by the server next to the failover record) and whose
``publish(endpoints)`` starts the server, named ``f"{app}-dns"``. Its stack
outputs (under ``dns``) tell drills where to look: ``server`` (``addr:port``),
``stateDir`` (pid files, logs, ``dns/status.json``) and ``processes`` (target
key -> process name under ``stateDir``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

from failoverkit.clouds import Endpoint, Zone
from failoverkit.clouds.local import target_name
from failoverkit.dns import FailoverRecord
from failoverkit.errors import FailoverKitError
from failoverkit.localcloud import process
from failoverkit.localcloud.providers import DNS_KIND, DNS_PROCESS_NAME, LocalFailoverDns
from failoverkit.spec import FailoverSpec
from failoverkit.tags import workload_tags

RECORD_TYPE = "failoverkit:local:Record"


class LocalRecord(pulumi.ComponentResource):
    """A static record served by the local DNS server (a component: no process of its own)."""

    def __init__(
        self, name: str, record: dict[str, pulumi.Input[Any]], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(RECORD_TYPE, name, {}, opts)
        self.register_outputs(record)


class LocalZone:
    """Collects records for the DNS server's config; they must be written before ``publish``."""

    def __init__(self, parent: pulumi.Resource) -> None:
        self._parent = parent
        self.records: list[dict[str, pulumi.Input[Any]]] = []
        self.sealed = False

    def record(
        self,
        name: str,
        *,
        record_name: pulumi.Input[str],
        record_type: pulumi.Input[str],
        value: pulumi.Input[str],
        ttl_seconds: int = 300,
    ) -> pulumi.Resource:
        """Serve ``record_name`` (FQDN inside the zone) ``record_type`` ``value``."""
        if self.sealed:
            raise FailoverKitError(f"local DNS: record {name!r} was written after the server was published")
        record: dict[str, pulumi.Input[Any]] = {
            "name": record_name,
            "type": record_type,
            "value": value,
            "ttlSeconds": ttl_seconds,
        }
        self.records.append(record)
        return LocalRecord(name, record, pulumi.ResourceOptions(parent=self._parent))


class LocalDnsBackend:
    """The local failover DNS server for one FailoverApp."""

    def __init__(self, spec: FailoverSpec, parent: pulumi.Resource) -> None:
        self.spec = spec
        self.parent = parent
        self._zone = LocalZone(parent)

    @property
    def zone(self) -> Zone:
        return self._zone

    def publish(self, endpoints: Sequence[Endpoint]) -> FailoverRecord:
        """Start the DNS server health-checking ``endpoints`` (primary first)."""
        spec = self.spec
        hc = spec.dns.health_check
        state = str(process.state_dir())
        self._zone.sealed = True
        ordered = sorted(endpoints, key=lambda e: e.target.priority)
        server = LocalFailoverDns(
            f"{spec.app.name}-dns",
            {
                "kind": DNS_KIND,
                "hostname": spec.hostname,
                "zone": spec.dns.zone,
                "ttlSeconds": spec.dns.ttl_seconds,
                "healthCheck": hc.to_config(),
                "endpoints": [
                    {
                        "priority": e.target.priority,
                        "cloud": e.target.cloud.value,
                        "region": e.target.region,
                        "address": e.origin_hostname,
                        "port": e.port,
                        "healthPath": e.health_path,
                    }
                    for e in ordered
                ],
                "records": self._zone.records,
                "listenAddress": spec.dns.listen_address,
                "listenPort": spec.dns.listen_port,
                "stateDir": state,
                "tags": workload_tags(spec.app),
            },
            # Health checks start at once: let the targets come up first.
            pulumi.ResourceOptions(parent=self.parent, depends_on=[r for e in ordered for r in e.resources]),
        )
        return FailoverRecord(
            provider="local",
            fqdn=spec.hostname,
            health_checks=[server],
            records=[server],
            extra_outputs={
                "server": f"{spec.dns.listen_address}:{spec.dns.listen_port}",
                "stateDir": state,
                "statusPath": f"{state}/{DNS_PROCESS_NAME}/status.json",
                "processes": {e.target.key: target_name(spec, e.target) for e in ordered},
            },
        )


def open(spec: FailoverSpec, parent: pulumi.Resource) -> LocalDnsBackend:  # the backend contract's name
    """The local DNS backend for ``spec`` (see module docstring)."""
    return LocalDnsBackend(spec, parent)
