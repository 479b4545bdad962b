"""Load a Python CrossGuard policy pack without serving it, and evaluate it the way the engine does.

A pack's ``__main__.py`` builds ``PolicyPack(...)``, whose constructor validates its arguments,
builds the SDK's own analyzer servicer and then serves it over gRPC forever. We run
``__main__.py`` with that servicer's constructor intercepted: the SDK validates and builds the
servicer exactly as for the engine, and we keep it instead of serving it. Evaluation then calls
the servicer's own ``GetAnalyzerInfo``/``Configure``/``Remediate``/``Analyze``/``AnalyzeStack``
with the requests the engine would send, so policies get the SDK's own args classes
(``ResourceValidationArgs``, ``StackValidationArgs``, ``PolicyResource`` ...), enforcement levels
and ``not_applicable`` handling, unchanged.

Config is reconciled like the engine's ``ReconcilePolicyPackConfig``: each policy's level and
its schema's ``default`` values, then the pack's ``initial_config``, then the user's
``--policy-pack-config`` file (``{"all": "mandatory", "policy": "advisory" | {"enforcementLevel"?:
..., prop: value}}``, or a version 2 file with a ``policies`` key); the result is validated against
each policy's config schema.

Example::

    pack = load_policy_pack(Path("policies"))
    result = evaluate_pack(pack, resources, config=read_policy_pack_config(Path("cfg.json")))
    [v.policy for v in result.violations if v.enforcement_level == "mandatory"]
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import runpy
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi_policy.policy as sdk
import yaml
from google.protobuf import json_format, struct_pb2  # type: ignore[import-untyped]
from pulumi.runtime import proto
from pulumi_policy.deserialize import serialize_properties

from failoverkit.check.mocks import RecordedResource
from failoverkit.errors import CheckError, ConfigError

LEVELS = ("advisory", "mandatory", "remediate", "disabled")
_LEVEL_TO_PROTO = {
    "advisory": proto.ADVISORY,
    "mandatory": proto.MANDATORY,
    "remediate": proto.REMEDIATE,
    "disabled": proto.DISABLED,
}
_PROTO_TO_LEVEL = {v: k for k, v in _LEVEL_TO_PROTO.items()}
_SEVERITIES = {
    proto.POLICY_SEVERITY_LOW: "low",
    proto.POLICY_SEVERITY_MEDIUM: "medium",
    proto.POLICY_SEVERITY_HIGH: "high",
    proto.POLICY_SEVERITY_CRITICAL: "critical",
}


@dataclass(frozen=True)
class PolicyConfig:
    """One policy's config: an enforcement level (None: keep) and properties."""

    enforcement_level: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PolicyInfo:
    """What the pack says about one policy (from the SDK's ``GetAnalyzerInfo``)."""

    name: str
    description: str
    enforcement_level: str
    kind: str
    """``resource`` or ``stack``."""
    config_schema: dict[str, Any] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    severity: str | None = None
    remediation_steps: str | None = None
    url: str | None = None


@dataclass
class PolicyPackHandle:
    """A loaded (not served) policy pack."""

    name: str
    version: str
    directory: Path
    main: Path
    servicer: Any
    policies: list[PolicyInfo]
    initial_config: dict[str, PolicyConfig]


@dataclass(frozen=True)
class Violation:
    """One policy violation, as the engine would report it."""

    policy_pack: str
    policy_pack_version: str
    policy: str
    enforcement_level: str
    message: str
    urn: str
    resource_type: str
    description: str = ""
    severity: str | None = None


@dataclass
class PackResult:
    """What one pack found in one stack."""

    pack: PolicyPackHandle
    config: dict[str, PolicyConfig]
    violations: list[Violation] = field(default_factory=list)
    not_applicable: list[tuple[str, str, str]] = field(default_factory=list)
    """(policy, urn, reason) for each policy that declared itself not applicable."""
    remediations: list[tuple[str, str]] = field(default_factory=list)
    """(policy, urn) for each remediation that changed a resource's inputs."""


class _Captured(BaseException):
    # BaseException: a pack's own `except Exception` must not swallow it.
    def __init__(self, servicer: Any) -> None:
        super().__init__("policy pack captured")
        self.servicer = servicer


@contextlib.contextmanager
def _pack_environment(directory: Path) -> Iterator[None]:
    saved_cwd, saved_path, saved_modules = os.getcwd(), list(sys.path), set(sys.modules)
    sys.path.insert(0, str(directory))
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        for name in set(sys.modules) - saved_modules:
            module_file = getattr(sys.modules[name], "__file__", None) or ""
            if module_file and Path(module_file).is_relative_to(directory):
                del sys.modules[name]


def _capture_servicer() -> Any:
    original = sdk._PolicyAnalyzerServicer

    def capture(*args: Any, **kwargs: Any) -> Any:
        raise _Captured(original(*args, **kwargs))

    return original, capture


def load_policy_pack(directory: Path) -> PolicyPackHandle:
    """Run ``directory/__main__.py`` and keep the pack it builds; raise :class:`CheckError` if there is none.

    ``directory`` may also be the pack's ``__main__.py`` or a launcher file next to it.
    """
    directory = directory.resolve()
    main = directory / "__main__.py" if directory.is_dir() else directory
    if directory.is_file() and main.name != "__main__.py":
        # A launcher script beside the pack (what `--policy-pack` gets where the engine has no Python
        # analyzer host): the same command line works for check and for a real preview.
        main = directory.parent / "__main__.py"
    if main.name != "__main__.py" or not main.is_file():
        raise CheckError(f"--policy-pack: {directory} is not a Python policy pack (no __main__.py)")
    directory = main.parent
    original, capture = _capture_servicer()
    servicer = None
    sdk._PolicyAnalyzerServicer = capture  # type: ignore[misc]
    try:
        with _pack_environment(directory):
            runpy.run_path(str(main), run_name="__main__")
    except _Captured as captured:
        servicer = captured.servicer
    except TypeError as exc:  # the SDK's own argument checks (bad name, no policies ...)
        raise CheckError(f"--policy-pack: {directory}: {exc}") from exc
    finally:
        sdk._PolicyAnalyzerServicer = original  # type: ignore[misc]
    if servicer is None:
        raise CheckError(f"--policy-pack: {main} ran to the end without creating a PolicyPack")
    info = servicer.GetAnalyzerInfo(None, None)
    return PolicyPackHandle(
        name=info.name,
        version=_pack_version(directory) or info.version,
        directory=directory,
        main=main,
        servicer=servicer,
        policies=[_policy_info(p) for p in info.policies],
        initial_config={
            k: PolicyConfig(
                _PROTO_TO_LEVEL[v.enforcementLevel] if v.HasField("enforcementLevel") else None,
                json_format.MessageToDict(v.properties),
            )
            for k, v in info.initialConfig.items()
        },
    )


def _pack_version(directory: Path) -> str | None:
    # The CLI shows PulumiPolicy.yaml's version when there is one; the Python SDK itself always says 0.0.1.
    manifest = directory / "PulumiPolicy.yaml"
    if not manifest.is_file():
        return None
    with contextlib.suppress(yaml.YAMLError, OSError):
        doc = yaml.safe_load(manifest.read_text(encoding="utf-8"))
        if isinstance(doc, Mapping) and doc.get("version") is not None:
            return str(doc["version"]).removeprefix("v")
    return None


def _policy_info(p: Any) -> PolicyInfo:
    return PolicyInfo(
        name=p.name,
        description=p.description,
        enforcement_level=_PROTO_TO_LEVEL[p.enforcementLevel],
        kind="stack" if p.policy_type == proto.PolicyType.POLICY_TYPE_STACK else "resource",
        config_schema=json_format.MessageToDict(p.configSchema.properties),
        required=list(p.configSchema.required),
        severity=_SEVERITIES.get(p.severity),
        remediation_steps=p.remediation_steps or None,
        url=p.url or None,
    )


# --- config ---------------------------------------------------------------------------------------


def _parse_level(policy: str, value: Any, source: str) -> str:
    if not isinstance(value, str) or value not in LEVELS:
        raise ConfigError(f"{source}: {policy}: enforcement level must be one of {', '.join(LEVELS)}, got {value!r}")
    return value


def parse_policy_pack_config(doc: Any, source: str = "--policy-pack-config") -> dict[str, PolicyConfig]:
    """Parse a ``--policy-pack-config`` document like the Pulumi CLI does."""
    if doc is None:
        return {}
    if not isinstance(doc, Mapping):
        raise ConfigError(f"{source}: expected a JSON object of policy -> level or settings")
    if isinstance(doc.get("version"), (int, float)) and not isinstance(doc.get("version"), bool):
        if doc["version"] != 2:
            raise ConfigError(f"{source}: version: only version 2 is supported, got {doc['version']}")
        doc = doc.get("policies") or {}
        if not isinstance(doc, Mapping):
            raise ConfigError(f"{source}: policies: expected a JSON object")
    result: dict[str, PolicyConfig] = {}
    for policy, value in doc.items():
        if policy == "environments":  # ESC references: not resolvable offline, and not policy config
            continue
        if isinstance(value, str):
            result[policy] = PolicyConfig(_parse_level(policy, value, source))
        elif isinstance(value, Mapping):
            props = dict(value)
            level = props.pop("enforcementLevel", None)
            result[policy] = PolicyConfig(None if level is None else _parse_level(policy, level, source), props)
        else:
            raise ConfigError(f"{source}: {policy}: must be an enforcement level or an object, got {value!r}")
    return result


def read_policy_pack_config(path: Path) -> dict[str, PolicyConfig]:
    """Read and parse a ``--policy-pack-config`` JSON file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"--policy-pack-config: {path}: cannot read ({exc.strerror})") from exc
    if not text.strip():
        return {}
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"--policy-pack-config: {path}: not valid JSON ({exc})") from exc
    return parse_policy_pack_config(doc, f"--policy-pack-config {path}")


def _apply(result: dict[str, PolicyConfig], given: Mapping[str, PolicyConfig]) -> None:
    everything = given.get("all")
    if everything is not None and everything.enforcement_level:
        for name, cfg in result.items():
            result[name] = PolicyConfig(everything.enforcement_level, cfg.properties)
    for name, cfg in given.items():
        current = result.get(name, PolicyConfig())
        result[name] = PolicyConfig(
            cfg.enforcement_level or current.enforcement_level, {**current.properties, **cfg.properties}
        )


def reconcile_config(pack: PolicyPackHandle, user: Mapping[str, PolicyConfig] | None = None) -> dict[str, PolicyConfig]:
    """Defaults, then the pack's initial config, then ``user``; raise ConfigError if it breaks a schema."""
    result = {
        p.name: PolicyConfig(
            p.enforcement_level,
            {k: v["default"] for k, v in p.config_schema.items() if isinstance(v, Mapping) and "default" in v},
        )
        for p in pack.policies
    }
    _apply(result, pack.initial_config)
    _apply(result, user or {})
    problems: list[str] = []
    for p in pack.policies:
        props = result[p.name].properties
        problems += [f"{pack.name}: {p.name}: {m}" for m in _schema_problems(p.config_schema, p.required, props)]
    if problems:
        raise ConfigError(problems)
    return result


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "number": (int, float),
    "integer": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}


def _type_ok(kind: str, value: Any) -> bool:
    if kind in ("number", "integer") and isinstance(value, bool):
        return False
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _JSON_TYPES.get(kind, (object,)))


def _num(value: Any) -> str:
    # Schemas travel as protobuf Structs, where every number is a float: print 1.0 as 1.
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _value_problems(path: str, schema: Mapping[str, Any], value: Any) -> list[str]:
    kinds = schema.get("type")
    if kinds is not None:
        allowed = [kinds] if isinstance(kinds, str) else list(kinds)
        if not any(_type_ok(k, value) for k in allowed):
            return [f"{path}: expected {' or '.join(allowed)}, got {json.dumps(value)}"]
    problems: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{path}: must be one of {json.dumps(schema['enum'])}, got {json.dumps(value)}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            problems.append(f"{path}: must be >= {_num(schema['minimum'])}, got {_num(value)}")
        if "maximum" in schema and value > schema["maximum"]:
            problems.append(f"{path}: must be <= {_num(schema['maximum'])}, got {_num(value)}")
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            problems.append(f"{path}: needs at least {_num(schema['minItems'])} items, got {len(value)}")
        if isinstance(schema.get("items"), Mapping):
            for i, item in enumerate(value):
                problems += _value_problems(f"{path}[{i}]", schema["items"], item)
    if isinstance(value, str) and "minLength" in schema and len(value) < schema["minLength"]:
        problems.append(f"{path}: needs at least {_num(schema['minLength'])} characters")
    return problems


def _schema_problems(properties: Mapping[str, Any], required: Sequence[str], config: Mapping[str, Any]) -> list[str]:
    # The subset of JSON Schema policy config schemas use; the engine validates with full JSON Schema.
    problems = [f"{key}: is required" for key in required if key not in config]
    for key, value in config.items():
        schema = properties.get(key)
        if isinstance(schema, Mapping):
            problems += _value_problems(key, schema, value)
    return problems


# --- evaluation -----------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    # Assets and archives travel in their signature encoding; anything else unexpected as text.
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (pulumi.Asset, pulumi.Archive)):
        # The analyzer protocol's own encoding, which the SDK turns back into Asset/Archive objects.
        return _jsonable(serialize_properties({"value": value})["value"])
    return str(value)


def _struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(_jsonable(props))
    return struct


def _options(resource: RecordedResource) -> Any:
    opts = resource.options
    timeouts = opts.get("customTimeouts") or {}
    message = proto.AnalyzerResourceOptions(
        protect=bool(opts.get("protect", False)),
        ignoreChanges=list(opts.get("ignoreChanges") or []),
        aliases=list(opts.get("aliases") or []),
        additionalSecretOutputs=list(opts.get("additionalSecretOutputs") or []),
        parent=resource.parent or "",
    )
    if opts.get("deleteBeforeReplace") is not None:
        message.deleteBeforeReplace = bool(opts["deleteBeforeReplace"])
        message.deleteBeforeReplaceDefined = True
    if any(timeouts.values()):
        message.customTimeouts.create = float(timeouts.get("create") or 0)
        message.customTimeouts.update = float(timeouts.get("update") or 0)
        message.customTimeouts.delete = float(timeouts.get("delete") or 0)
    return message


def _provider_message(resource: RecordedResource, by_urn: Mapping[str, RecordedResource]) -> Any:
    if not resource.provider:
        return None
    urn = resource.provider.rsplit("::", 1)[0]
    provider = by_urn.get(urn)
    if provider is None:
        return None
    return proto.AnalyzerProviderResource(
        type=provider.type, properties=_struct(provider.inputs), urn=provider.urn, name=provider.name
    )


class _ProviderMessages:
    """Each resource's provider message, built once per provider (a stack's resources share a few)."""

    def __init__(self, by_urn: Mapping[str, RecordedResource]) -> None:
        self._by_urn = by_urn
        self._built: dict[str, Any] = {}

    def __call__(self, resource: RecordedResource) -> Any:
        ref = resource.provider
        if not ref:
            return None
        if ref not in self._built:
            self._built[ref] = _provider_message(resource, self._by_urn)
        return self._built[ref]


def type_of_urn(urn: str) -> str:
    """``urn:pulumi:dev::proj::parent$aws:s3/bucket:Bucket::b`` -> ``aws:s3/bucket:Bucket``."""
    parts = urn.split("::")
    return parts[2].rsplit("$", 1)[-1] if len(parts) >= 4 else ""


@dataclass
class _Evaluation:
    pack: PolicyPackHandle
    result: PackResult
    levels: dict[str, str]

    def diagnostics(self, response: Any, default_urn: str, types: Mapping[str, str]) -> None:
        for diag in response.diagnostics:
            urn = default_urn or diag.urn
            self.result.violations.append(
                Violation(
                    policy_pack=diag.policyPackName or self.pack.name,
                    policy_pack_version=self.pack.version,
                    policy=diag.policyName,
                    enforcement_level=_PROTO_TO_LEVEL.get(diag.enforcementLevel, "advisory"),
                    message=diag.message,
                    urn=urn,
                    resource_type=types.get(urn) or type_of_urn(urn),
                    description=diag.description,
                    severity=_SEVERITIES.get(diag.severity),
                )
            )
        for na in response.not_applicable:
            self.result.not_applicable.append((na.policy_name, default_urn, na.reason))


def evaluate_pack(
    pack: PolicyPackHandle,
    resources: Sequence[RecordedResource],
    *,
    config: Mapping[str, PolicyConfig] | None = None,
    stack_urn: str | None = None,
    isolated: bool = False,
) -> PackResult:
    """Evaluate ``pack`` against ``resources`` (engine order) like a preview with ``--policy-pack``.

    Resource policies see each resource's inputs; stack policies see every resource's outputs
    with parent, dependencies and provider links. Stack-level violations without a URN are
    attributed to ``stack_urn`` (the root stack resource), as the engine's display does.
    The stack policies share one conversion of the stack (see ``_StackBuiltOnce``); ``isolated``
    gives each its own, as the SDK does (several times slower on a large stack, same verdicts).
    """
    reconciled = reconcile_config(pack, config)
    request = proto.ConfigureAnalyzerRequest()
    for name, cfg in reconciled.items():
        entry = request.policyConfig[name]
        if cfg.enforcement_level:
            entry.enforcementLevel = _LEVEL_TO_PROTO[cfg.enforcement_level]
        entry.properties.update(_jsonable(cfg.properties))
    servicer = pack.servicer
    servicer.Configure(request, None)
    result = PackResult(pack=pack, config=reconciled)
    levels = {name: cfg.enforcement_level or "advisory" for name, cfg in reconciled.items()}
    run = _Evaluation(pack, result, levels)
    inputs_of: dict[str, Mapping[str, Any]] = {}
    try:
        with without_gc_pauses():
            _evaluate(run, servicer, resources, inputs_of, stack_urn, isolated)
    except (ConfigError, CheckError):
        raise
    except Exception as exc:  # a policy's own bug: the engine fails the preview with it too
        raise CheckError(f"policy pack {pack.name} ({pack.main}) raised {type(exc).__name__}: {exc}") from exc
    return result


@contextlib.contextmanager
def without_gc_pauses() -> Iterator[None]:
    """The cyclic garbage collector paused for a check's run; it resumes afterwards (nested uses are fine).

    Importing the cloud SDKs, running a program under mocks and converting a stack for the policies make
    hundreds of thousands of objects that live to the end; the collector's full passes over them grew
    evaluation quadratically (10,000 resources 2-3x slower per resource than 1,000) and were a third of
    a check of a cloud stack (aws-gcp: 1.5 s of 4.0 s, in 846 collections). Nothing here needs cycles
    collected mid-run: the peak RSS of those checks is the same with the collector paused.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # Everything made during the pause counts as young: the first collection after it would go
            # through all of it (0.45 s after a check of tri-cloud). Moved to the oldest generation
            # (freeze, then unfreeze), it waits for the next full collection like any long-lived object.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


class _StackBuiltOnce:
    """What ``AnalyzeStack`` reads of its request (``resources``), with the stack converted for one policy only.

    For every stack policy the SDK converts each resource of the request again (decode its properties and
    its provider's, wrap them in proxies, link parents and dependencies) before it builds that policy's
    ``StackValidationArgs``: with seven stack policies, most of an evaluation's time. Here the request
    shows its resources to the first stack policy only, and every later policy's args get the ones built
    for the first (in a list of its own: the same objects); levels, reports, config, not-applicable
    and unknown-value handling stay the SDK's. Stack policies only read their args (the engine never
    takes changes back), so a policy sees what it would have seen; ``evaluate_pack(..., isolated=True)``
    runs the SDK's own conversion per policy, and the tests hold both to the same verdicts.
    """

    def __init__(self, request: Any) -> None:
        self._request = request
        self._built: list[Any] | None = None

    @property
    def resources(self) -> Any:
        return self._request.resources if self._built is None else ()

    def args(self, resources: list[Any], config: Any, stack_tags: Any) -> Any:
        if self._built is None:
            self._built = resources
        return _STACK_VALIDATION_ARGS(list(self._built), config, stack_tags)


_STACK_VALIDATION_ARGS = sdk.StackValidationArgs


def _analyze_stack(servicer: Any, request: Any, isolated: bool) -> Any:
    if isolated:
        return servicer.AnalyzeStack(request, None)
    once = _StackBuiltOnce(request)
    sdk.StackValidationArgs = once.args  # type: ignore[misc,assignment]
    try:
        return servicer.AnalyzeStack(once, None)
    finally:
        sdk.StackValidationArgs = _STACK_VALIDATION_ARGS  # type: ignore[misc]


def _evaluate(
    run: _Evaluation,
    servicer: Any,
    resources: Sequence[RecordedResource],
    inputs_of: dict[str, Mapping[str, Any]],
    stack_urn: str | None,
    isolated: bool,
) -> None:
    """Remediate, then Analyze each resource in order, then AnalyzeStack once: the engine's sequence."""
    pack, result, levels = run.pack, run.result, run.levels
    by_urn = {r.urn: r for r in resources}
    types = {r.urn: r.type for r in resources}
    provider_of = _ProviderMessages(by_urn)
    remediating = any(levels.get(p.name) == "remediate" for p in pack.policies if p.kind == "resource")
    active_resource = any(levels.get(p.name) != "disabled" for p in pack.policies if p.kind == "resource")
    for resource in resources:
        inputs: Mapping[str, Any] = resource.inputs
        if not (remediating or active_resource):
            inputs_of[resource.urn] = inputs
            continue
        provider = provider_of(resource)
        if remediating:
            fixed = servicer.Remediate(_analyze_request(resource, inputs, provider), None)
            for remediation in fixed.remediations:
                if remediation.diagnostic:
                    run.diagnostics(_advisory(remediation, pack), resource.urn, types)
                else:
                    inputs = json_format.MessageToDict(remediation.properties)
                    result.remediations.append((remediation.policyName, resource.urn))
            for na in fixed.not_applicable:
                result.not_applicable.append((na.policy_name, resource.urn, na.reason))
        inputs_of[resource.urn] = inputs
        if active_resource:
            run.diagnostics(servicer.Analyze(_analyze_request(resource, inputs, provider), None), resource.urn, types)
    if any(levels.get(p.name) != "disabled" for p in pack.policies if p.kind == "stack"):
        stack_request = proto.AnalyzeStackRequest()
        for resource in resources:
            stack_request.resources.append(_stack_resource(resource, inputs_of, provider_of(resource)))
        response = _analyze_stack(servicer, stack_request, isolated)
        before = len(result.violations)
        run.diagnostics(response, "", types)
        for i in range(before, len(result.violations)):
            v = result.violations[i]
            if not v.urn and stack_urn:
                result.violations[i] = Violation(
                    **{**v.__dict__, "urn": stack_urn, "resource_type": "pulumi:pulumi:Stack"}
                )


def _advisory(remediation: Any, pack: PolicyPackHandle) -> Any:
    response = proto.AnalyzeResponse()
    response.diagnostics.append(
        proto.AnalyzeDiagnostic(
            policyName=remediation.policyName,
            policyPackName=pack.name,
            policyPackVersion=pack.version,
            message=remediation.diagnostic,
            description=remediation.description,
            enforcementLevel=proto.ADVISORY,
        )
    )
    return response


def _analyze_request(resource: RecordedResource, inputs: Mapping[str, Any], provider: Any) -> Any:
    request = proto.AnalyzeRequest(
        type=resource.type,
        properties=_struct(inputs),
        urn=resource.urn,
        name=resource.name,
        options=_options(resource),
    )
    if provider is not None:
        request.provider.CopyFrom(provider)
    return request


def _stack_resource(resource: RecordedResource, inputs_of: Mapping[str, Mapping[str, Any]], provider: Any) -> Any:
    # AnalyzeStack sees final outputs; under mocks a custom resource's outputs are its inputs plus plausible values.
    outputs = resource.outputs if resource.outputs else inputs_of.get(resource.urn, resource.inputs)
    message = proto.AnalyzerResource(
        type=resource.type,
        properties=_struct(outputs),
        urn=resource.urn,
        name=resource.name,
        options=_options(resource),
        parent=resource.parent or "",
        dependencies=list(resource.dependencies),
    )
    if provider is not None:
        message.provider.CopyFrom(provider)
    for key, urns in resource.property_dependencies.items():
        message.propertyDependencies[key].urns.extend(urns)
    return message
