"""What every cloud target shares: child names, child options, sizing defaults, once-per-app records.

Child names are a public contract (renaming one replaces the cloud resource):
``f"{app}-{target.key}-{role}"``, e.g. ``shop-aws-us-east-1-alb``. Physical names come from
failoverkit.catalog: the provider's autoname where it fits the cloud's rule, else an explicit short name.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import TypeVar

import pulumi

from failoverkit.spec import AppSpec, FailoverSpec, Target

T = TypeVar("T")

# Records that are the same for every target of one cloud (ACM's validation CNAME is per account and
# domain; Azure's asuid TXT is per subscription): write them once per FailoverApp, or the second
# write of the same name collides in the zone.
_ONCE: weakref.WeakKeyDictionary[pulumi.Resource, dict[str, object]] = weakref.WeakKeyDictionary()


def child_name(spec: FailoverSpec, target: Target, role: str) -> str:
    """The logical name of a target's child resource, e.g. ``shop-gcp-us-central1-neg``."""
    return f"{spec.app.name}-{target.key}-{role}"


def name_scope() -> str:
    """What keeps two stacks' explicit physical names apart (failoverkit.catalog): ``<project>/<stack>``."""
    return f"{pulumi.get_project()}/{pulumi.get_stack()}"


def child_opts(parent: pulumi.Resource, depends_on: Sequence[pulumi.Resource] | None = None) -> pulumi.ResourceOptions:
    """Every child hangs off the FailoverApp, so it inherits the providers the user passed in ``opts``."""
    return pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on) if depends_on else None)


def min_instances(app: AppSpec) -> int:
    """Instances always running: 2 for critical apps (one may be replaced or its zone lost), else 1."""
    return 2 if app.is_critical else 1


def max_instances(app: AppSpec) -> int:
    """Scale-out ceiling: room for the whole load of a failed peer cloud."""
    return 10


def once(parent: pulumi.Resource, key: str, make: Callable[[], T]) -> T:
    """``make()`` the first time ``key`` is asked for under ``parent``; the same object afterwards."""
    cache = _ONCE.setdefault(parent, {})
    if key not in cache:
        cache[key] = make()
    value: T = cache[key]  # type: ignore[assignment]  # stored by this very function under this key
    return value


def target_hostname(hostname: str, key: str) -> str:
    """A target's own name, ``<key>.<hostname>`` (e.g. ``aws-us-east-1.shop.example.com``): its certificate
    covers it on AWS, and the route53 backend publishes it."""
    return f"{key}.{hostname}"


def nonempty(what: str) -> Callable[[str | None], str]:
    """An apply callback that passes a provider's value through and fails the ``up`` on an empty one.

    An empty string written into a DNS record or a resource is never rewritten by a later ``up``.
    """

    def check(value: str | None) -> str:
        if not value:
            raise ValueError(f"{what} is empty: the provider returned nothing to use")
        return value

    return check
