"""Policy configuration: the documented keys, their defaults and their JSON schema.

Pulumi configures each policy separately (``--policy-pack-config`` maps a
policy id to its settings), so every policy declares the workload keys it
needs plus its own threshold. Numbers arrive as floats (3 -> 3.0).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PackConfig:
    """Settings shared by the pack's policies, with the defaults of DESIGN.md."""

    workload_tag_key: str = "workload"
    """Tag/label naming the workload a resource belongs to."""
    criticality_tag_key: str = "criticality"
    """Tag/label holding the workload's criticality."""
    critical_values: tuple[str, ...] = field(default=("critical",))
    """Criticality values that make a workload critical (compared case-insensitively)."""
    min_providers: int = 2
    min_regions: int = 2
    rto_seconds: float = 300.0
    max_ttl_seconds: float = 60.0

    def is_critical(self, value: str) -> bool:
        return value.lower() in {v.lower() for v in self.critical_values}


class PolicyConfigError(ValueError):
    """A policy config value the pack cannot use; reported as a violation naming key and value."""


def _int(config: Mapping[str, Any], key: str, default: int, minimum: int) -> int:
    value = config.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) or value < minimum:
        raise PolicyConfigError(f"policy config {key}: expected a whole number >= {minimum}, got {value!r}")
    return int(value)


def _seconds(config: Mapping[str, Any], key: str, default: float) -> float:
    value = config.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise PolicyConfigError(f"policy config {key}: expected a number of seconds >= 0, got {value!r}")
    return float(value)


def _key(config: Mapping[str, Any], key: str, default: str) -> str:
    value = config.get(key, default)
    if not isinstance(value, str) or not value:
        raise PolicyConfigError(f"policy config {key}: expected a tag key (non-empty string), got {value!r}")
    return value


def parse_config(config: Mapping[str, Any]) -> PackConfig:
    """``PackConfig`` from a policy's config; raises ``PolicyConfigError`` naming the key and value."""
    values = config.get("criticalValues", ["critical"])
    if (
        isinstance(values, str)
        or not isinstance(values, list | tuple)
        or not values
        or not all(isinstance(v, str) and v for v in values)
    ):
        raise PolicyConfigError(f"policy config criticalValues: expected a non-empty list of strings, got {values!r}")
    return PackConfig(
        workload_tag_key=_key(config, "workloadTagKey", "workload"),
        criticality_tag_key=_key(config, "criticalityTagKey", "criticality"),
        critical_values=tuple(values),
        min_providers=_int(config, "minProviders", 2, 1),
        min_regions=_int(config, "minRegions", 2, 1),
        rto_seconds=_seconds(config, "rtoSeconds", 300.0),
        max_ttl_seconds=_seconds(config, "maxTtlSeconds", 60.0),
    )


WORKLOAD_SCHEMA: dict[str, dict[str, Any]] = {
    "workloadTagKey": {
        "type": "string",
        "default": "workload",
        "description": "Tag (AWS, Azure) or label (GCP) naming the workload a resource belongs to.",
    },
    "criticalityTagKey": {
        "type": "string",
        "default": "criticality",
        "description": "Tag or label holding the workload's criticality.",
    },
    "criticalValues": {
        "type": "array",
        "items": {"type": "string"},
        "default": ["critical"],
        "description": "Criticality values that make a workload critical.",
    },
}

EXTRA_SCHEMA: dict[str, dict[str, Any]] = {
    "minProviders": {
        "type": "integer",
        "minimum": 1,
        "default": 2,
        "description": "Distinct cloud providers a critical workload's compute must span.",
    },
    "minRegions": {
        "type": "integer",
        "minimum": 1,
        "default": 2,
        "description": "Distinct cloud/region placements a critical workload's compute must span.",
    },
    "rtoSeconds": {
        "type": "number",
        "minimum": 0,
        "default": 300,
        "description": "Recovery-time objective: the worst-case failover time must not exceed it.",
    },
    "maxTtlSeconds": {
        "type": "number",
        "minimum": 0,
        "default": 60,
        "description": "Largest TTL allowed on a health-checked failover record.",
    },
}


def schema_properties(*extra: str) -> dict[str, dict[str, Any]]:
    """The workload keys plus the named extra keys, for a policy's ``PolicyConfigSchema``."""
    return {**WORKLOAD_SCHEMA, **{k: EXTRA_SCHEMA[k] for k in extra}}
