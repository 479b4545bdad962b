"""Validated user intent: stack config (or Python args) in, a frozen FailoverSpec out.

Everything here is pure: no Pulumi resources, no I/O. ``parse_spec`` collects
every problem before raising one ``ConfigError`` so a user fixes their config in
one pass. Keys are accepted in the stack config's camelCase (``healthPath``) or
in Python's snake_case (``health_path``); messages name the spelling the user
wrote.

Example::

    spec = parse_spec({
        "app": {"name": "shop", "image": "ghcr.io/acme/shop:1.4.2"},
        "hostname": "shop.example.com",
        "targets": [{"cloud": "aws", "region": "us-east-1"},
                    {"cloud": "gcp", "region": "us-central1"}],
        "dns": {"provider": "route53", "zone": "example.com"},
    })
    spec.primary.key  # "aws-us-east-1"
"""

# No ``from __future__ import annotations`` here: the TypedDicts below are read at run time by Pulumi's
# schema analyzer (``pulumi package add``), which needs real types, not strings.

import fnmatch
import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any, Required, TypedDict

from failoverkit import budget, catalog
from failoverkit.errors import ConfigError


class Cloud(StrEnum):
    """A cloud a target runs in."""

    AWS = "aws"
    GCP = "gcp"
    AZURE = "azure"


class Criticality(StrEnum):
    """How the policy pack treats the workload: critical ones must span providers and regions."""

    CRITICAL = "critical"
    STANDARD = "standard"


class DnsProvider(StrEnum):
    """Who answers for the shared hostname and runs the health checks."""

    ROUTE53 = "route53"
    TRAFFIC_MANAGER = "traffic-manager"
    CLOUDFLARE = "cloudflare"
    CLOUD_DNS = "cloud-dns"
    LOCAL = "local"


class DrillFaultKind(StrEnum):
    """A fault ``drillFaults`` puts in effect on a target through a normal ``up`` (docs/components.md, "Drill
    faults"); removing it and running ``up`` again lifts it."""

    UNHEALTHY = "unhealthy"
    """The target's health path answers 503 to outside checkers while every other path keeps serving."""
    DOWN = "down"
    """The target serves nothing."""
    CRASH = "crash"
    """Local targets only: the process is killed (SIGKILL, no graceful stop) and stays dead."""
    HANG = "hang"
    """Local targets only: the process is frozen (SIGSTOP): it accepts TCP and never answers."""
    SLOW = "slow"
    """Local targets only: the health path answers 200 only after the health checks' timeout."""


LOCAL_ONLY_FAULTS = (DrillFaultKind.CRASH, DrillFaultKind.HANG, DrillFaultKind.SLOW)
"""The kinds only simulated (local) targets take: they act on the target's own process or demo app."""

DRILL_ONLY_FAULTS = ("flapping",)
"""``failoverkit drill --fault`` kinds that are never configuration: flapping alternates health for the drill's
length, which a setting held in effect between two ``up``s cannot express."""


# --- inputs (what users pass; TypedDicts so `pulumi package add` languages can pass dicts) ---
# Keys are snake_case here; the schema for other languages spells them in camelCase (``healthPath``), and
# parse_spec accepts both. ``Required`` marks what parse_spec refuses to go without; the rest have defaults.


class AppArgs(TypedDict, total=False):
    """The containerised app every target runs."""

    name: Required[str]
    """Workload name: lowercase letters, digits and '-', at most 32 characters (azure targets: at least 2). Required."""
    image: str
    """Container image for cloud targets, e.g. ``ghcr.io/acme/shop:1.4.2``. Required for cloud targets."""
    command: Sequence[str]
    """Command a simulated (local) target runs. Default: the bundled demo app."""
    port: int
    """Port the container listens on. Default: 8080."""
    health_path: str
    """HTTP path answering 200 when the app is healthy. Default: ``/health``."""
    criticality: str
    """``critical`` or ``standard``. Default: ``critical`` (the policy pack applies)."""


class TargetArgs(TypedDict, total=False):
    """One place the app runs: a cloud and region (or a simulated one on loopback)."""

    cloud: Required[str]
    """``aws``, ``gcp`` or ``azure``. Required."""
    region: Required[str]
    """The cloud's region name, e.g. ``us-east-1``, ``europe-west1``, ``westeurope``. Required."""
    simulated: bool
    """Run as a local process on loopback instead of in the cloud (the ``local`` stack). Default: false."""
    address: str
    """Loopback address of a simulated target. Default: ``127.0.10.<n>`` for the n-th target."""
    vpc_id: str
    """AWS only: deploy into this existing VPC instead of creating one."""
    subnet_ids: Sequence[str]
    """AWS only, with ``vpc_id``: public subnets (at least two AZs) for the load balancer and tasks."""
    image: str
    """GCP only: the image this target's Cloud Run service runs instead of ``app.image``, e.g. its copy in Artifact
    Registry (``us-central1-docker.pkg.dev/<project>/<repo>/shop:1.4.2``). Default: ``app.image``."""
    invoker_iam_disabled: bool
    """GCP only: true (default) makes the Cloud Run service public by turning its invoker IAM check off, which
    works under domain-restricted sharing; false grants ``roles/run.invoker`` to ``allUsers`` instead."""
    enable_apis: bool
    """GCP only: true (default) enables the project APIs the kit uses (``gcp.projects.Service``, left enabled on
    destroy); false when they are enabled for you. Every gcp target of a stack must agree."""
    task_subnets: str
    """AWS only, without ``vpc_id``: ``private`` (tasks behind one NAT gateway per AZ) or ``public`` (tasks with
    public IPs, no NAT gateways; the task security group still admits only the load balancer). Default:
    ``private`` for critical apps, ``public`` for standard ones."""
    registry_credentials_arn: str
    """AWS only: ARN of a Secrets Manager secret ``{"username": ..., "password": ...}`` for a private registry
    (e.g. ghcr.io); the task execution role may read it. Default: none (public images and ECR)."""
    allow_unknown_region: bool
    """Accept a region missing from the kit's catalogue (failoverkit/catalog/), e.g. one newer than it.
    Default: false (an unknown region is refused, with the closest known name)."""


class HealthCheckArgs(TypedDict, total=False):
    """How the DNS provider probes each target's health path."""

    interval_seconds: float
    """Seconds between checks. Default: the DNS provider's standard interval (30 s; cloudflare 60 s; local 1 s)."""
    failure_threshold: int
    """Consecutive failures before an endpoint is unhealthy. Default: route53 3, traffic-manager 4 (3 tolerated
    failures), cloudflare 2, cloud-dns 2, local 2."""
    timeout_seconds: float
    """Seconds a check waits for an answer. Default: route53 fixed 6 (4 connect + 2 reply); traffic-manager 9 at a
    10 s interval, else 10; cloudflare 5; cloud-dns 5; local 0.5."""
    recovery_threshold: int
    """Consecutive successes before an unhealthy endpoint is healthy again. Default: as failure_threshold
    (traffic-manager has none: one good probe restores an endpoint, so only 1 is accepted)."""


class DnsArgs(TypedDict, total=False):
    """Health-checked failover DNS in front of the targets."""

    provider: Required[str]
    """``route53``, ``traffic-manager``, ``cloudflare``, ``cloud-dns`` or ``local``. Required."""
    zone: Required[str]
    """The DNS zone that holds ``hostname``, e.g. ``example.com``. Required."""
    ttl: int
    """TTL in seconds of the failover record. Default: 30 (local: 1)."""
    health_check: HealthCheckArgs
    """Health-check knobs; see HealthCheckArgs."""
    secondary: str
    """A second authoritative DNS provider that publishes the same failover. Default: none."""
    zone_id: str
    """The zone's id at ``provider`` (not the secondary, which looks its zone up by name). route53: hosted zone id
    (default: looked up by ``zone``); cloudflare: zone id (default: looked up by ``zone``); traffic-manager: set it
    (a Route 53 hosted zone id) when the zone lives in Route 53 rather than Azure DNS."""
    account_id: str
    """cloudflare: account that owns the zone, monitors and pools. Default: read from the zone (``zone_id``); set
    it instead of ``zone_id`` to find the zone by name in this account (giving both is refused)."""
    plan: str
    """cloudflare: the zone's plan, ``pro``, ``business`` or ``enterprise``; sets the monitor's minimum interval
    (60, 15, 10 s). Default: ``pro``."""
    alert_emails: Sequence[str]
    """cloudflare: email addresses notified when a pool or origin changes health. Default: none."""
    alert_webhook_ids: Sequence[str]
    """cloudflare: notification webhook destination ids notified when a pool or origin changes health."""
    resource_group: str
    """traffic-manager: resource group of the profile and of the Azure DNS zone."""
    managed_zone: str
    """cloud-dns: name of the managed zone that holds ``zone``."""
    proxied: bool
    """cloudflare: serve through Cloudflare's proxy. Default: false (DNS-only, TTL honoured)."""
    listen: str
    """local: ``address:port`` of the loopback DNS server. Default: ``127.0.53.1:10053``."""


class DrillFaultArgs(TypedDict, total=False):
    """A fault in effect on one target (``failoverkit drill`` sets and clears these)."""

    target: Required[str]
    """The target's key, ``<cloud>-<region>``, e.g. ``aws-us-east-1``. Required."""
    fault: Required[str]
    """``unhealthy`` (the health path answers 503; not on azure) or ``down`` (serves nothing); on local targets
    also ``crash`` (the process killed), ``hang`` (frozen) or ``slow`` (health answers late). Required."""


class FailoverAppArgs(TypedDict, total=False):
    """Inputs of FailoverApp: one app, two or more targets, and the failover DNS in front of them."""

    app: Required[AppArgs]
    """The containerised app. Required."""
    hostname: Required[str]
    """The shared hostname users reach, inside ``dns.zone``. Required."""
    targets: Required[Sequence[TargetArgs]]
    """Ordered targets: the first is the primary, the rest standbys in order. At least two."""
    dns: Required[DnsArgs]
    """Failover DNS in front of the targets. Required."""
    rto_seconds: int
    """Recovery-time objective: the worst-case failover budget must not exceed it. Default: 300."""
    drill_faults: Sequence[DrillFaultArgs]
    """Faults in effect, at most one per target and never on every target (see docs/components.md, "Drill
    faults"). Default: none."""


# --- validated intent ---


@dataclass(frozen=True)
class AppSpec:
    name: str
    image: str | None
    command: tuple[str, ...] | None
    port: int
    health_path: str
    criticality: Criticality

    @property
    def is_critical(self) -> bool:
        return self.criticality is Criticality.CRITICAL


@dataclass(frozen=True)
class Target:
    cloud: Cloud
    region: str
    priority: int
    """0 for the primary, 1.. for standbys in order."""
    simulated: bool = False
    address: str | None = None
    vpc_id: str | None = None
    subnet_ids: tuple[str, ...] = ()
    image: str | None = None
    """GCP only: the image to run instead of ``app.image``."""
    invoker_iam_disabled: bool = True
    """GCP only: public through a disabled invoker IAM check (True) or an ``allUsers`` invoker binding (False)."""
    enable_apis: bool = True
    """GCP only: enable the project's APIs as ``gcp.projects.Service`` resources."""
    task_subnets: str | None = None
    """AWS only: ``private`` or ``public``; None picks by criticality (see clouds/aws.py ``public_tasks``)."""
    registry_credentials_arn: str | None = None
    """AWS only: Secrets Manager secret with the image registry's credentials."""
    allow_unknown_region: bool = False
    """The user vouches for a region the catalogue lacks."""

    @property
    def key(self) -> str:
        """Stable name fragment for child resources, e.g. ``aws-us-east-1``. A public contract."""
        return f"{self.cloud.value}-{self.region}"

    @property
    def placement(self) -> str:
        return f"{self.cloud.value}/{self.region}"


@dataclass(frozen=True)
class DnsSpec:
    provider: DnsProvider
    zone: str
    ttl_seconds: int
    health_check: budget.HealthCheck
    secondary: DnsProvider | None = None
    zone_id: str | None = None
    account_id: str | None = None
    resource_group: str | None = None
    managed_zone: str | None = None
    proxied: bool = False
    plan: str | None = None
    alert_emails: tuple[str, ...] = ()
    alert_webhook_ids: tuple[str, ...] = ()
    listen_address: str = "127.0.53.1"
    listen_port: int = 10053


@dataclass(frozen=True)
class DrillFault:
    """A fault in effect on the target whose key is ``target`` (a contract: ``failoverkit drill`` injects these)."""

    target: str
    """The target's key, e.g. ``aws-us-east-1``."""
    fault: DrillFaultKind

    def to_output(self) -> dict[str, str]:
        """As the ``drillFaults`` output lists it: ``{"target": ..., "fault": ...}``."""
        return {"target": self.target, "fault": self.fault.value}


@dataclass(frozen=True)
class FailoverSpec:
    app: AppSpec
    hostname: str
    targets: tuple[Target, ...]
    dns: DnsSpec
    rto_seconds: int
    drill_faults: tuple[DrillFault, ...] = ()
    """In the order given; at most one per target, never every target."""

    def fault_of(self, target: Target) -> DrillFaultKind | None:
        """The drill fault in effect on ``target``, or None."""
        return next((f.fault for f in self.drill_faults if f.target == target.key), None)

    @property
    def primary(self) -> Target:
        return self.targets[0]

    @property
    def simulated(self) -> bool:
        return self.targets[0].simulated

    @property
    def providers(self) -> list[str]:
        """``dns.provider`` then ``dns.secondary``, as the budget models name them."""
        return [self.dns.provider.value] + ([self.dns.secondary.value] if self.dns.secondary else [])

    @property
    def failback_budget(self) -> budget.Budget:
        """The worst-case failback budget (the target healthy again until resolvers serve it), from the same models."""
        return budget.worst_failback_budget(
            self.providers, self.dns.health_check, self.dns.ttl_seconds, proxied=self.dns.proxied
        )

    # Defined last: inside the class body the name ``budget`` is this property from here on, not the module.
    @property
    def budget(self) -> budget.Budget:
        """The worst-case failover budget; with dns.secondary, the larger of the two providers' budgets."""
        return budget.worst_budget(
            self.providers, self.dns.health_check, self.dns.ttl_seconds, proxied=self.dns.proxied
        )


# --- parsing ---

NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
IMAGE_RE = re.compile(r"^[a-z0-9]+([._/:@-][A-Za-z0-9_.-]+)*$")
REGION_RE = {
    Cloud.AWS: (re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$"), "like us-east-1"),
    Cloud.GCP: (re.compile(r"^[a-z]+-[a-z]+\d+$"), "like us-central1 or europe-west1"),
    Cloud.AZURE: (re.compile(r"^[a-z]+[a-z0-9]*$"), "like westeurope or eastus2"),
}
VPC_ID_RE = re.compile(r"^vpc-[0-9a-f]{8,17}$")
SUBNET_ID_RE = re.compile(r"^subnet-[0-9a-f]{8,17}$")
TASK_SUBNETS = ("private", "public")
SECRET_ARN_RE = re.compile(r"^arn:aws(-cn|-us-gov)?:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$")
DEFAULT_PORT = 8080
DEFAULT_HEALTH_PATH = "/health"
DEFAULT_RTO_SECONDS = 300
DEFAULT_LOCAL_LISTEN = "127.0.53.1:10053"
DNS_NAME_MAX = 253
APP_NAME_MAX = 32
"""Every child name fits every cloud in every catalogued region up to here (explicit short names where an
autoname would not); the binding limit is Azure's container app, which is the app's name itself (2-32)."""


def default_ttl_seconds(provider: DnsProvider) -> int:
    """30 s on the clouds (Route 53's and Traffic Manager's usual failover TTL); 1 s for the local demo."""
    return 1 if provider is DnsProvider.LOCAL else 30


def default_target_address(priority: int) -> str:
    """Simulated targets get one loopback address each: 127.0.10.1, 127.0.10.2, ..."""
    return f"127.0.10.{priority + 1}"


class _Reader:
    """Reads one mapping, tolerating camelCase or snake_case keys, and collects problems."""

    def __init__(self, data: Mapping[str, Any], path: str, problems: list[str]) -> None:
        self.data = data
        self.path = path
        self.problems = problems

    def key(self, snake: str) -> str:
        camel = re.sub(r"_([a-z])", lambda m: m.group(1).upper(), snake)
        name = snake if snake in self.data else camel
        return f"{self.path}.{name}" if self.path else name

    def get(self, snake: str) -> Any:
        camel = re.sub(r"_([a-z])", lambda m: m.group(1).upper(), snake)
        return self.data.get(snake, self.data.get(camel))

    def problem(self, snake: str, message: str) -> None:
        self.problems.append(f"{self.key(snake)}: {message}")

    def unknown_keys(self, allowed: set[str]) -> None:
        camel = {re.sub(r"_([a-z])", lambda m: m.group(1).upper(), k) for k in allowed}
        for k in self.data:
            if k not in allowed and k not in camel:
                where = f"{self.path}.{k}" if self.path else k
                known = ", ".join(sorted(camel))
                self.problems.append(f"{where}: unknown key; allowed keys are {known}")

    def string(self, snake: str, *, required: bool = False, default: str | None = None) -> str | None:
        value = self.get(snake)
        if value is None:
            if required:
                self.problem(snake, "is required")
            return default
        if not isinstance(value, str) or not value:
            self.problem(snake, f"must be a non-empty string, got {value!r}")
            return default
        return value

    def number(self, snake: str, default: float | None, *, integer: bool = True) -> float | None:
        value = self.get(snake)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            kind = "a whole number" if integer else "a number"
            self.problem(snake, f"must be {kind}, got {value!r}")
            return default
        if integer and value != int(value):
            self.problem(snake, f"must be a whole number, got {value!r}")
            return default
        return value

    def strings(self, snake: str) -> tuple[str, ...]:
        value = self.get(snake)
        if value is None:
            return ()
        if isinstance(value, str) or not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
            self.problem(snake, f"must be a list of strings, got {value!r}")
            return ()
        return tuple(value)

    def boolean(self, snake: str, default: bool) -> bool:
        value = self.get(snake)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(snake, f"must be true or false, got {value!r}")
            return default
        return value

    def mapping(self, snake: str, *, required: bool = False) -> "_Reader":
        value = self.get(snake)
        if value is None:
            if required:
                self.problem(snake, "is required")
            value = {}
        elif not isinstance(value, Mapping):
            self.problem(snake, f"must be a mapping, got {value!r}")
            value = {}
        return _Reader(value, self.key(snake), self.problems)

    def choice(self, snake: str, enum: type[Enum], *, required: bool = False, default: Any = None) -> Any:
        value = self.get(snake)
        if value is None:
            if required:
                allowed = " | ".join(str(e.value) for e in enum)
                self.problem(snake, f"is required; allowed: {allowed}")
            return default
        try:
            return enum(value)
        except ValueError:
            allowed = " | ".join(str(e.value) for e in enum)
            self.problem(snake, f"must be one of {allowed}, got {value!r}")
            return default


def _is_dns_name(name: str) -> bool:
    labels = name.rstrip(".").split(".")
    return len(name) <= DNS_NAME_MAX and len(labels) >= 2 and all(LABEL_RE.match(lbl) for lbl in labels)


def _parse_app(r: _Reader) -> AppSpec:
    r.unknown_keys({"name", "image", "command", "port", "health_path", "criticality"})
    name = r.string("name", required=True) or "app"
    if r.get("name") is not None and not (NAME_RE.match(name) and len(name) <= APP_NAME_MAX):
        r.problem(
            "name",
            f"must be 1-{APP_NAME_MAX} characters of a-z, 0-9 and '-', not starting or ending with '-' (an azure "
            f"target's container app takes the name as it is, 2-32 characters), got {name!r}",
        )
    image = r.string("image")
    if image is not None and not IMAGE_RE.match(image):
        r.problem("image", f"must be a container image reference like ghcr.io/acme/shop:1.4.2, got {image!r}")
    command = r.get("command")
    if command is not None and (
        isinstance(command, str)
        or not isinstance(command, Sequence)
        or not command
        or not all(isinstance(c, str) and c for c in command)
    ):
        r.problem("command", f"must be a non-empty list of strings, got {command!r}")
        command = None
    port_value = r.number("port", DEFAULT_PORT)
    port = int(port_value if port_value is not None else DEFAULT_PORT)  # 0 is a mistake to report, not a default
    if not 1 <= port <= 65535:
        r.problem("port", f"must be between 1 and 65535, got {port}")
    health_path = r.string("health_path", default=DEFAULT_HEALTH_PATH) or DEFAULT_HEALTH_PATH
    if not health_path.startswith("/") or any(c.isspace() for c in health_path):
        r.problem("health_path", f"must be an absolute URL path like /health, got {health_path!r}")
    criticality = r.choice("criticality", Criticality, default=Criticality.CRITICAL)
    return AppSpec(name, image, tuple(command) if command else None, port, health_path, criticality)


def _parse_target(r: _Reader, priority: int) -> Target | None:
    r.unknown_keys(
        {
            "cloud", "region", "simulated", "address", "vpc_id", "subnet_ids", "certificate_binding",
            "task_subnets", "registry_credentials_arn", *GCP_TARGET_KEYS, "allow_unknown_region",
        }
    )  # fmt: skip
    cloud = r.choice("cloud", Cloud, required=True)
    region = r.string("region", required=True)
    simulated = r.boolean("simulated", False)
    if cloud is None or region is None:
        return None
    pattern, example = REGION_RE[cloud]
    if not pattern.match(region):
        close = catalog.suggest(region, catalog.REGIONS[cloud.value])
        hint = f" (did you mean {close!r}?)" if close else ""
        r.problem("region", f"is not a {cloud.value} region name ({example}), got {region!r}{hint}")
    address = r.string("address")
    if address is not None:
        if not simulated:
            r.problem("address", "applies only to simulated targets (simulated: true)")
        elif not _is_loopback(address):
            r.problem("address", f"must be an IPv4 loopback address in 127.0.0.0/8, got {address!r}")
    elif simulated:
        address = default_target_address(priority)
    vpc_id = r.string("vpc_id")
    subnet_ids = r.get("subnet_ids") or ()
    if isinstance(subnet_ids, str) or not isinstance(subnet_ids, Sequence):
        r.problem("subnet_ids", f"must be a list of subnet ids like subnet-0a1b2c3d, got {subnet_ids!r}")
        subnet_ids = ()
    if (vpc_id is not None or subnet_ids) and cloud is not Cloud.AWS:
        r.problem("vpc_id", f"applies only to aws targets, this target is {cloud.value}")
    elif vpc_id is not None and not VPC_ID_RE.match(vpc_id):
        r.problem("vpc_id", f"must be a VPC id like vpc-0a1b2c3d4e5f67890, got {vpc_id!r}")
    if subnet_ids and vpc_id is None and cloud is Cloud.AWS:
        r.problem("subnet_ids", "needs vpc_id: subnets are used only inside a VPC you pass")
    if vpc_id is not None and len(subnet_ids) < 2:
        r.problem("subnet_ids", f"with vpc_id, give at least two subnets in distinct AZs, got {list(subnet_ids)!r}")
    for subnet in subnet_ids:
        if not (isinstance(subnet, str) and SUBNET_ID_RE.match(subnet)):
            r.problem("subnet_ids", f"must hold subnet ids like subnet-0a1b2c3d, got {subnet!r}")
            break
    if r.get("certificate_binding") is not None:
        # The two-phase binding of Azure's managed certificate is gone: say so rather than "unknown key".
        r.problem(
            "certificate_binding",
            f"is no longer used, got {r.get('certificate_binding')!r}: the Azure certificate is now issued by "
            "ACME DNS-01 and bound in the first `pulumi up`; delete the key",
        )
    task_subnets, registry_credentials_arn = _parse_aws_options(r, cloud, vpc_id)
    return Target(
        cloud,
        region,
        priority,
        simulated,
        address,
        vpc_id,
        tuple(subnet_ids),
        task_subnets=task_subnets,
        registry_credentials_arn=registry_credentials_arn,
        **_gcp_options(r, cloud),
        allow_unknown_region=r.boolean("allow_unknown_region", False),
    )


def _parse_aws_options(r: _Reader, cloud: Cloud, vpc_id: str | None) -> tuple[str | None, str | None]:
    """``task_subnets`` and ``registry_credentials_arn``: AWS-only options, checked where the user wrote them."""
    task_subnets = r.string("task_subnets")
    if task_subnets is not None:
        if cloud is not Cloud.AWS:
            r.problem("task_subnets", f"applies only to aws targets, this target is {cloud.value}")
        elif task_subnets not in TASK_SUBNETS:
            r.problem("task_subnets", f"must be one of {' | '.join(TASK_SUBNETS)}, got {task_subnets!r}")
        elif vpc_id is not None:
            r.problem(
                "task_subnets",
                f"applies only to a VPC the kit builds; with {r.key('vpc_id')} tasks run in your subnets",
            )
    arn = r.string("registry_credentials_arn")
    if arn is not None:
        if cloud is not Cloud.AWS:
            r.problem("registry_credentials_arn", f"applies only to aws targets, this target is {cloud.value}")
        elif not SECRET_ARN_RE.match(arn):
            # ECS reads private-registry credentials from Secrets Manager by ARN ("Private registry
            # authentication for tasks", Amazon ECS Developer Guide).
            r.problem(
                "registry_credentials_arn",
                "must be a Secrets Manager secret ARN like "
                f"arn:aws:secretsmanager:us-east-1:123456789012:secret:ghcr-AbCdEf, got {arn!r}",
            )
    return task_subnets, arn


def cloud_run_reserved(path: str) -> str | None:
    """Why Cloud Run would answer ``path`` itself instead of the container, or None when it reaches the app.

    Cloud Run's "Known issues" page (https://cloud.google.com/run/docs/known-issues, "Reserved URL paths"):
    ``/eventlog``, paths starting with ``/_ah/`` and some paths ending in ``z`` are reserved, and Google
    recommends avoiding every path that ends in ``z``. A reserved health path gets Google's own 404, so every
    outside health checker would mark the GCP target unhealthy forever while its probes pass.
    """
    bare = path.split("?", 1)[0]
    if bare.rstrip("/").endswith("z"):
        return "Cloud Run reserves some paths ending in 'z' and recommends avoiding all of them"
    if bare.startswith("/_ah/"):
        return "Cloud Run reserves paths under /_ah/"
    if bare.rstrip("/") == "/eventlog":
        return "Cloud Run reserves /eventlog"
    return None


GCP_TARGET_KEYS = ("image", "invoker_iam_disabled", "enable_apis")
CLOUD_RUN_REGISTRIES = ("*-docker.pkg.dev", "gcr.io", "*.gcr.io", "docker.io", "index.docker.io", "ghcr.io")
"""Registry hosts Cloud Run pulls from ("Deploying container images to Cloud Run", supported container registries:
https://cloud.google.com/run/docs/deploying): Artifact Registry (``<location>-docker.pkg.dev``, and the ``gcr.io``
hosts it has served since Container Registry shut down, "gcr.io repositories":
https://cloud.google.com/artifact-registry/docs/transition/gcr-repositories), and public images on Docker Hub or
GitHub Container Registry. Any other registry (quay.io, ECR, a private ghcr.io image) only through an Artifact
Registry remote repository; Cloud Run refuses the image with HTTP 400."""


def cloud_run_pulls(image: str) -> bool:
    """Whether Cloud Run deploys ``image`` from its own registry (an image with no registry host is on Docker Hub).

    Whether a ghcr.io or Docker Hub image is public cannot be told from its name: docs/components.md says so.
    """
    first, slash, _ = image.partition("/")
    if not slash or not ("." in first or ":" in first or first == "localhost"):
        return True
    return any(fnmatch.fnmatchcase(first.lower(), host) for host in CLOUD_RUN_REGISTRIES)


def _gcp_options(r: _Reader, cloud: Cloud) -> dict[str, Any]:
    """The gcp-only target keys (GCP_TARGET_KEYS), refused on other clouds."""
    if cloud is not Cloud.GCP:
        for key in GCP_TARGET_KEYS:
            if r.get(key) is not None:
                r.problem(key, f"applies only to gcp targets, this target is {cloud.value}")
        return {}
    image = r.string("image")
    if image is not None and not IMAGE_RE.match(image):
        r.problem("image", f"must be a container image reference like us-docker.pkg.dev/acme/shop/app:1, got {image!r}")
    return {
        "image": image,
        "invoker_iam_disabled": r.boolean("invoker_iam_disabled", True),
        "enable_apis": r.boolean("enable_apis", True),
    }


def _gcp_problems(app: AppSpec, targets: Sequence[Target]) -> list[str]:
    """What a GCP project would refuse at deploy time: an image Cloud Run cannot pull, gcp targets that disagree on
    enableApis (the APIs belong to the project all gcp targets share)."""
    gcp = [t for t in targets if t.cloud is Cloud.GCP and not t.simulated]
    problems = []
    for t in gcp:
        image = t.image or app.image
        if image is not None and not cloud_run_pulls(image):
            key = f"targets[{t.priority}].image" if t.image else "app.image"
            problems.append(
                f"{key}: Cloud Run ({t.placement}) pulls only from Artifact Registry (<location>-docker.pkg.dev, "
                f"gcr.io) and public Docker Hub or ghcr.io images, got {image!r}; set targets[{t.priority}].image to "
                "the image's copy in Artifact Registry, or in an Artifact Registry remote repository of its registry"
            )
    differing = [t for t in gcp if t.enable_apis != gcp[0].enable_apis]
    if differing:
        first, other = gcp[0], differing[0]
        has, got = (str(t.enable_apis).lower() for t in (first, other))
        problems.append(
            f"targets[{other.priority}].enableApis: every gcp target shares the project's APIs and needs the same "
            f"value; targets[{first.priority}] has {has}, got {got}"
        )
    return problems


def _is_loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.version == 4 and ip.is_loopback


def _parse_health_check(r: _Reader, provider: DnsProvider | None) -> budget.HealthCheck:
    r.unknown_keys({"interval_seconds", "failure_threshold", "timeout_seconds", "recovery_threshold"})
    integer_interval = provider is not DnsProvider.LOCAL
    interval = r.number("interval_seconds", None, integer=integer_interval)
    threshold = r.number("failure_threshold", None)
    timeout = r.number("timeout_seconds", None, integer=False)
    recovery = r.number("recovery_threshold", None)
    for key, value in (("interval_seconds", interval), ("timeout_seconds", timeout)):
        if value is not None and value <= 0:
            r.problem(key, f"must be greater than 0, got {value:g}")
    for key, value in (("failure_threshold", threshold), ("recovery_threshold", recovery)):
        if value is not None and value < 1:
            r.problem(key, f"must be at least 1, got {value:g}")
    return budget.health_check(
        provider.value if provider else "local",
        interval_seconds=float(interval) if interval is not None else None,
        failure_threshold=int(threshold) if threshold is not None else None,
        timeout_seconds=float(timeout) if timeout is not None else None,
        recovery_threshold=int(recovery) if recovery is not None else None,
    )


def _parse_dns(r: _Reader, hostname: str | None) -> DnsSpec | None:
    r.unknown_keys(
        {
            "provider", "zone", "ttl", "health_check", "secondary", "zone_id", "account_id",
            "resource_group", "managed_zone", "proxied", "listen", "plan", "alert_emails", "alert_webhook_ids",
        }
    )  # fmt: skip
    provider = r.choice("provider", DnsProvider, required=True)
    zone = r.string("zone", required=True)
    if zone is not None:
        zone = zone.rstrip(".").lower()
        if not _is_dns_name(zone):
            r.problem("zone", f"must be a DNS zone name like example.com, got {zone!r}")
        elif hostname is not None and not (hostname.endswith("." + zone) or hostname == zone):
            r.problems.append(f"hostname: must be inside dns.zone {zone!r}, got {hostname!r}")
    default_ttl = default_ttl_seconds(provider or DnsProvider.ROUTE53)
    ttl = int(r.number("ttl", default_ttl) or 0)
    if ttl < 0:
        r.problem("ttl", f"must be 0 or more seconds, got {ttl}")
    hc = _parse_health_check(r.mapping("health_check"), provider)
    secondary = r.choice("secondary", DnsProvider)
    if secondary is not None and provider is not None:
        if secondary is provider:
            r.problem("secondary", f"must differ from dns.provider, got {secondary.value!r} for both")
        if DnsProvider.LOCAL in (secondary, provider):
            r.problem("secondary", "a second DNS provider needs two cloud DNS providers; local has no secondary")
    listen = r.string("listen", default=DEFAULT_LOCAL_LISTEN) or DEFAULT_LOCAL_LISTEN
    host, _, port_text = listen.rpartition(":")
    if not (_is_loopback(host) and port_text.isdigit() and 1024 <= int(port_text) <= 65535):
        r.problem("listen", f"must be a loopback address and unprivileged port like 127.0.53.1:10053, got {listen!r}")
        host, port_text = "127.0.53.1", "10053"
    if r.get("listen") is not None and provider is not DnsProvider.LOCAL:
        r.problem("listen", "applies only to provider local")
    if provider is None or zone is None:
        return None
    proxied = r.boolean("proxied", False)
    plan = r.string("plan")
    has_secondary = (
        secondary is not None and secondary is not provider and DnsProvider.LOCAL not in (secondary, provider)
    )
    r.problems.extend(
        f"{r.path}.{p}"
        for p in budget.validate(provider.value, hc, ttl, shared=has_secondary, plan=plan, proxied=proxied)
    )
    if secondary is not None and has_secondary:
        r.problems.extend(
            f"{r.path}.{p}"
            for p in budget.validate(secondary.value, hc, ttl, secondary=True, plan=plan, proxied=proxied)
        )
    return DnsSpec(
        provider=provider,
        zone=zone,
        ttl_seconds=ttl,
        health_check=hc,
        secondary=secondary,
        zone_id=r.string("zone_id"),
        account_id=r.string("account_id"),
        resource_group=r.string("resource_group"),
        managed_zone=r.string("managed_zone"),
        proxied=proxied,
        plan=plan,
        alert_emails=r.strings("alert_emails"),
        alert_webhook_ids=r.strings("alert_webhook_ids"),
        listen_address=host,
        listen_port=int(port_text),
    )


def parse_spec(args: Mapping[str, Any]) -> FailoverSpec:
    """Validate FailoverAppArgs (or the equivalent stack config); raise ConfigError listing every problem."""
    problems: list[str] = []
    root = _Reader(args, "", problems)
    root.unknown_keys({"app", "hostname", "targets", "dns", "rto_seconds", "drill_faults"})
    app = _parse_app(root.mapping("app", required=True))

    hostname = root.string("hostname", required=True)
    if hostname is not None:
        hostname = hostname.rstrip(".").lower()
        if not _is_dns_name(hostname):
            root.problem("hostname", f"must be a fully qualified DNS name like shop.example.com, got {hostname!r}")

    raw_targets = root.get("targets")
    targets: list[Target] = []
    if raw_targets is None or isinstance(raw_targets, (str, Mapping)) or not isinstance(raw_targets, Sequence):
        problems.append(f"targets: must be a list of {{cloud, region}}, got {raw_targets!r}")
        raw_targets = []
    elif len(raw_targets) < 2:
        problems.append(f"targets: failover needs at least 2 targets (a primary and a standby), got {len(raw_targets)}")
    for i, raw in enumerate(raw_targets):
        if not isinstance(raw, Mapping):
            problems.append(f"targets[{i}]: must be a mapping like {{cloud: aws, region: us-east-1}}, got {raw!r}")
            continue
        target = _parse_target(_Reader(raw, f"targets[{i}]", problems), i)
        if target is not None:
            targets.append(target)
    seen: dict[str, int] = {}
    for t in targets:
        if t.key in seen:
            problems.append(
                f"targets[{t.priority}]: {t.placement} repeats targets[{seen[t.key]}]; "
                "each target needs its own cloud/region"
            )
        seen.setdefault(t.key, t.priority)
    addresses = [t.address for t in targets if t.address]
    for t in targets:
        if t.address and addresses.count(t.address) > 1:
            problems.append(f"targets[{t.priority}].address: {t.address} is used by another target; each needs its own")
            break

    dns = _parse_dns(root.mapping("dns", required=True), hostname)
    if dns is not None and hostname is not None:
        problems.extend(
            f"dns.{p}"
            for p in budget.validate_settings(
                dns.provider.value,
                dns.secondary.value if dns.secondary else None,
                hostname=hostname,
                zone=dns.zone,
                target_clouds=[t.cloud.value for t in targets],
                zone_id=dns.zone_id,
                account_id=dns.account_id,
                resource_group=dns.resource_group,
                managed_zone=dns.managed_zone,
                proxied=dns.proxied,
                plan=dns.plan,
                alert_emails=dns.alert_emails,
                alert_webhook_ids=dns.alert_webhook_ids,
            )
        )

    simulated = {t.simulated for t in targets}
    if len(simulated) > 1:
        problems.append("targets: mix simulated and cloud targets in separate stacks; got both")
    if dns is not None and targets:
        if targets[0].simulated and dns.provider is not DnsProvider.LOCAL:
            problems.append(f"dns.provider: simulated targets need provider local, got {dns.provider.value!r}")
        if not targets[0].simulated and dns.provider is DnsProvider.LOCAL:
            problems.append("dns.provider: local serves only simulated targets (simulated: true on every target)")
    azure = [t for t in targets if t.cloud is Cloud.AZURE and not t.simulated]
    gcp = [t for t in targets if t.cloud is Cloud.GCP and not t.simulated]
    if gcp and not azure and root.get("app") is not None and not app.name[:1].isalpha():
        # GCP resource names match [a-z]([-a-z0-9]*[a-z0-9])?; child names begin with the app's name.
        problems.append(f"app.name: a gcp target needs a name that starts with a letter, got {app.name!r}")
    if azure and root.get("app") is not None and (not app.name[:1].isalpha() or "--" in app.name):
        # Container Apps names start with a letter and never hold '--'; the app's name is reused there.
        problems.append(
            f"app.name: an azure target needs a name that starts with a letter and has no '--', got {app.name!r}"
        )
    if len(azure) > 1:
        # The kit binds the hostname in one Container Apps environment; two were never verified.
        problems.append(
            f"targets[{azure[1].priority}]: at most one azure target per hostname (the kit binds the hostname "
            f"in one Container Apps environment), got {', '.join(t.placement for t in azure)}"
        )
    reserved = cloud_run_reserved(app.health_path)
    if reserved and root.get("app") is not None and any(t.cloud is Cloud.GCP for t in targets):
        problems.append(
            f"app.healthPath: {app.health_path!r} never reaches the app on a gcp target: {reserved} (Cloud Run "
            "known issues, reserved URL paths); use a path like /health"
        )
    problems.extend(_gcp_problems(app, targets))
    _check_names_and_regions(app if root.get("app") is not None else None, hostname, targets, dns, problems)
    if targets and not targets[0].simulated and app.image is None and root.get("app") is not None:
        problems.append("app.image: is required for cloud targets")
    if targets and targets[0].simulated and app.port < 1024:
        problems.append(f"app.port: simulated targets need an unprivileged port (1024-65535), got {app.port}")

    rto = root.number("rto_seconds", DEFAULT_RTO_SECONDS)
    rto_seconds = int(rto if rto is not None else DEFAULT_RTO_SECONDS)
    if rto_seconds < 1:
        root.problem("rto_seconds", f"must be at least 1 second, got {rto_seconds}")

    drill_faults = _parse_drill_faults(root, app, targets, len(raw_targets))

    if problems or hostname is None or dns is None:
        raise ConfigError(problems or ["config: incomplete"])
    spec = FailoverSpec(app, hostname, tuple(targets), dns, rto_seconds, drill_faults)
    worst = spec.budget
    if worst.total_seconds > rto_seconds:
        raise ConfigError(
            [
                f"{root.key('rto_seconds')}: worst-case failover with {dns.provider.value} is "
                f"{worst.total_seconds:g} s ({worst.formula}), more than {rto_seconds}; "
                f"{worst.advice}"
            ]
        )
    return spec


# --- drill faults ---

CLOUD_FAULTS: dict[Cloud, tuple[DrillFaultKind, ...]] = {
    Cloud.AWS: (DrillFaultKind.UNHEALTHY, DrillFaultKind.DOWN),
    Cloud.GCP: (DrillFaultKind.UNHEALTHY, DrillFaultKind.DOWN),
    # Container Apps ingress has no path rules or fixed responses ("Ingress in Azure Container Apps"): nothing
    # documented answers 503 on the health path alone while the app serves the rest. See clouds/azure.py.
    Cloud.AZURE: (DrillFaultKind.DOWN,),
}
"""The drillFaults kinds each cloud's targets take; simulated (local) targets take every DrillFaultKind,
LOCAL_ONLY_FAULTS included."""

HEALTH_PATH_RULE_MAX = {
    # "PathPatternConditionConfig" (ELBv2 API Reference): each path pattern is at most 128 characters.
    Cloud.AWS: 128,
    # URL map matchRules fullPathMatch: 1 to 1024 characters (pulumi_gcp compute.URLMap, Compute Engine API).
    Cloud.GCP: 1024,
}
"""The longest health path (without its query) the ``unhealthy`` fault's load-balancer rule can match."""


def drill_fault_kinds(target: Target) -> tuple[DrillFaultKind, ...]:
    """What ``drillFaults`` may put on ``target``."""
    return tuple(DrillFaultKind) if target.simulated else CLOUD_FAULTS[target.cloud]


def _parse_drill_faults(
    root: _Reader, app: AppSpec, targets: Sequence[Target], target_count: int
) -> tuple[DrillFault, ...]:
    """``drillFaults``: a list of {target, fault}; one per target, not on every target, a kind the cloud takes."""
    raw = root.get("drill_faults")
    if raw is None:
        return ()
    where = root.key("drill_faults")
    if isinstance(raw, (str, Mapping)) or not isinstance(raw, Sequence):
        root.problem("drill_faults", f"must be a list of {{target, fault}}, got {raw!r}")
        return ()
    by_key = {t.key: t for t in targets}
    local_only = " | ".join(k.value for k in LOCAL_ONLY_FAULTS)
    kinds = " | ".join(k.value for k in DrillFaultKind if k not in LOCAL_ONLY_FAULTS)
    kinds = f"{kinds} (any target); {local_only} (local targets)"
    faults: list[DrillFault] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            root.problems.append(
                f"{where}[{i}]: must be a mapping like {{target: aws-us-east-1, fault: unhealthy}}, got {item!r}"
            )
            continue
        r = _Reader(item, f"{where}[{i}]", root.problems)
        r.unknown_keys({"target", "fault"})
        key = r.string("target", required=True)
        fault_name = r.string("fault", required=True)
        kind: DrillFaultKind | None = None
        if fault_name is not None:
            if fault_name in DRILL_ONLY_FAULTS:
                r.problem(
                    "fault",
                    f"{fault_name!r} is a drill-only fault: it changes the target's health over the drill's "
                    f"length, not a state a setting holds between two ups; run failoverkit drill --stack <stack> "
                    f"--fault {fault_name}. Allowed here: {kinds}",
                )
            else:
                try:
                    kind = DrillFaultKind(fault_name)
                except ValueError:
                    r.problem("fault", f"must be one of {kinds}, got {fault_name!r}")
        if key is None:
            continue
        target = by_key.get(key)
        if target is None:
            if len(targets) < target_count:
                continue  # a target that failed to parse: its own message says what is wrong
            close = catalog.suggest(key, list(by_key))
            hint = f" (did you mean {close!r}?)" if close else ""
            known = ", ".join(by_key) or "none"
            r.problem("target", f"is not a target of this stack, got {key!r}{hint}; targets are {known}")
            continue
        if key in seen:
            r.problem("target", f"{key} already has a fault in {where}[{seen[key]}]; give each target one fault")
            continue
        seen[key] = i
        if kind is None:
            continue
        if kind not in drill_fault_kinds(target):
            allowed = " | ".join(k.value for k in drill_fault_kinds(target))
            if kind in LOCAL_ONLY_FAULTS:
                why = (
                    f"{kind.value} is a local fault (it acts on a simulated target's own process or the demo "
                    f"app's fault switch); {target.cloud.value} targets take {allowed}"
                )
            elif target.cloud is Cloud.AZURE:
                why = (
                    "Container Apps ingress cannot answer 503 on the health path alone (no path rules or fixed "
                    "responses); use fault: down, which closes its ingress to every client"
                )
            else:
                why = f"allowed: {allowed}"
            r.problem("fault", f"target {key} ({target.cloud.value}) cannot take {kind.value!r}: {why}")
            continue
        path = app.health_path.split("?", 1)[0]
        limit = HEALTH_PATH_RULE_MAX.get(target.cloud)
        if kind is DrillFaultKind.UNHEALTHY and not target.simulated and limit and len(path) > limit:
            r.problem(
                "fault",
                f"'unhealthy' on {key} matches app.healthPath in the {target.cloud.value} load balancer's rule, which "
                f"takes at most {limit} characters, got {len(path)}; use fault: down",
            )
            continue
        faults.append(DrillFault(key, kind))
    if targets and len(seen) == len(targets) == target_count:
        root.problem(
            "drill_faults",
            f"would fault every target ({', '.join(seen)}); leave at least one healthy target to fail over to "
            "(a drill on the last healthy target is refused)",
        )
    return tuple(faults)


# --- names and regions: what each cloud accepts (failoverkit/catalog/) ---


def _planned_names(
    app: str, hostname: str, targets: Sequence[Target], dns: DnsSpec
) -> list[tuple[Target | None, str, catalog.PlannedName]]:
    """Every physical name a FailoverApp would create, as (target or None, what, name); hashes are placeholders."""
    scope = ""  # the stack's hash only changes characters, never lengths
    clouds = [t for t in targets if not t.simulated]
    out: list[tuple[Target | None, str, catalog.PlannedName]] = []
    for t in clouds:
        if t.cloud is Cloud.AWS:
            names = catalog.aws.target_names(app, t.key, scope)
        elif t.cloud is Cloud.GCP:
            names = catalog.gcp.target_names(app, t.key, scope, hostname=hostname)
        else:
            names = catalog.azure.target_names(app, t.key, scope)
        out += [(t, role, p) for role, p in names.items()]
    if not clouds:
        return out
    providers = {dns.provider} | ({dns.secondary} if dns.secondary else set())
    keys = [t.key for t in clouds]
    gcp_app = catalog.gcp.app_names(app, scope, hostname=hostname)
    if any(t.cloud is Cloud.GCP for t in clouds):
        out += [(None, role, gcp_app[role]) for role in ("dns-auth", "tls-policy")]
    if DnsProvider.CLOUD_DNS in providers:
        out.append((None, "dns-health", gcp_app["dns-health"]))
    if DnsProvider.ROUTE53 in providers:
        out += [(t, role, p) for t in clouds for role, p in catalog.aws.route53_names(t.key).items()]
    if DnsProvider.TRAFFIC_MANAGER in providers:
        out += [(None, role, p) for role, p in catalog.azure.traffic_manager_names(app, hostname, keys).items()]
    if DnsProvider.CLOUDFLARE in providers:
        out += [(None, role, p) for role, p in catalog.cloudflare.names(app, keys).items()]
    records = catalog.dns.record_names(
        hostname,
        clouds=[t.cloud.value for t in clouds],
        route53_keys=keys if DnsProvider.ROUTE53 in providers else (),
        traffic_manager_keys=keys if DnsProvider.TRAFFIC_MANAGER in providers else (),
    )
    by_key = {t.key: t for t in clouds}
    out += [
        (by_key.get(what.removeprefix("route53-").removeprefix("traffic-manager-")), what, p)
        for what, p in records.items()
    ]
    return out


def _check_names_and_regions(
    app: AppSpec | None, hostname: str | None, targets: Sequence[Target], dns: DnsSpec | None, problems: list[str]
) -> None:
    """Refuse unknown regions (with the closest known one) and names a cloud would refuse (with its rule)."""
    named = [t for t in targets if REGION_RE[t.cloud][0].match(t.region)]  # the others are refused already
    for t in named:
        if t.allow_unknown_region:
            continue  # the user vouches for it
        if why := catalog.region_problem(t.cloud.value, t.region):
            problems.append(
                f"targets[{t.priority}].region: {why}; for a region newer than that list set allowUnknownRegion: "
                "true on this target"
            )
    if app is None or hostname is None or dns is None:
        return
    values = {"app.name": app.name, "hostname": hostname}
    reported: set[tuple[str, str]] = set()
    for target, _, planned in _planned_names(app.name, hostname, named, dns):
        why = planned.problem()
        where = f" of targets[{target.priority}] ({target.placement})" if target is not None else ""
        if why is None or (planned.rule.what + where, planned.inputs[0]) in reported:
            continue  # one message per resource kind and cause: a second record of the same kind adds nothing
        reported.add((planned.rule.what + where, planned.inputs[0]))
        key = planned.inputs[0]
        if key == "region" and target is not None:
            key, value = f"targets[{target.priority}].region", target.region
        else:
            value = values[key]
        problems.append(
            f"{key}: {value!r} would name the {planned.rule.what}{where} {planned.shown!r}, which "
            f"{planned.rule.owner} refuses: {why}"
        )
