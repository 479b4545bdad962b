"""The one error tree of failoverkit.

FailoverKitError
├── ConfigError (ValueError)   bad user intent; refused before any resource exists
├── EngineError                the Pulumi engine is missing or an operation failed
├── DrillError                 a drill could not inject, observe or restore a fault
│   └── LiftFailed             a configured fault is still in effect; ``commands`` lift it by hand
└── CheckError                 `failoverkit check` could not load a program or pack
"""

from __future__ import annotations


class FailoverKitError(Exception):
    """Base of every error failoverkit raises on purpose."""


class ConfigError(FailoverKitError, ValueError):
    """One or more problems in the user's configuration.

    ``problems`` holds one message per problem, each naming the key, the value
    given and what is allowed, e.g.
    ``dns.healthCheck.intervalSeconds: route53 allows 10 or 30, got 15``.
    """

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class EngineError(FailoverKitError):
    """The Pulumi engine could not be found or an engine operation failed."""


class DrillError(FailoverKitError):
    """A failover drill could not inject, observe or restore its fault."""


class LiftFailed(DrillError):
    """A drill could not lift the fault it put in the stack's config; ``commands`` lift it by hand."""

    def __init__(self, message: str, commands: str) -> None:
        self.commands = commands
        super().__init__(f"{message}; lift it by hand: {commands}")


class CheckError(FailoverKitError):
    """`failoverkit check` could not load the program, its config or a policy pack."""
