"""Plain views of resource properties, with preview-time unknowns made explicit.

pulumi-policy hands policies proxies that raise ``UnknownValueError`` when a
value is not known until the update runs (an ALB's DNS name during preview).
Policies here convert once with ``plain`` and then test for ``UNKNOWN`` where it
matters, so an unknown never crashes a policy and never passes for a real value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from pulumi_policy.proxy import UnknownValueError, _DictProxy, _ListProxy

# The sentinels the engine uses for unknown values (pulumi_policy.proxy); raw dicts built in tests use them too.
_UNKNOWN_SENTINELS: Final = frozenset(
    {
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        "030794c1-ac77-496b-92df-f27374a8bd58",
        "e48ece36-62e2-4504-bad9-02848725956a",
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    }
)


class Unknown:
    """A value the engine does not know yet (preview)."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN: Final = Unknown()


def plain(value: Any) -> Any:
    """``value`` as plain dicts/lists/scalars, every unknown replaced by ``UNKNOWN``."""
    return known(raw(value))


def known(value: Any) -> Any:
    """``raw``'s values as ``plain`` gives them: numbers as themselves, unknown sentinels as ``UNKNOWN``."""
    if isinstance(value, str):
        return UNKNOWN if value in _UNKNOWN_SENTINELS else value
    if isinstance(value, dict):
        return {key: known(item) for key, item in value.items()}
    if isinstance(value, list):
        return [known(item) for item in value]
    if isinstance(value, tuple):
        return value[1]
    return value


def raw(value: Any) -> Any:
    """``value`` with the SDK's proxies unwrapped, as values that ``==`` compares exactly: dicts, lists, strings
    (unknowns still the engine's sentinels) and each number or boolean as ``(repr, value)``, since ``==`` alone
    holds ``1 == 1.0 == True`` and ``0.0 == -0.0``. ``known`` turns the result into ``plain``'s."""
    # Exact types first: this runs on every value of every resource, once per policy.
    kind = type(value)
    if kind is str:
        return value
    if kind is _DictProxy or kind is _ListProxy:
        # The SDK's own unwrap (its serializer reads a proxy's target the same way): the target holds an unknown
        # as its sentinel string, where the proxy would raise UnknownValueError; skipping the proxy's __getitem__
        # makes reading a stack several times faster.
        value = value["__target"]
        kind = type(value)
    if kind is dict:
        return {str(key): raw(item) for key, item in value.items()}
    if kind is list:
        return [raw(item) for item in value]
    if kind is bool or kind is int or kind is float:
        return (repr(value), value)
    return _raw_other(value)


def _raw_other(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return (repr(value), value)
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key in value:
            try:
                out[str(key)] = raw(value[key])
            except UnknownValueError as e:
                out[str(key)] = e.unknown_type_sentinel
        return out
    if isinstance(value, Sequence) and not isinstance(value, bytes):
        items: list[Any] = []
        for i in range(len(value)):
            try:
                items.append(raw(value[i]))
            except UnknownValueError as e:
                items.append(e.unknown_type_sentinel)
        return items
    return value


def text(value: Any) -> str | None:
    """A known, non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def number(value: Any) -> float | None:
    """A known number (numeric strings accepted, booleans not), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def mapping(value: Any) -> dict[str, Any]:
    """A known dict, else an empty one."""
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[Any]:
    """A known list, else an empty one."""
    return value if isinstance(value, list) else []


def present(value: Any) -> bool:
    """Set to something (an unknown counts: the engine will fill it in)."""
    if value is UNKNOWN:
        return True
    return not (value is None or value == "" or value == [] or value == {})


def fmt(seconds: float) -> str:
    """Numbers for messages: config arrives as floats (3 -> 3.0), people write 3."""
    return f"{seconds:g}"
