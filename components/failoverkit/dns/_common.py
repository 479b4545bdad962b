"""What every cloud DNS backend shares: child names, record-name arithmetic, the ordered endpoints check.

Child names are a public contract (renaming one replaces the cloud resource):
per target ``f"{app}-{target.key}-{role}"`` (e.g. ``shop-aws-us-east-1-r53-health``),
per backend ``f"{app}-{role}"`` (e.g. ``shop-cf-lb``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

import pulumi

from failoverkit.clouds import Endpoint
from failoverkit.spec import FailoverSpec, Target
from failoverkit.tags import workload_tags


def child_name(spec: FailoverSpec, target: Target, role: str) -> str:
    """The logical name of a per-target DNS resource, e.g. ``shop-gcp-us-central1-r53-health``."""
    return f"{spec.app.name}-{target.key}-{role}"


def backend_name(spec: FailoverSpec, role: str) -> str:
    """The logical name of a per-backend DNS resource, e.g. ``shop-tm-profile``."""
    return f"{spec.app.name}-{role}"


def tag_text(spec: FailoverSpec) -> str:
    """The workload tags as ``k=v`` words, for resources that only take a description or comment."""
    return " ".join(f"{k}={v}" for k, v in workload_tags(spec.app).items())


def absolute(name: str) -> str:
    """``name`` with exactly one trailing dot (Cloud DNS wants FQDNs that way)."""
    return name.rstrip(".") + "."


def relative_name(fqdn: str, zone: str) -> str:
    """``_x.shop.example.com.`` in ``example.com`` -> ``_x.shop``; the apex -> ``@``.

    Raises ValueError when ``fqdn`` is outside ``zone`` (a target asked for a record the zone cannot hold).
    """
    name = fqdn.rstrip(".").lower()
    zone = zone.rstrip(".").lower()
    if name == zone:
        return "@"
    if not name.endswith("." + zone):
        raise ValueError(f"{fqdn!r} is not inside zone {zone!r}")
    return name[: -len(zone) - 1]


def is_ip(value: str) -> bool:
    """Whether an origin is an IP address (a GCP load balancer) rather than a hostname (ALB, Container Apps)."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def ordered(endpoints: Sequence[Endpoint], backend: str) -> list[Endpoint]:
    """Endpoints primary first; a failover needs at least a primary and a standby."""
    result = sorted(endpoints, key=lambda e: e.target.priority)
    if len(result) < 2:
        raise ValueError(f"{backend}: failover needs at least 2 endpoints, got {len(result)}")
    return result


def child_opts(parent: pulumi.Resource, depends_on: Sequence[pulumi.Resource] = ()) -> pulumi.ResourceOptions:
    """Children hang off the backend component, so they inherit the providers the user passed to FailoverApp."""
    return pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on) or None)
