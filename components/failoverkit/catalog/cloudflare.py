"""Cloudflare: the names the Cloudflare backend creates (load-balancer pools; the load balancer is the hostname).

Nothing is autonamed: pulumi-cloudflare requires every name, and the kit passes it.
"""

from __future__ import annotations

from collections.abc import Iterable

from failoverkit.catalog._rules import NameRule, PlannedName, verbatim

POOL = NameRule(
    what="Cloudflare load-balancer pool",
    type="cloudflare:index/loadBalancerPool:LoadBalancerPool",
    prop="name",
    min_length=1,
    max_length=None,
    pattern=r"[A-Za-z0-9_-]+",
    allowed="letters, digits, '-' and '_'",
    unique="account",
    source="Cloudflare API, Load Balancer Pools (name: a short name (tag) for the pool, only alphanumeric "
    "characters, hyphens and underscores); pulumi_cloudflare LoadBalancerPool docstring. No length is documented.",
)

RULES = (POOL,)


def pool_name(app: str, key: str) -> str:
    """A target's pool: ``<app>-<target key>``, e.g. ``shop-aws-us-east-1``."""
    return f"{app}-{key}"


def names(app: str, keys: Iterable[str]) -> dict[str, PlannedName]:
    """The Cloudflare backend's names: one pool per target key."""
    return {key: verbatim(POOL, pool_name(app, key), ("app.name", "region")) for key in keys}
