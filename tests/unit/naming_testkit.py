"""Mocks that autoname like the real providers, and the physical names a recorded program gave its resources.

``PlausibleMocks`` echoes inputs, so a resource left unnamed never gets a name anyone checks. Here each
unnamed resource is named the way its provider names it (``failoverkit.catalog``'s ``Autoname`` rows:
the logical name, a separator and random hex), and a name the provider itself refuses (the Terraform
bridge's "plus 7 random chars is longer than maximum length") is recorded as a refusal, as a real preview
would fail. A type with neither a catalogue row nor a place in ``NO_PHYSICAL_NAME`` is refused: a new child
resource must say how it is named before any test can pass with it.

Example::

    mocks = AutonamingMocks()
    resources = run_program(program, project="failoverkit", stack="test", mocks=mocks)
    assert not mocks.refusals
    assert not [n for n in physical_names(resources) if n.problem]
"""

from __future__ import annotations

import fnmatch
import importlib
import inspect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from failoverkit.catalog import NameRule, dns, rules_for, stable_hash
from failoverkit.check.mocks import PlausibleMocks, RecordedResource
from pulumi.runtime import mocks as pulumi_mocks

NO_PHYSICAL_NAME: dict[str, str] = {
    # Named by the cloud with a generated ID; a `Name` tag, where the kit sets one, is free-form.
    "aws:acm/certificate:Certificate": "identified by its ARN; domainName is the domain it covers, not a name",
    "aws:acm/certificateValidation:CertificateValidation": "a wait for the certificate, no AWS object of its own",
    "aws:appautoscaling/target:Target": "identified by service namespace, resource ID and scalable dimension",
    "aws:ec2/eip:Eip": "allocation ID (eipalloc-...)",
    "aws:ec2/internetGateway:InternetGateway": "ID (igw-...)",
    "aws:ec2/natGateway:NatGateway": "ID (nat-...)",
    "aws:ec2/routeTable:RouteTable": "ID (rtb-...)",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "ID (rtbassoc-...)",
    "aws:ec2/subnet:Subnet": "ID (subnet-...)",
    "aws:ec2/vpc:Vpc": "ID (vpc-...)",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "the pair (role, policy ARN), no name of its own",
    "aws:lb/listener:Listener": "identified by its ARN; its *HeaderName inputs name HTTP headers the ALB adds",
    "aws:route53/healthCheck:HealthCheck": "ID (a UUID); referenceName (a caller-reference prefix) and "
    "cloudwatchAlarmName (an existing alarm) are not its name, and the kit sets neither",
    "gcp:cloudrunv2/serviceIamMember:ServiceIamMember": "a binding on the service; `name` names the service",
    "gcp:projects/service:Service": "`service` is the API to enable (run.googleapis.com), not a name chosen",
    "cloudflare:index/loadBalancerMonitor:LoadBalancerMonitor": "ID (32 hex); no name input",
    # Cloudflare API, alerting/v3/policies: the policy is keyed by its ID; its name is free text (the API's own
    # examples have spaces) with no documented limit.
    "cloudflare:index/notificationPolicy:NotificationPolicy": "ID (32 hex); its `name` is a display label",
    "cloudflare:index/zoneSetting:ZoneSetting": "a setting (setting_id `ssl`) of an existing zone",
    "acme:index/registration:Registration": "an ACME account, identified by the CA by its key",
    "acme:index/certificate:Certificate": "identified by its serial; commonName is the hostname it covers",
    "random:index/randomPassword:RandomPassword": "a value in state only, nothing in any cloud",
    "random:index/randomString:RandomString": "a value in state only, nothing in any cloud",
}
"""Types the kit creates that take no physical name a cloud could refuse, and why; the reason names each of
the type's name-like inputs (``name_like_inputs``) and says what it is instead. Everything else the kit
creates has rows in ``failoverkit.catalog``."""


class UnknownResourceType(AssertionError):
    """The program created a type the naming tests know nothing about: add a catalogue row or a
    ``NO_PHYSICAL_NAME`` entry."""


class AutonamingMocks(PlausibleMocks):
    """PlausibleMocks whose unnamed resources get their provider's autoname (and refusals are kept)."""

    def __init__(self) -> None:
        super().__init__()
        self.refusals: list[str] = []
        """``<type> <logical name>: <the provider's error>`` for every autoname the provider would refuse."""
        self.unknown_types: list[str] = []
        """Types neither catalogued nor in ``NO_PHYSICAL_NAME`` (each also fails its registration)."""

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        rules = rules_for(args.typ)
        named_elsewhere = not args.custom or args.typ.startswith("pulumi:providers:")  # components, providers
        if not rules and not named_elsewhere and args.typ not in NO_PHYSICAL_NAME:
            self.unknown_types.append(args.typ)
            raise UnknownResourceType(
                f"{args.typ} ({args.name}) has no row in failoverkit.catalog and is not in NO_PHYSICAL_NAME: "
                "say how the cloud names it"
            )
        rid, outputs = super().new_resource(args)
        for rule in rules:
            auto = rule.autoname
            given = args.inputs.get(rule.prop)
            if given:
                outputs[rule.prop] = outputs["name"] = given  # azure-native also outputs it as `name`
                continue
            if auto is None:
                continue
            if err := auto.refusal(args.name):
                self.refusals.append(f"{args.typ} {args.name}: {err}")
                continue
            autoname = auto.name(args.name, stable_hash(args.typ, args.name)[: auto.random_chars])
            outputs[rule.prop] = autoname
            outputs["name"] = autoname
        return rid, outputs


@dataclass(frozen=True)
class PhysicalName:
    """The name a recorded resource has in its cloud, and what its rule says of it."""

    resource: str
    """``<type> <logical name>``."""
    rule: NameRule
    name: str

    @property
    def problem(self) -> str | None:
        return self.rule.problem(self.name)


def physical_names(resources: Iterable[RecordedResource]) -> list[PhysicalName]:
    """Every catalogued name of every recorded custom resource (inputs first, then the autoname in its state)."""
    out: list[PhysicalName] = []
    for r in resources:
        if not r.custom:
            continue
        for rule in rules_for(r.type):
            value = r.inputs.get(rule.prop) or r.outputs.get(rule.prop)
            if not isinstance(value, str):
                continue  # an output not known under mocks (e.g. a validation record's name): checked elsewhere
            if rule is dns.RECORD_NAME:
                value = value.rstrip(".")
                if r.type == "azure-native:dns:RecordSet":
                    zone = str(r.inputs.get("zoneName", ""))
                    value = zone if value == "@" else f"{value}.{zone}"
            out.append(PhysicalName(f"{r.type} {r.name}", rule, value))
    return out


_SDKS = {
    "aws": "pulumi_aws",
    "gcp": "pulumi_gcp",
    "azure-native": "pulumi_azure_native",
    "cloudflare": "pulumi_cloudflare",
    "random": "pulumi_random",
    "acme": "pulumiverse_acme",
}


def name_like_inputs(type_: str) -> list[str]:
    """The inputs of ``type_``'s SDK class that look like names (``name``, ``*Name``), camelCased.

    pulumi-aws and pulumi-gcp autoname a ``name`` input; azure-native autonames the ``<thing>Name`` one. So
    a type with none of these takes no name from the program, and one with any may take a physical name.
    """
    package, module, cls = type_.split(":")
    module = module.split("/")[0]
    sdk = importlib.import_module(_SDKS[package] + ("" if module == "index" else f".{module}"))
    params = inspect.signature(getattr(sdk, cls)._internal_init).parameters
    snake = [p for p in params if p == "name" or (p.endswith("_name") and p != "resource_name")]
    return sorted(re.sub(r"_([a-z])", lambda m: m.group(1).upper(), p) for p in snake)


def unexplained_inputs(type_: str) -> list[str]:
    """The name-like inputs of a ``NO_PHYSICAL_NAME`` type that its reason does not mention."""
    words = re.findall(r"[\w*]+", NO_PHYSICAL_NAME[type_])
    return [i for i in name_like_inputs(type_) if not any(fnmatch.fnmatchcase(i, w) for w in words)]
