"""Naming rules and physical names: the machinery every cloud's table in this package uses."""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

HASH_CHARS = 8
"""Hex characters of the stable hash in an explicit short name (32 bits: collisions are not a concern)."""
_OWNERS = {"aws": "AWS", "gcp": "Google Cloud", "azure-native": "Azure", "cloudflare": "Cloudflare"}
RANDOM_PLACEHOLDER = "x"
"""Stands for the provider's random characters when a name is shown or checked before it exists."""


@dataclass(frozen=True)
class Autoname:
    """How a provider names a resource the program leaves unnamed: ``<logical><separator><random>``."""

    random_chars: int
    separator: str
    provider_max: int | None
    """The provider's own cap: above it the provider refuses the autoname at preview (the Terraform bridge's
    ``NewUniqueHex``). None when the provider caps nothing below the cloud's limit."""
    source: str

    def name(self, logical: str, random: str | None = None) -> str:
        """The autoname of ``logical``; ``random`` defaults to placeholders of the right length."""
        return f"{logical}{self.separator}{random or RANDOM_PLACEHOLDER * self.random_chars}"

    def refusal(self, logical: str) -> str | None:
        """The provider's own error for ``logical``, or None (what the bridge says at preview)."""
        if self.provider_max is not None and len(self.name(logical)) > self.provider_max:
            prefix, chars, most = logical + self.separator, self.random_chars, self.provider_max
            return f"name '{prefix}' plus {chars} random chars is longer than maximum length {most}"
        return None


@dataclass(frozen=True)
class NameRule:
    """What a cloud accepts as the name of one resource type, and where that rule is written down."""

    what: str
    """The resource in words, for messages: ``Application Load Balancer``."""
    type: str
    """Pulumi type token, e.g. ``aws:lb/loadBalancer:LoadBalancer``."""
    prop: str
    """The input property that holds the physical name (``name``, ``resourceGroupName``, ...)."""
    min_length: int
    max_length: int | None
    """None when the provider documents no length limit."""
    pattern: str
    """A regular expression the whole name must match (charset, case, first and last character)."""
    allowed: str
    """The charset rule in words."""
    unique: str
    """Where the name must be unique (``account and region``, ``project``, ``resource group``, ``global DNS``)."""
    source: str
    autoname: Autoname | None = None
    """How the provider names it when the program passes no name; None: the kit always names it."""

    def problem(self, name: str) -> str | None:
        """Why the cloud refuses ``name``, or None when it accepts it."""
        limit = f"{self.min_length}-{self.max_length}" if self.max_length is not None else f"at least {self.min_length}"
        if not self.min_length <= len(name) <= (self.max_length or len(name)):
            return f"{self.what} names are {limit} characters, this one has {len(name)}"
        if not re.fullmatch(self.pattern, name):
            return f"{self.what} names are {self.allowed}"
        return None

    @property
    def owner(self) -> str:
        """Who enforces the rule, for messages: ``AWS``, ``Google Cloud``, ``Azure``, ``Cloudflare``."""
        return _OWNERS.get(self.type.split(":", 1)[0], "every DNS provider")

    @property
    def limit(self) -> str:
        """``at most 32 characters of ...`` for docs and messages."""
        size = f"{self.min_length}-{self.max_length}" if self.max_length is not None else f"{self.min_length}+"
        return f"{size} characters, {self.allowed}"


@dataclass(frozen=True)
class PlannedName:
    """The physical name one child will get: what the program passes, or what the provider will choose."""

    rule: NameRule
    logical: str
    name: str | None
    """What the program passes as ``rule.prop``; None lets the provider autoname it."""
    inputs: tuple[str, ...]
    """The config values it is made of, as ``spec`` keys: ``app.name``, ``region``, ``hostname``."""

    @property
    def shown(self) -> str:
        """The name as the cloud will see it, random characters as placeholders."""
        if self.name is not None:
            return self.name
        assert self.rule.autoname is not None  # physical_name only leaves autonamed rules unnamed
        return self.rule.autoname.name(self.logical)

    def problem(self) -> str | None:
        """Why the provider or the cloud would refuse this name, or None."""
        if self.name is None and self.rule.autoname is not None and (err := self.rule.autoname.refusal(self.logical)):
            return err
        return self.rule.problem(self.shown)


def stable_hash(*parts: str) -> str:
    """``HASH_CHARS`` lowercase hex characters of ``parts``: same input, same hash, on every machine."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:HASH_CHARS]


def short_name(rule: NameRule, logical: str, scope: str, replace_on: Sequence[str] = ()) -> str:
    """``<prefix of logical>-<hash>``, as long as ``rule`` allows: readable, stable, unique per stack."""
    digest = stable_hash(scope, logical, *replace_on)
    budget = (rule.max_length or len(logical) + 1 + HASH_CHARS) - 1 - HASH_CHARS
    prefix = logical[:budget].rstrip("-_.")
    return f"{prefix}-{digest}" if prefix else digest


def physical_name(rule: NameRule, logical: str, scope: str, replace_on: Sequence[str] = ()) -> str | None:
    """The name to pass for a child named ``logical``: None when the provider's autoname fits ``rule``.

    ``scope`` (``<project>/<stack>``) keeps two stacks of one app in one account apart, as the random
    suffix did; ``replace_on`` holds the inputs whose change replaces the resource, so the replacement
    gets a new name and can be created before the old one is deleted.
    """
    auto = rule.autoname
    if auto is not None and auto.refusal(logical) is None and rule.problem(auto.name(logical)) is None:
        return None
    return short_name(rule, logical, scope, replace_on)


def planned(
    rule: NameRule, logical: str, scope: str, inputs: Iterable[str], replace_on: Sequence[str] = ()
) -> PlannedName:
    """``PlannedName`` for a child the kit names through ``physical_name``."""
    return PlannedName(rule, logical, physical_name(rule, logical, scope, replace_on), tuple(inputs))


def verbatim(rule: NameRule, name: str, inputs: Iterable[str]) -> PlannedName:
    """``PlannedName`` for a name the kit passes as it is (it must fit ``rule`` or parse_spec refuses it)."""
    return PlannedName(rule, name, name, tuple(inputs))


def suggest(value: str, known: Iterable[str]) -> str | None:
    """The closest known value to ``value`` (a likely typo), or None when nothing is close."""
    matches = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
    return matches[0] if matches else None
