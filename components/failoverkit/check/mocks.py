"""Run a Pulumi Python program under mocks and record every resource it registers.

Used by ``failoverkit check`` (offline policy checks) and by the unit tests.
The recorder captures what the engine would see: type, name, URN, inputs,
parent, provider, and the outputs components register. Mock outputs are
plausible (ids, ARNs, hostnames, IPs) so programs that use outputs keep going.

Example::

    resources = run_program(my_program, project="shop", stack="dev",
                            config={"aws:region": "us-east-1"})
    [r for r in resources if r.type == "aws:lb/loadBalancer:LoadBalancer"]
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await


@dataclass
class RecordedResource:
    """One resource as the engine would see it at registration."""

    urn: str
    type: str
    name: str
    inputs: dict[str, Any]
    custom: bool
    parent: str | None = None
    provider: str | None = None
    """Provider reference ``<provider urn>::<id>``, or None for the default provider."""
    id: str | None = None
    outputs: dict[str, Any] = field(default_factory=dict)
    """For components: what they passed to ``register_outputs``; for custom resources: the mock state."""
    dependencies: list[str] = field(default_factory=list)
    version: str | None = None
    """Provider plugin version the SDK asked for (names the default provider, e.g. ``default_7_51_1``)."""
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    """Resource options policies can read: protect, ignoreChanges, deleteBeforeReplace, aliases,
    additionalSecretOutputs, customTimeouts (create/update/delete seconds)."""


def _digest(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


def plausible_outputs(typ: str, name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Outputs a real provider would add, so programs that read them keep running."""
    h = _digest(typ, name)
    pkg = typ.split(":", 1)[0]
    region = str(inputs.get("region") or inputs.get("location") or "us-east-1")
    out: dict[str, Any] = {}
    if pkg in ("aws", "gcp", "azure-native"):
        out["name"] = f"{name}-{h[:7]}"  # what the provider's autonaming would have chosen
    if pkg == "aws":
        service = typ.split(":")[1].split("/")[0]
        out["arn"] = f"arn:aws:{service}:{region}:123456789012:{name}-{h[:8]}"
        out["dnsName"] = f"{name}-{h[:8]}.{region}.elb.amazonaws.com"
        out["zoneId"] = f"Z{h[:12].upper()}"
        # One validation option per domain of an ACM certificate: its domainName and every SAN.
        domains = [inputs.get("domainName", "example.com"), *(inputs.get("subjectAlternativeNames") or [])]
        out["domainValidationOptions"] = [
            {
                "domainName": domain,
                "resourceRecordName": f"_{_digest(h, domain)[:16]}.{domain}.",
                "resourceRecordType": "CNAME",
                "resourceRecordValue": f"_{_digest(h, domain)[16:32]}.acm-validations.aws.",
            }
            for domain in dict.fromkeys(domains)
        ]
        out["availabilityZones"] = inputs.get("availabilityZones")
    elif pkg == "gcp":
        out["address"] = f"34.{int(h[0:2], 16)}.{int(h[2:4], 16)}.{int(h[4:6], 16)}"
        out["selfLink"] = f"https://www.googleapis.com/compute/v1/projects/demo/global/{name}"
        out["uri"] = f"https://{name}-{h[:10]}-uc.a.run.app"
        out["project"] = inputs.get("project", "demo-project")
        if typ == "gcp:certificatemanager/dnsAuthorization:DnsAuthorization":
            domain = inputs.get("domain", "example.com")
            out["dnsResourceRecords"] = [
                {
                    "name": f"_acme-challenge.{domain}.",
                    "type": "CNAME",
                    "data": f"{h[:12]}.4.authorize.certificatemanager.goog.",
                }
            ]
    elif pkg == "azure-native":
        out["latestRevisionFqdn"] = f"{name}--{h[:7]}.{region}.azurecontainerapps.io"
        out["configuration"] = {**dict(inputs.get("configuration") or {})}
        out["customDomainVerificationId"] = h.upper()[:64]
        out["staticIp"] = f"20.{int(h[0:2], 16)}.{int(h[2:4], 16)}.{int(h[4:6], 16)}"
        out["fqdn"] = f"{name}-{h[:8]}.trafficmanager.net"
        out["customerId"] = h[:32]
        out["defaultDomain"] = f"{h[:10]}.{region}.azurecontainerapps.io"
    elif pkg == "cloudflare":
        out["id"] = h[:32]
    # Inputs win: a resource's own inputs are its truth; outputs only fill gaps.
    merged = {**out, **{k: v for k, v in inputs.items() if v is not None}}
    if typ == "azure-native:app:ContainerApp" and isinstance(inputs.get("configuration"), Mapping):
        # The app's stable FQDN lives inside configuration.ingress, next to what the user set.
        config = dict(inputs["configuration"])
        if isinstance(config.get("ingress"), Mapping):
            config["ingress"] = {**config["ingress"], "fqdn": f"{name}.{out['defaultDomain']}"}
        merged["configuration"] = config
    if typ == "azure-native:app:ManagedCertificate":
        merged["properties"] = {**dict(inputs.get("properties") or {}), "validationToken": h[:32]}
    return merged


class PlausibleMocks(pulumi_mocks.Mocks):
    """Mocks whose resources echo their inputs plus plausible provider outputs."""

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if not args.custom:
            return None, {}
        rid = args.resource_id or f"{args.name}-{_digest(args.typ, args.name)[:8]}"
        return rid, plausible_outputs(args.typ, args.name, args.inputs)

    def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        token = args.token
        if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            region = str(args.args.get("region") or "us-east-1")
            names = [f"{region}{z}" for z in "abc"]
            return {"names": names, "zoneIds": names, "id": region}, []
        if token == "aws:route53/getZone:getZone":
            name = str(args.args.get("name") or "example.com")
            return {"zoneId": f"Z{_digest(name)[:12].upper()}", "name": name, "id": name}, []
        if token == "aws:index/getRegion:getRegion":
            return {
                "name": args.args.get("region") or "us-east-1",
                "region": args.args.get("region") or "us-east-1",
            }, []
        if token == "azure-native:app:getCustomDomainVerificationId":
            return {"value": _digest("subscription").upper()[:64]}, []
        if token == "azure-native:operationalinsights:getSharedKeys":
            return {"primarySharedKey": _digest("shared-key", str(args.args.get("workspaceName")))[:44]}, []
        return dict(args.args), []


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A mock monitor that also keeps parent, provider and component outputs."""

    def __init__(self, mocks: pulumi_mocks.Mocks) -> None:
        super().__init__(mocks)
        self.recorded: dict[str, RecordedResource] = {}
        self.stack_outputs: dict[str, Any] = {}
        """What the program exported (the root stack resource's outputs)."""

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The engine's URN: the parent's whole qualified type chain, and no ``pulumi:pulumi:Stack$`` prefix.

        (The SDK's MockMonitor keeps only the parent's last type and prefixes top-level resources
        with the stack's type, so its URNs differ from what a real preview and policies see.)
        """
        qualified = type_
        if parent:
            parent_type = parent.split("::")[2]
            if parent_type != "pulumi:pulumi:Stack":
                qualified = f"{parent_type}${type_}"
        return f"urn:pulumi:{pulumi.get_stack()}::{pulumi.get_project()}::{qualified}::{name}"

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type == "pulumi:pulumi:Stack":
            return response
        urn = response.urn
        reg = self.resources.get(urn)
        inputs = _sync_await(_deserialize(request.object))
        self.recorded[urn] = RecordedResource(
            urn=urn,
            type=request.type,
            name=request.name,
            inputs=inputs,
            custom=bool(request.custom),
            parent=request.parent or None,
            provider=request.provider or None,
            id=reg.id if reg else None,
            outputs=dict(reg.state) if reg else {},
            dependencies=list(request.dependencies),
            version=request.version or None,
            property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items()},
            options={**_options(request), "aliases": self._alias_urns(request)},
        )
        return response

    def _alias_urns(self, request: Any) -> list[str]:
        """Every alias as the URN the engine would match in state (the SDK sends name/type/parent specs)."""
        urns = list(request.aliasURNs)
        for alias in request.aliases:
            if alias.urn:
                urns.append(alias.urn)
                continue
            spec = alias.spec
            parent = "" if spec.noParent else (spec.parentUrn or request.parent)
            urns.append(self.make_urn(parent, spec.type or request.type, spec.name or request.name))
        return urns

    def RegisterResourceOutputs(self, request: Any) -> Any:
        if request.urn in self.recorded:
            self.recorded[request.urn].outputs = _sync_await(_deserialize(request.outputs))
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]


def _seconds(duration: str) -> float:
    # customTimeouts arrive as Go durations ("5m", "30s", "1h"); policies see seconds.
    units = {"h": 3600.0, "m": 60.0, "s": 1.0}
    if duration and duration[-1] in units:
        try:
            return float(duration[:-1]) * units[duration[-1]]
        except ValueError:
            return 0.0
    return 0.0


def _options(request: Any) -> dict[str, Any]:
    timeouts = request.customTimeouts
    return {
        "protect": bool(request.protect),
        "ignoreChanges": list(request.ignoreChanges),
        "deleteBeforeReplace": request.deleteBeforeReplace if request.deleteBeforeReplaceDefined else None,
        "aliases": list(request.aliasURNs),
        "additionalSecretOutputs": list(request.additionalSecretOutputs),
        "customTimeouts": {
            "create": _seconds(timeouts.create),
            "update": _seconds(timeouts.update),
            "delete": _seconds(timeouts.delete),
        },
    }


async def _deserialize(struct: Any) -> dict[str, Any]:
    # Unknown values (preview) arrive as a sentinel string; keep them recognisable.
    return dict(rpc.deserialize_properties(struct, keep_unknowns=True))


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except TypeError:
        return str(value)


def run_program(
    program: Callable[[], None],
    *,
    project: str,
    stack: str,
    config: Mapping[str, str] | None = None,
    secret_keys: list[str] | None = None,
    preview: bool = False,
    mocks: pulumi_mocks.Mocks | None = None,
    monitor: RecordingMonitor | None = None,
) -> list[RecordedResource]:
    """Run ``program`` under mocks with ``config`` (``ns:key`` -> string) and return what it registered.

    Pass a fresh ``monitor`` to read more than the resources afterwards (e.g. ``stack_outputs``);
    it must not have been used before. Exceptions the program raises propagate unchanged.
    """
    pulumi.runtime.settings.SETTINGS.rpc_manager.clear()
    pulumi.runtime.settings.SETTINGS.outputs.clear()
    pulumi.runtime.set_all_config(dict(config or {}), secret_keys or [])
    # The SDK keeps the root Stack resource across set_mocks calls; a second run (another stack or
    # project in the same process) would parent its resources to the first run's stack.
    pulumi_settings.ROOT.set(None)
    monitor = monitor or RecordingMonitor(mocks or PlausibleMocks())
    pulumi.runtime.set_mocks(monitor.mocks, project=project, stack=stack, preview=preview, monitor=monitor)

    def body() -> None:
        program()

    _sync_await(run_pulumi_func(body))
    root = pulumi_settings.ROOT.get()
    exports = getattr(root, "outputs", None)
    if exports:
        # Under mocks the root stack registered its (empty) outputs before the program ran; read the exports here.
        monitor.stack_outputs = _sync_await(_resolve(dict(exports)))
    return list(monitor.recorded.values())


async def _resolve(exports: dict[str, Any]) -> dict[str, Any]:
    resolved = await pulumi.Output.from_input(exports).future()
    return dict(resolved or {})
