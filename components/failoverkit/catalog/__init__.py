"""What each cloud accepts: naming rules per resource type, and the commercial region catalogues.

Pure data and arithmetic (no provider SDK is imported), so ``spec.py`` can refuse at config time what a
cloud would refuse at ``pulumi up``. One module per cloud holds its rows, each with its source: ``aws``,
``gcp``, ``azure`` (each with its own DNS service), ``cloudflare``, and ``dns`` (record names, which
every DNS provider limits alike).

Physical names: every child's physical name comes from its ``NameRule``. When the provider's autoname
(logical name + separator + random characters) fits the rule, the kit passes no name and the provider
autonames the child as it always has, so existing stacks see no change. Otherwise the kit passes an
explicit short name: a readable prefix of the logical name and a stable hash of the stack, the logical
name and whatever would force the child's replacement (a replacement gets a fresh name, as an autoname
would). Logical names never change.

Regions: each cloud module's ``REGIONS`` is the commercial catalogue, with ``REGIONS_SOURCE`` and
``REGIONS_DATE``; to add a region, add its name there (and to the policy pack's copy,
policies/failoverkit_policies/regions.py; a test holds the two equal).

Example::

    from failoverkit.catalog import aws, physical_name
    aws.LOAD_BALANCER.problem("shop-aws-eu-central-1-alb-1a2b3c4")
    # 'Application Load Balancer names are 1-32 characters, this one has 33'
    physical_name(aws.LOAD_BALANCER, "shop-aws-eu-central-1-alb", "failoverkit/prod")
    # 'shop-aws-eu-central-1-a-be749851': the autoname would not fit
"""

from __future__ import annotations

from failoverkit.catalog import aws, azure, cloudflare, dns, gcp
from failoverkit.catalog._rules import (
    HASH_CHARS,
    Autoname,
    NameRule,
    PlannedName,
    physical_name,
    planned,
    short_name,
    stable_hash,
    suggest,
    verbatim,
)

__all__ = [
    "HASH_CHARS",
    "REGIONS",
    "RULES",
    "Autoname",
    "NameRule",
    "PlannedName",
    "physical_name",
    "planned",
    "region_problem",
    "rules_for",
    "short_name",
    "stable_hash",
    "suggest",
    "verbatim",
]

_CLOUDS = {"aws": aws, "gcp": gcp, "azure": azure}

REGIONS: dict[str, frozenset[str]] = {cloud: module.REGIONS for cloud, module in _CLOUDS.items()}
"""Commercial regions by cloud (``aws``, ``gcp``, ``azure``)."""

RULES: tuple[NameRule, ...] = (*aws.RULES, *gcp.RULES, *azure.RULES, *cloudflare.RULES)
"""Every resource-naming rule the kit knows, across clouds (record names: ``dns.RECORD_NAME``)."""


def rules_for(type_: str) -> tuple[NameRule, ...]:
    """The naming rules of a Pulumi type token (a record type also gets ``dns.RECORD_NAME``)."""
    found = tuple(rule for rule in RULES if rule.type == type_)
    if type_ in dns.RECORD_TYPES:
        found += (dns.RECORD_NAME,)
    return found


def region_problem(cloud: str, region: str) -> str | None:
    """Why ``region`` is not in ``cloud``'s catalogue (with the closest name, if one is close), or None."""
    module = _CLOUDS[cloud]
    if region in module.REGIONS:
        return None
    close = suggest(region, module.REGIONS)
    hint = f" (did you mean {close!r}?)" if close else ""
    return (
        f"{region!r} is not {'an' if cloud[0] in 'aeiou' else 'a'} {cloud} region the kit knows{hint}; its list "
        f"is failoverkit/catalog/{cloud}.py "
        f"({module.REGIONS_SOURCE}, {module.REGIONS_DATE})"
    )
