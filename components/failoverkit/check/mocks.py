"""Run a Pulumi Python program under mocks and record every resource it registers.

Used by ``failoverkit check`` (offline policy checks) and by the unit tests.
The recorder captures what the engine would see: type, name, URN, inputs,
parent, provider, and the outputs components register. Mock outputs are
plausible (ids, ARNs, hostnames, IPs) so programs that use outputs keep going.

Two modes. ``preview=True`` (``failoverkit check``) has ``pulumi preview``'s semantics: an
output the mocks have no plausible value for is unknown, so the program's ``apply`` on it
never runs (as in a real preview, where the provider computes it later); invokes of common
data sources get typed plausible results (``INVOKE_RESULTS``) and every other invoke is
unknown. ``preview=False`` (the unit tests' recorder) resolves missing outputs to ``None``
and echoes an unanswered invoke's arguments, as the SDK's own mocks do.

Example::

    resources = run_program(my_program, project="shop", stack="dev",
                            config={"aws:region": "us-east-1"})
    [r for r in resources if r.type == "aws:lb/loadBalancer:LoadBalancer"]
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.proto import resource_pb2
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
    remote: bool = False
    """A multi-language component (awsx, eks ...): its provider creates its children in another
    process, so under mocks they are never registered."""


def _digest(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


def plausible_outputs(
    typ: str, name: str, inputs: Mapping[str, Any], provider_region: str | None = None
) -> dict[str, Any]:
    """Outputs a real provider would add, so programs that read them keep running."""
    h = _digest(typ, name)
    pkg = typ.split(":", 1)[0]
    region = str(inputs.get("region") or inputs.get("location") or provider_region or "us-east-1")
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
            # FIXED_RECORD (the global default) asks for _acme-challenge.<domain>; PER_PROJECT_RECORD for a
            # name of its own per project, _acme-challenge_<suffix>.<domain>.
            label = "_acme-challenge_" + h[32:48] if inputs.get("type") == "PER_PROJECT_RECORD" else "_acme-challenge"
            out["dnsResourceRecords"] = [
                {
                    "name": f"{label}.{domain}.",
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
    elif pkg == "acme":
        out["accountKeyPem"] = f"-----BEGIN EC PRIVATE KEY-----\n{h}\n-----END EC PRIVATE KEY-----\n"
        out["certificateSerial"] = h[:32]
        out["certificateP12"] = hashlib.sha256(h.encode()).hexdigest() * 8  # stands in for base64 PKCS#12
        out["certificateDomain"] = inputs.get("commonName")
    elif pkg == "random":
        # random's charset rules: RandomString here is lower-case alphanumeric, RandomPassword alphanumeric.
        length = int(inputs.get("length") or 16)
        out["result"] = (h * 2)[:length]
    # Inputs win: a resource's own inputs are its truth; outputs only fill gaps.
    merged = {**out, **{k: v for k, v in inputs.items() if v is not None}}
    if typ == "azure-native:app:ContainerApp" and isinstance(inputs.get("configuration"), Mapping):
        # The app's stable FQDN lives inside configuration.ingress, next to what the user set.
        config = dict(inputs["configuration"])
        if isinstance(config.get("ingress"), Mapping):
            config["ingress"] = {**config["ingress"], "fqdn": f"{name}.{out['defaultDomain']}"}
        merged["configuration"] = config
    return merged


UNKNOWN_RESULT: Final = object()
"""What an invoke handler returns for a result that is not known offline (the engine's ``unknown`` reply)."""

ACCOUNT_ID = "123456789012"


@dataclass(frozen=True)
class Invoke:
    """One invoke as the mocks see it: token, arguments, and the region its provider (or config) sets."""

    token: str
    args: Mapping[str, Any]
    region: str | None
    config: Callable[[str], str | None]

    def digest(self, *parts: str) -> str:
        return _digest(self.token, json.dumps(self.args, sort_keys=True, default=str), *parts)


def _zones(call: Invoke) -> Any:
    # Zones of the provider's own region: us-west-2 -> us-west-2a/b/c, never us-east-1's.
    if not call.region:
        return UNKNOWN_RESULT
    names = [f"{call.region}{z}" for z in "abc"]
    short = "".join(part[0] if not part.isdigit() else part for part in call.region.split("-"))
    return {"names": names, "zoneIds": [f"{short}-az{i}" for i in (1, 2, 3)], "id": call.region, "state": "available"}


def _region(call: Invoke) -> Any:
    region = call.region
    if not region:
        return UNKNOWN_RESULT
    return {"name": region, "region": region, "id": region, "endpoint": f"ec2.{region}.amazonaws.com"}


def _policy_document(call: Invoke) -> Any:
    # The JSON a policy document renders to, from the statements given (what programs pass to roles).
    statements = []
    for st in call.args.get("statements") or []:
        doc: dict[str, Any] = {"Effect": st.get("effect", "Allow")}
        if st.get("sid"):
            doc["Sid"] = st["sid"]
        for key, out in (("actions", "Action"), ("resources", "Resource"), ("notActions", "NotAction")):
            if st.get(key):
                doc[out] = st[key]
        for principal in st.get("principals") or []:
            doc.setdefault("Principal", {})[principal.get("type", "AWS")] = principal.get("identifiers")
        statements.append(doc)
    rendered = json.dumps({"Version": "2012-10-17", "Statement": statements})
    return {"json": rendered, "minifiedJson": rendered, "id": call.digest()[:10]}


def _kubeconfig(call: Invoke, server: str) -> str:
    name = str(call.args.get("resourceName") or call.args.get("name") or "cluster")
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": name, "cluster": {"server": server, "certificate-authority-data": "LS0t"}}],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name}}],
        "current-context": name,
        "users": [{"name": name, "user": {"token": call.digest()[:32]}}],
    }
    return base64.b64encode(json.dumps(config).encode()).decode()


def _aks_credentials(call: Invoke) -> Any:
    name, region = call.args.get("resourceName", "aks"), call.region or "eastus"
    server = f"https://{name}-{call.digest()[:8]}.hcp.{region}.azmk8s.io"
    return {"kubeconfigs": [{"name": "clusterUser", "value": _kubeconfig(call, server)}]}


def _gcp_client_config(call: Invoke) -> Any:
    return {
        "project": call.config("gcp:project") or "demo-project",
        "region": call.config("gcp:region") or "",
        "zone": call.config("gcp:zone") or "",
        "accessToken": call.digest()[:40],
        "id": call.digest()[:10],
    }


def _engine_versions(call: Invoke) -> Any:
    version = "1.33.5-gke.1201000"
    return {
        "latestMasterVersion": version,
        "latestNodeVersion": version,
        "defaultClusterVersion": version,
        "validMasterVersions": [version],
        "validNodeVersions": [version],
        "releaseChannelDefaultVersion": {"REGULAR": version, "STABLE": version, "RAPID": version},
        "releaseChannelLatestVersion": {"REGULAR": version, "STABLE": version, "RAPID": version},
        "location": call.args.get("location") or call.region or "",
        "id": call.digest()[:10],
    }


def _cloudflare_zone(call: Invoke) -> Any:
    # By zoneId or by filter (a name, optionally in an account): the zone's id is `zoneId` (the data source's `id`
    # may be blank) and its account is `account`.
    query = dict(call.args.get("filter") or {})
    name = str(query.get("name") or "example.com")
    zone_id = str(call.args.get("zoneId") or _digest("cloudflare-zone", name)[:32])
    account = dict(query.get("account") or {}).get("id") or _digest("cloudflare-account", zone_id)[:32]
    return {"zoneId": zone_id, "name": name, "account": {"id": account, "name": "account"}}


InvokeHandler = Callable[[Invoke], Any]

INVOKE_RESULTS: Final[dict[str, InvokeHandler]] = {
    # AWS
    "aws:index/getAvailabilityZones:getAvailabilityZones": _zones,
    "aws:index/getRegion:getRegion": _region,
    "aws:index/getCallerIdentity:getCallerIdentity": lambda c: {
        "accountId": ACCOUNT_ID,
        "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/ci",
        "userId": "AIDA" + c.digest()[:16].upper(),
        "id": ACCOUNT_ID,
    },
    "aws:index/getPartition:getPartition": lambda c: {
        "partition": "aws",
        "dnsSuffix": "amazonaws.com",
        "reverseDnsPrefix": "com.amazonaws",
        "id": "aws",
    },
    "aws:ec2/getAmi:getAmi": lambda c: {
        "id": f"ami-{c.digest()[:17]}",
        "imageId": f"ami-{c.digest()[:17]}",
        "arn": f"arn:aws:ec2:{c.region or 'us-east-1'}::image/ami-{c.digest()[:17]}",
        "architecture": "x86_64",
        "name": "al2023-ami-2023.6.20250101.0-kernel-6.1-x86_64",
        "ownerId": ACCOUNT_ID,
        "rootDeviceName": "/dev/xvda",
        "virtualizationType": "hvm",
        "state": "available",
    },
    "aws:ec2/getVpc:getVpc": lambda c: {
        "id": f"vpc-{c.digest()[:17]}",
        "arn": f"arn:aws:ec2:{c.region or 'us-east-1'}:{ACCOUNT_ID}:vpc/vpc-{c.digest()[:17]}",
        "cidrBlock": "172.31.0.0/16",
        "default": bool(c.args.get("default")),
        "mainRouteTableId": f"rtb-{c.digest()[:17]}",
    },
    "aws:ec2/getSubnets:getSubnets": lambda c: {
        "ids": [f"subnet-{c.digest(str(i))[:17]}" for i in range(3)],
        "id": c.region or "subnets",
    },
    "aws:iam/getPolicyDocument:getPolicyDocument": _policy_document,
    "aws:route53/getZone:getZone": lambda c: {
        "zoneId": f"Z{_digest(str(c.args.get('name') or 'example.com'))[:12].upper()}",
        "name": str(c.args.get("name") or "example.com").rstrip("."),
        "id": f"Z{_digest(str(c.args.get('name') or 'example.com'))[:12].upper()}",
    },
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": lambda c: {
        "userName": "AWS",
        "password": c.digest()[:40],
        "authorizationToken": base64.b64encode(f"AWS:{c.digest()[:40]}".encode()).decode(),
        "proxyEndpoint": f"https://{ACCOUNT_ID}.dkr.ecr.{c.region or 'us-east-1'}.amazonaws.com",
        "id": c.region or "ecr",
    },
    # GCP
    "gcp:organizations/getClientConfig:getClientConfig": _gcp_client_config,
    "gcp:organizations/getProject:getProject": lambda c: {
        "projectId": c.args.get("projectId") or c.config("gcp:project") or "demo-project",
        "number": str(int(c.digest()[:10], 16))[:12],
        "name": c.args.get("projectId") or c.config("gcp:project") or "demo-project",
        "id": f"projects/{c.args.get('projectId') or c.config('gcp:project') or 'demo-project'}",
    },
    "gcp:container/getEngineVersions:getEngineVersions": _engine_versions,
    "gcp:compute/getZones:getZones": lambda c: (
        {"names": [f"{c.args.get('region') or c.region}-{z}" for z in "abc"], "id": c.digest()[:10]}
        if (c.args.get("region") or c.region)
        else UNKNOWN_RESULT
    ),
    # Azure (native)
    "azure-native:authorization:getClientConfig": lambda c: {
        "clientId": "00000000-0000-0000-0000-00000000c1d0",
        "objectId": "00000000-0000-0000-0000-0000000000b1",
        "subscriptionId": "00000000-0000-0000-0000-000000005ab5",
        "tenantId": "00000000-0000-0000-0000-00000000a7e7",
    },
    "azure-native:containerservice:listManagedClusterUserCredentials": _aks_credentials,
    "azure-native:containerservice:listManagedClusterAdminCredentials": _aks_credentials,
    "azure-native:web:listWebAppPublishingCredentials": lambda c: {
        "publishingUserName": f"${c.args.get('name', 'app')}",
        "publishingPassword": c.digest()[:40],
        "scmUri": f"https://{c.args.get('name', 'app')}.scm.azurewebsites.net",
    },
    "azure-native:storage:listStorageAccountKeys": lambda c: {
        "keys": [
            {"keyName": f"key{i}", "value": base64.b64encode(c.digest(str(i)).encode()).decode(), "permissions": "FULL"}
            for i in (1, 2)
        ]
    },
    "azure-native:storage:listStorageAccountServiceSAS": lambda c: {
        "serviceSasToken": f"sv=2022-11-02&sig={c.digest()[:24]}"
    },
    "azure-native:containerregistry:listRegistryCredentials": lambda c: {
        "username": str(c.args.get("registryName") or "registry"),
        "passwords": [{"name": f"password{n}", "value": c.digest(n)[:32]} for n in ("", "2")],
    },
    "azure-native:operationalinsights:getSharedKeys": lambda c: {
        "primarySharedKey": _digest("shared-key", str(c.args.get("workspaceName")))[:44],
        "secondarySharedKey": _digest("shared-key-2", str(c.args.get("workspaceName")))[:44],
    },
    "azure-native:app:getCustomDomainVerificationId": lambda c: {"value": _digest("subscription").upper()[:64]},
    # Cloudflare
    "cloudflare:index/getZone:getZone": _cloudflare_zone,
}
"""Typed plausible results of the data sources programs commonly call, by token (see ``docs/ci.md``)."""

# Where each package's invokes and resources take their region from: the provider's own input.
_REGION_INPUT: Final = {"aws": "region", "gcp": "region", "azure-native": "location", "azure": "location"}


class PlausibleMocks(pulumi_mocks.Mocks):
    """Mocks whose resources echo their inputs plus plausible provider outputs.

    ``preview=True``: invokes without a plausible result are unknown (``UNKNOWN_RESULT``) and
    their tokens are kept in ``unanswered``; ``preview=False`` echoes their arguments.
    """

    def __init__(self, *, preview: bool = False) -> None:
        self.preview = preview
        self.unanswered: list[str] = []
        """Tokens of invokes answered as unknown, in call order (a failing program may have needed one)."""
        self.providers: Mapping[str, RecordedResource] = {}
        """Explicit provider resources by URN, filled by the monitor: where an invoke or resource runs."""

    def provider_region(self, package: str, provider_ref: str | None) -> str | None:
        """The region of ``package``'s provider: the explicit provider's input, else the stack's default."""
        key = _REGION_INPUT.get(package)
        if key is None:
            return None
        if provider_ref:
            provider = self.providers.get(provider_ref.rsplit("::", 1)[0])
            if provider is not None and not provider.name.startswith("default"):
                # An explicit provider never reads the stack's <package>:region (only environment variables).
                value = provider.inputs.get(key)
                return value if isinstance(value, str) and value else None
        return pulumi.runtime.get_config(f"{package}:{key}") or None

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if not args.custom:
            return None, {}
        rid = args.resource_id or f"{args.name}-{_digest(args.typ, args.name)[:8]}"
        region = self.provider_region(args.typ.split(":", 1)[0], args.provider)
        return rid, plausible_outputs(args.typ, args.name, args.inputs, region)

    def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[Any, list[tuple[str, str]]]:
        """``(result, failures)``; in preview mode ``result`` may be ``UNKNOWN_RESULT``."""
        package = args.token.split(":", 1)[0]
        own_region = args.args.get("region") or args.args.get("location")
        region = own_region if isinstance(own_region, str) and own_region else None
        call = Invoke(
            args.token,
            dict(args.args),
            region or self.provider_region(package, args.provider),
            lambda key: pulumi.runtime.get_config(key),
        )
        handler = INVOKE_RESULTS.get(args.token)
        result = handler(call) if handler is not None else UNKNOWN_RESULT
        if result is UNKNOWN_RESULT:
            if not self.preview:
                return dict(args.args), []
            self.unanswered.append(args.token)
        return result, []


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A mock monitor that also keeps parent, provider and component outputs."""

    def __init__(self, mocks: pulumi_mocks.Mocks) -> None:
        super().__init__(mocks)
        self.recorded: dict[str, RecordedResource] = {}
        self.stack_outputs: dict[str, Any] = {}
        """What the program exported (the root stack resource's outputs)."""
        self.thread_loops: dict[int, asyncio.AbstractEventLoop] = {}
        """The event loop of each worker thread that served a call (closed by ``run_program``)."""
        if isinstance(mocks, PlausibleMocks):
            mocks.providers = self.recorded

    def _note_thread_loop(self) -> None:
        # The SDK's MockMonitor makes an event loop per worker thread (_ensure_event_loop) and never
        # closes it; run_program closes them once the run is over (see _closed_loops).
        with contextlib.suppress(RuntimeError):
            loop = asyncio.get_event_loop_policy().get_event_loop()
            self.thread_loops.setdefault(id(loop), loop)

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

    def Invoke(self, request: Any) -> Any:
        try:
            mocks = self.mocks
            if isinstance(mocks, PlausibleMocks) and mocks.preview:
                args = rpc.deserialize_properties(request.args)
                result, _ = mocks.call(pulumi_mocks.MockCallArgs(request.tok, args, request.provider))
                if result is UNKNOWN_RESULT:
                    # The engine's reply for a result it cannot know yet: the SDK makes it an unknown output.
                    return resource_pb2.ResourceInvokeResponse(unknown=True)
                ret = _sync_await(rpc.serialize_properties(result, {}))
                return resource_pb2.ResourceInvokeResponse(**{"return": ret})
            return super().Invoke(request)  # type: ignore[no-untyped-call]
        finally:
            self._note_thread_loop()

    def ReadResource(self, request: Any) -> Any:
        try:
            return super().ReadResource(request)  # type: ignore[no-untyped-call]
        finally:
            self._note_thread_loop()

    def RegisterResource(self, request: Any) -> Any:
        try:
            return self._register(request)
        finally:
            self._note_thread_loop()

    def _register(self, request: Any) -> Any:
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
            remote=bool(request.remote),
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
        try:
            if request.urn in self.recorded:
                self.recorded[request.urn].outputs = _sync_await(_deserialize(request.outputs))
            return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]
        finally:
            self._note_thread_loop()


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
    monitor = monitor or RecordingMonitor(mocks or PlausibleMocks(preview=preview))

    def body() -> None:
        program()

    with _run_loop(monitor):
        pulumi.runtime.set_mocks(monitor.mocks, project=project, stack=stack, preview=preview, monitor=monitor)
        _sync_await(run_pulumi_func(body))
        root = pulumi_settings.ROOT.get()
        exports = getattr(root, "outputs", None)
        if exports:
            # Under mocks the root stack registered its (empty) outputs before the program ran; read the exports here.
            monitor.stack_outputs = _sync_await(_resolve(dict(exports)))
    return list(monitor.recorded.values())


@contextlib.contextmanager
def _run_loop(monitor: RecordingMonitor) -> Iterator[None]:
    """A fresh event loop for one run, closed afterwards with every loop the run's worker threads made.

    The SDK's mock monitor runs in the loop's worker threads and gives each an event loop it
    never closes. A failed program leaves them in reference cycles (exception -> traceback ->
    frame -> loop); the garbage collector then finalises a loop's self-pipe socket and the loop
    in no fixed order, and when the socket goes first the loop's ``__del__`` prints
    "Exception ignored in BaseEventLoop.__del__ ... ValueError: Invalid file descriptor: -1".
    Closing them here, threads joined first, leaves nothing for ``__del__`` to do.
    """
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        yield
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_default_executor())
        for thread_loop in monitor.thread_loops.values():
            if thread_loop is not loop and not thread_loop.is_running():
                thread_loop.close()
        loop.close()
        asyncio.set_event_loop(None)


async def _resolve(exports: dict[str, Any]) -> dict[str, Any]:
    resolved = await pulumi.Output.from_input(exports).future()
    return dict(resolved or {})
