"""The reference program: stack config -> FailoverApp -> stack outputs.

``__main__.py`` at the repo root calls ``reference_program()``; ``failoverkit
up`` runs the very same function as an Automation API inline program.
"""

from __future__ import annotations

from typing import Any

import pulumi

from failoverkit.app import FailoverApp
from failoverkit.errors import ConfigError

NAMESPACE = "failoverkit"


def read_stack_config() -> dict[str, Any]:
    """The ``failoverkit:*`` stack config as FailoverAppArgs (camelCase keys, as written)."""
    cfg = pulumi.Config(NAMESPACE)
    args: dict[str, Any] = {}
    problems = []
    for key in ("app", "targets", "dns", "drillFaults"):
        try:
            value = cfg.get_object(key)
        except Exception as exc:  # malformed JSON in a --config override
            problems.append(f"{NAMESPACE}:{key}: is not valid structured config ({exc})")
            continue
        if value is not None:
            args[key] = value
    if (hostname := cfg.get("hostname")) is not None:
        args["hostname"] = hostname
    rto = cfg.get("rtoSeconds")
    if rto is not None:
        try:
            args["rtoSeconds"] = float(rto) if "." in rto else int(rto)
        except ValueError:
            problems.append(f"{NAMESPACE}:rtoSeconds: must be a whole number of seconds, got {rto!r}")
    if problems:
        raise ConfigError(problems)
    return args


def reference_program() -> None:
    """Build the stack's FailoverApp and export what drills and dashboards read."""
    args = read_stack_config()
    name = (args.get("app") or {}).get("name") or pulumi.get_stack()
    app = FailoverApp(str(name), args)  # type: ignore[arg-type]  # camelCase config is accepted too
    pulumi.export("url", app.url)
    pulumi.export("hostname", app.spec.hostname)
    pulumi.export("endpoints", app.endpoints)
    pulumi.export("placements", app.placements)
    pulumi.export("failoverBudgetSeconds", app.failover_budget_seconds)
    pulumi.export("failbackBudgetSeconds", app.failback_budget_seconds)
    pulumi.export("rtoSeconds", app.spec.rto_seconds)
    pulumi.export("dns", app.dns_info)
    # What is in effect: `failoverkit drill` reads it before injecting and refuses a state it did not expect.
    pulumi.export("drillFaults", app.drill_faults)
