"""Faults as configuration: ``failoverkit:drillFaults`` set on the stack, applied and lifted by engine ``up``s.

The drill appends ``{target, fault}`` to the stack's ``failoverkit:drillFaults`` (Automation API
``set_config`` with a path, so the stack file holds a YAML list), runs ``up``, and lifts it by removing its
entry and running ``up`` again. FailoverApp turns the setting into resource changes per cloud
(docs/components.md, "Drill faults"); the local stack takes the same setting through the same code path.

Everything a drill refuses, it refuses in ``check`` before touching anything (``preflight``). Lifting is
retried once from ``restore``; when it still fails, ``LiftFailed`` carries the commands that lift it by hand.

Example::

    injector = ConfigFault(plan, stack, confirmed=True)
    injector.check()          # refusals
    seen_at = injector.inject()   # set_config + up; when the health URL showed the fault
    injector.lift()           # remove_config + up
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from failoverkit.drill._plan import DRILL_FAULTS_KEY, DrillPlan, Endpoint, Fault
from failoverkit.errors import DrillError, LiftFailed
from failoverkit.spec import CLOUD_FAULTS, Cloud

EFFECT_POLL_SECONDS = 0.1


class DrillStack(Protocol):
    """What a drill needs from an Automation API stack (``pulumi.automation.Stack``; tests pass a fake)."""

    @property
    def name(self) -> str: ...

    def outputs(self) -> Mapping[str, Any]: ...
    def history(self, page_size: int | None = None, page: int | None = None) -> Sequence[Any]: ...
    def get_config(self, key: str, *, path: bool = False) -> Any: ...
    def set_config(self, key: str, value: Any, *, path: bool = False) -> None: ...
    def remove_config(self, key: str, *, path: bool = False) -> None: ...
    def up(self, on_output: Callable[[str], None] | None = None) -> Any: ...


def plain_outputs(stack: DrillStack) -> dict[str, Any]:
    """The stack's outputs as plain values (the Automation API wraps each in an ``OutputValue``)."""
    return {k: getattr(v, "value", v) for k, v in stack.outputs().items()}


def configured_faults(stack: DrillStack) -> list[dict[str, str]]:
    """``failoverkit:drillFaults`` as the stack's config holds it now (``[]`` when unset)."""
    try:
        raw = stack.get_config(DRILL_FAULTS_KEY)
    except Exception:  # the Automation API raises CommandError for a key that is not set
        return []
    text = getattr(raw, "value", raw)
    try:
        value = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        raise DrillError(
            f"{DRILL_FAULTS_KEY}: the stack's config holds {text!r}, not a list of {{target, fault}}"
        ) from None
    if not isinstance(value, list):
        raise DrillError(f"{DRILL_FAULTS_KEY}: the stack's config holds {value!r}, not a list of {{target, fault}}")
    return [{"target": str(f.get("target")), "fault": str(f.get("fault"))} for f in value if isinstance(f, Mapping)]


def allowed_config_faults(target: Endpoint) -> tuple[Fault, ...]:
    """The fault kinds ``drillFaults`` can put on ``target`` (the component's table, ``spec.CLOUD_FAULTS``)."""
    if target.simulated:
        return (Fault.UNHEALTHY, Fault.DOWN)
    try:
        return tuple(Fault(k.value) for k in CLOUD_FAULTS[Cloud(target.cloud)])
    except ValueError:
        return ()


def hand_lift_commands(stack: str, index: int | None) -> str:
    """The standard CLI commands that lift the drill's entry: the whole key, or entry ``index`` of a longer list."""
    if index is None:
        return f"pulumi config rm {DRILL_FAULTS_KEY} -s {stack} && pulumi up -s {stack}"
    return f"pulumi config rm --path '{DRILL_FAULTS_KEY}[{index}]' -s {stack} && pulumi up -s {stack}"


def preflight(
    plan: DrillPlan,
    stack: DrillStack,
    *,
    confirmed: bool,
    in_effect: Sequence[tuple[str, str]],
    configured: Sequence[Mapping[str, str]] = (),
) -> None:
    """Every refusal of a configured drill, before anything is touched (DrillError says why and what to do).

    ``in_effect`` is what the ``drillFaults`` output and the config say; ``configured`` the config's own list
    (its indexes are what ``pulumi config rm --path`` takes).
    """
    name, target, fault = plan.stack, plan.target, plan.fault
    try:
        history = list(stack.history(page_size=1))
    except Exception as exc:  # a stack the backend has never seen updated
        raise DrillError(
            f"stack {name!r} is not deployed (no update history: {exc}); run failoverkit up first"
        ) from exc
    if not history:
        raise DrillError(f"stack {name!r} is not deployed (no update in its history); run failoverkit up first")
    allowed = allowed_config_faults(target)
    if fault not in allowed:
        kinds = " | ".join(f.value for f in allowed) or "none"
        why = (
            "it acts on a local process or endpoint for the drill's length"
            if not fault.configurable
            else "the component has no such change for that cloud (docs/components.md, 'Drill faults')"
        )
        raise DrillError(
            f"--fault {fault.value}: target {target.key} ({target.cloud}) cannot take it: {why}; "
            f"it takes --fault {kinds}"
        )
    faulted = dict(in_effect)
    if target.key in faulted:
        keys = [f.get("target") for f in configured]
        # In the config: its own entry (or the whole key when it is the only one); else only an up is missing.
        index = keys.index(target.key) if target.key in keys and len(keys) > 1 else None
        lift = hand_lift_commands(name, index) if target.key in keys or not keys else f"pulumi up -s {name}"
        raise DrillError(
            f"target {target.key} already has the {faulted[target.key]!r} fault in effect ({DRILL_FAULTS_KEY}); "
            f"lift it first: {lift}"
        )
    healthy = [e.key for e in plan.endpoints if e.key != target.key and e.key not in faulted]
    if not healthy:
        raise DrillError(
            f"target {target.key} is the last healthy target of stack {name!r} "
            f"({', '.join(f'{k}: {v}' for k, v in faulted.items())} in effect): nothing would be left to fail over "
            "to; lift the other faults first"
        )
    if not plan.simulated and not confirmed:
        raise DrillError(
            f"stack {name!r} runs on real clouds: the drill changes its resources through an engine up "
            f"({DRILL_FAULTS_KEY}) and users of {plan.hostname} are moved to a standby; pass --yes to go ahead"
        )


class ConfigFault:
    """unhealthy or down through ``failoverkit:drillFaults`` and an engine ``up`` (see module docstring)."""

    def __init__(
        self,
        plan: DrillPlan,
        stack: DrillStack,
        *,
        confirmed: bool,
        health_status: Callable[[], int | None] | None = None,
        effect_timeout_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        log: Callable[[str], None] = lambda message: None,
        on_output: Callable[[str], None] | None = None,
    ) -> None:
        self.fault = plan.fault
        self._plan = plan
        self._stack = stack
        self._confirmed = confirmed
        self._health_status = health_status
        self._effect_timeout = effect_timeout_seconds
        self._clock = clock
        self._log = log
        self._on_output = on_output
        self._existing: list[dict[str, str]] = []
        self._index: int | None = None
        self._injected = False
        self._removed = False
        self._lifted = False
        self.lift_seen_at: float | None = None
        """When the target's health URL showed the fault gone during the lifting ``up`` (the runner times failback
        from there); None when there is no probe or it never showed."""

    def check(self) -> None:
        existing = configured_faults(self._stack)
        in_effect = {**dict(self._plan.faults_in_effect), **{f["target"]: f["fault"] for f in existing}}
        preflight(
            self._plan, self._stack, confirmed=self._confirmed, in_effect=list(in_effect.items()), configured=existing
        )
        self._existing = existing

    @property
    def hand_lift(self) -> str:
        return hand_lift_commands(self._plan.stack, self._index)

    def _up(self, why: str) -> float:
        started = self._clock()
        self._stack.up(on_output=self._on_output)
        seconds = self._clock() - started
        self._log(f"engine up ({why}) done in {seconds:.1f} s")
        return seconds

    def inject(self) -> float | None:
        from pulumi import automation as auto

        index = len(self._existing)
        target = self._plan.target.key
        self._index = index if self._existing else None
        # Marked injected before the first write: from here on, restore() must lift whatever got written.
        self._injected = True
        self._stack.set_config(f"{DRILL_FAULTS_KEY}[{index}].target", auto.ConfigValue(target), path=True)
        self._stack.set_config(f"{DRILL_FAULTS_KEY}[{index}].fault", auto.ConfigValue(self.fault.value), path=True)
        seen = self._up_watching(f"{self.fault.value} on {target}", self._shows_fault)
        if self._health_status is not None and seen is None:
            url = self._plan.target.health_url
            self._log(f"the fault did not show at {url} in time; times count from the start of the up")
        return seen

    def _shows_fault(self) -> bool:
        """The target's health URL shows the fault: 5xx for unhealthy; no answer or an error status for down."""
        assert self._health_status is not None
        status = self._health_status()
        if self.fault is Fault.UNHEALTHY:
            return status is not None and status >= 500
        return status is None or status >= 400

    def _healthy(self) -> bool:
        assert self._health_status is not None
        status = self._health_status()
        return status is not None and 200 <= status < 400

    def _up_watching(self, why: str, shows: Callable[[], bool]) -> float | None:
        """Run ``up`` while probing the target's health URL; when ``shows()`` first held (None: not seen)."""
        seen: list[float] = []
        stop = threading.Event()
        watcher = threading.Thread(target=self._watch, args=(shows, seen, stop), name="drill-effect", daemon=True)
        watcher.start()
        try:
            self._up(why)
            if self._health_status is not None:
                deadline = self._clock() + self._effect_timeout
                while not seen and self._clock() < deadline:
                    time.sleep(EFFECT_POLL_SECONDS)
        finally:
            stop.set()
            watcher.join(timeout=5)
        return seen[0] if seen else None

    def _watch(self, shows: Callable[[], bool], seen: list[float], stop: threading.Event) -> None:
        """Note when the target's health URL first shows the change: the instant the engine's change took effect."""
        if self._health_status is None:
            return
        while not stop.is_set():
            try:
                if shows():
                    seen.append(self._clock())
                    return
            except Exception:  # a probe that fails to run tells nothing; the next one may
                pass
            stop.wait(EFFECT_POLL_SECONDS)

    def lift(self) -> float | None:
        if not self._injected or self._lifted:
            return None
        if not self._removed:
            if self._index is None:
                self._stack.remove_config(DRILL_FAULTS_KEY)
            else:
                self._stack.remove_config(f"{DRILL_FAULTS_KEY}[{self._index}]", path=True)
            self._removed = True
        self.lift_seen_at = self._up_watching(f"lift {self.fault.value} from {self._plan.target.key}", self._healthy)
        self._lifted = True
        return None

    def restore(self) -> bool:
        if self._injected and not self._lifted:
            try:
                self.lift()
            except Exception as exc:
                raise LiftFailed(
                    f"the {self.fault.value} fault on {self._plan.target.key} is still in stack "
                    f"{self._plan.stack!r} ({type(exc).__name__}: {str(exc).strip()[:300]})",
                    self.hand_lift,
                ) from exc
        if not self._injected:
            return True
        faults = plain_outputs(self._stack).get("drillFaults") or []
        return not any(isinstance(f, Mapping) and f.get("target") == self._plan.target.key for f in faults)
