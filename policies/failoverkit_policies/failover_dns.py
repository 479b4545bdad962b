"""Health-checked failover DNS set-ups, recognised from the resources themselves.

Five shapes are recognised, whoever wrote them (our components or a hand-written program):

- Route 53: records with a failover routing policy (PRIMARY/SECONDARY) sharing
  zone, name (expanded to the FQDN: ``shop`` in zone ``example.com`` is
  ``shop.example.com``) and type; each should carry ``healthCheckId``. The TTL that
  counts is the PRIMARY's (resolvers cache the primary's answer when it fails), or,
  for an alias, its target's;
- Azure Traffic Manager: a profile with ``monitorConfig`` and its endpoints
  (inline or ``Endpoint`` resources);
- Cloudflare: a load balancer, its pools and each pool's monitor;
- Cloud DNS: a record set with a ``primaryBackup`` routing policy and a health check;
- the failoverkit local DNS server (dynamic resource ``kind: failoverkit:local:FailoverDns``).

Each becomes a ``FailoverSetup``: its endpoints (health-checked? pre-provisioned?
which cloud?), its TTL and its worst-case failover and failback budgets, computed
from the resources' own properties (see ``budget_*`` and ``failback_*``). The
arithmetic is a self-contained copy of failoverkit's per-provider models
(components/failoverkit/budget/): the pack must not import failoverkit, and
tests/policy/test_dns_policies.py holds both equal for every provider.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from failoverkit_policies.config import PackConfig
from failoverkit_policies.model import Model, Res
from failoverkit_policies.placement import CLOUD_OF_PACKAGE, LOCAL_DNS_KIND, is_local_target, split_type
from failoverkit_policies.props import UNKNOWN, fmt, items, mapping, number, present, text
from failoverkit_policies.workloads import Workload, tags_of

# Which cloud runs each DNS/GSLB service (cloudflare and the local server are in no cloud's failure domain).
DNS_CLOUD: Final = {"route53": "aws", "traffic-manager": "azure", "cloud-dns": "gcp", "cloudflare": None, "local": None}

# Hostname suffixes of cloud endpoints, to tell which cloud a record points at.
_HOST_CLOUD: Final = (
    (re.compile(r"\.(amazonaws\.com|awsglobalaccelerator\.com|cloudfront\.net)\.?$"), "aws"),
    (re.compile(r"\.(run\.app|appspot\.com|googleusercontent\.com|cloudfunctions\.net)\.?$"), "gcp"),
    (re.compile(r"\.(azurecontainerapps\.io|azurewebsites\.net|cloudapp\.azure\.com|azurefd\.net)\.?$"), "azure"),
)


@dataclass(frozen=True)
class Term:
    """One term of a failover budget; ``seconds`` is None while the engine does not know it (preview)."""

    name: str
    seconds: float | None
    source: str


@dataclass
class Endpoint:
    """One answer the failover can give: the primary or a standby."""

    label: str
    health_checked: bool | None
    """None: cannot be told during preview."""
    provisioned: bool
    cloud: str | None = None
    priority: float | None = None


@dataclass
class FailoverSetup:
    """A health-checked failover as DNS serves it."""

    provider: str
    """route53 | traffic-manager | cloudflare | cloud-dns | local"""
    hostname: str
    resource: Res
    """The resource violations are reported on."""
    resources: list[Res]
    endpoints: list[Endpoint]
    ttl: Term
    ttl_resource: Res
    detection: list[Term]
    """Health-check terms of the budget (detection, check timeout); the TTL is added by ``terms``."""
    health_check_hint: str
    """What to add so an endpoint is health-checked, in the provider's words."""
    workload: str | None = None
    notes: list[str] = field(default_factory=list)
    recovery: list[Term] = field(default_factory=list)
    """Health-check terms of the failback budget (recovery, check timeout); the TTL is added by ``failback_terms``."""

    @property
    def dns_cloud(self) -> str | None:
        return DNS_CLOUD[self.provider]

    @property
    def terms(self) -> list[Term]:
        return [*self.detection, self.ttl]

    @property
    def known_seconds(self) -> float:
        return round(sum(t.seconds for t in self.terms if t.seconds is not None), 3)

    @property
    def failback_terms(self) -> list[Term]:
        return [*self.recovery, self.ttl]

    @property
    def failback_known_seconds(self) -> float:
        return round(sum(t.seconds for t in self.failback_terms if t.seconds is not None), 3)

    @property
    def unknown_terms(self) -> list[Term]:
        return [t for t in self.terms if t.seconds is None]

    def formula(self) -> str:
        return " + ".join(f"{t.name} {fmt(t.seconds) if t.seconds is not None else '?'}" for t in self.terms)

    def primary_cloud(self) -> str | None:
        """The cloud of the endpoint answered first; None when that endpoint's cloud is unknown (preview)."""
        ranked = sorted(self.endpoints, key=lambda e: e.priority if e.priority is not None else float("inf"))
        return ranked[0].cloud if ranked else None

    def describe(self) -> str:
        return f"{self.hostname} ({self.provider}, {self.resource.name})"


def _cloud_of(resources: Iterable[Res], hostnames: Iterable[Any] = ()) -> str | None:
    """The cloud a DNS answer points at: from the resources it depends on, else from the hostname."""
    for dep in resources:
        if is_local_target(dep):
            return text(dep.props.get("cloud"))
        cloud = CLOUD_OF_PACKAGE.get(dep.package)
        if cloud:
            return cloud
    for host in hostnames:
        host = text(host)
        if host:
            for pattern, cloud in _HOST_CLOUD:
                if pattern.search(host.lower()):
                    return cloud
    return None


def _num(props: dict[str, Any], key: str, default: float, source: str) -> tuple[float | None, str]:
    """A numeric property: its value, the provider default when unset, None when unknown (preview)."""
    value = props.get(key)
    if value is UNKNOWN:
        return None, f"{key} (not known until the update runs)"
    n = number(value)
    if n is None:
        return default, f"{key} unset: {source} default {fmt(default)}"
    return n, key


def _ttl(res: Res, value: Any, default: float | None, why: str) -> Term:
    if value is UNKNOWN:
        return Term("ttl", None, f"{res.name}: TTL not known until the update runs")
    n = number(value)
    if n is None:
        return Term("ttl", default, why)
    return Term("ttl", n, f"{res.name} ttl: resolvers may serve the old answer for one TTL")


def _propagation(provider: str) -> Term:
    return Term(
        "propagation", PROPAGATION_SECONDS[provider], f"{provider} publishes no figure; failoverkit's allowance"
    )


def _first(resources: Iterable[Res], types: set[tuple[str, str, str]]) -> Res | None:
    return next((r for r in resources if split_type(r.type) in types), None)


# --- Route 53 ---------------------------------------------------------------------------------------------------

_R53_RECORD = "aws:route53/record:Record"
_R53_HEALTH_CHECK = {("aws", "route53", "HealthCheck")}
# Route 53 Developer Guide, "How Amazon Route 53 determines whether a health check is healthy": a check must
# connect within 4 s and get its status within 2 s more.
R53_CHECK_TIMEOUT = 4.0 + 2.0
# An alias to an ELB serves the load balancer's own 60 s TTL.
R53_ALIAS_TTL = 60.0
# No provider publishes how long a health-state change takes to reach all its name servers: the same
# allowances (estimates, not bounds) as failoverkit's models (components/failoverkit/budget/), so both give one figure.
PROPAGATION_SECONDS: Final = {"route53": 10.0, "traffic-manager": 10.0, "cloudflare": 10.0, "cloud-dns": 30.0}
# Cloudflare: a DNS-only load balancer with TTL 0 (automatic) answers with 30 s.
CLOUDFLARE_AUTO_TTL = 30.0


def budget_route53(hc: dict[str, Any]) -> list[Term]:
    """Route 53: failureThreshold x requestInterval + failureThreshold x 6 s check timeouts + propagation.

    The interval runs from a response to the next request, so each failing check adds its own timeout
    (4 s connect + 2 s status); the endpoint turns unhealthy once most checkers agree.
    """
    interval, isrc = _num(hc, "requestInterval", 30, "Route 53")
    threshold, tsrc = _num(hc, "failureThreshold", 3, "Route 53")
    detect = None if interval is None or threshold is None else interval * threshold
    timeouts = None if threshold is None else threshold * R53_CHECK_TIMEOUT
    return [
        Term("detection", detect, f"{tsrc} x {isrc}: consecutive failures, an interval apart"),
        Term("check timeouts", timeouts, f"{tsrc} x 6 s: each failing check may take 4 s to connect + 2 s"),
        _propagation("route53"),
    ]


_R53_ZONE = {("aws", "route53", "Zone")}


def record_fqdn(name: str, zone: str | None) -> str:
    """A Route 53 record name as the FQDN it serves: ``shop`` in zone ``example.com`` -> ``shop.example.com``.

    The AWS provider accepts relative and absolute names and appends the zone to a name that does
    not end with it (terraform-provider-aws, aws_route53_record ``name``); an empty name is the apex.
    """
    host = name.rstrip(".").lower()
    if not zone:
        return host
    apex = zone.rstrip(".").lower()
    if not host:
        return apex
    return host if host == apex or host.endswith("." + apex) else f"{host}.{apex}"


def _zone_of(rec: Res, model: Model) -> Res | None:
    zone_id = rec.props.get("zoneId")
    linked = _first(rec.deps("zoneId"), _R53_ZONE) or model.by_id(zone_id)
    if linked is not None and split_type(linked.type) in _R53_ZONE:
        return linked
    if not text(zone_id):
        return None
    zones = (r for r in model.resources if split_type(r.type) in _R53_ZONE)
    return next((r for r in zones if r.props.get("zoneId") == zone_id), None)


def _role(rec: Res) -> str:
    policy = mapping(next(iter(items(rec.props.get("failoverRoutingPolicies"))), {}))
    return (text(policy.get("type")) or "?").upper()


def _route53_ttl(rec: Res, zone_id: str, zone_name: str | None, model: Model) -> Term:
    """The TTL resolvers cache ``rec``'s answer for. Route 53 Developer Guide, "Values specific for alias records"
    (TTL): an alias to an AWS resource has that resource's TTL (60 s for an ELB), an alias to another record in
    the same hosted zone has that record's TTL."""
    if present(rec.props.get("ttl")) or not present(rec.props.get("aliases")):
        return _ttl(rec, rec.props.get("ttl"), None, f"{rec.name} sets no ttl")
    alias = mapping(next(iter(items(rec.props.get("aliases"))), {}))
    target_name = text(alias.get("name"))
    if target_name:
        fqdn = record_fqdn(target_name, zone_name)
        for other in model.resources:
            if (
                other is not rec
                and other.type == _R53_RECORD
                and present(other.props.get("ttl"))
                and _zone_key(other) == zone_id
                and record_fqdn(text(other.props.get("name")) or "", zone_name) == fqdn
            ):
                term = _ttl(other, other.props.get("ttl"), None, "")
                why = f"{rec.name} is an alias to record {other.name}, whose TTL Route 53 serves"
                return Term("ttl", term.seconds, why if term.seconds is not None else term.source)
    return Term("ttl", R53_ALIAS_TTL, f"{rec.name} is an alias: Route 53 serves the target's own TTL, 60 s for an ELB")


def _zone_key(rec: Res) -> str:
    return str(rec.props.get("zoneId", "?"))


def failback_route53(hc: dict[str, Any]) -> list[Term]:
    """Route 53: failureThreshold x requestInterval (one threshold both ways) + a 6 s check in flight + propagation."""
    interval, isrc = _num(hc, "requestInterval", 30, "Route 53")
    threshold, tsrc = _num(hc, "failureThreshold", 3, "Route 53")
    recover = None if interval is None or threshold is None else interval * threshold
    return [
        Term("recovery", recover, f"{tsrc} x {isrc}: consecutive successes, an interval apart"),
        Term("check timeout", R53_CHECK_TIMEOUT, "a check in flight may still fail: 4 s to connect + 2 s"),
        _propagation("route53"),
    ]


def _route53(model: Model) -> list[FailoverSetup]:
    groups: dict[tuple[str, str, str], list[Res]] = {}
    zone_names: dict[str, str | None] = {}
    for res in model.resources:
        if res.type != _R53_RECORD or not present(res.props.get("failoverRoutingPolicies")):
            continue
        zone = _zone_of(res, model)
        zone_key = _zone_key(res) if zone is None else zone.urn
        zone_names[zone_key] = text(zone.props.get("name")) if zone is not None else None
        fqdn = record_fqdn(text(res.props.get("name")) or "", zone_names[zone_key])
        groups.setdefault((zone_key, fqdn, str(res.props.get("type", "?")).upper()), []).append(res)

    setups = []
    for (zone_key, name, _), records in groups.items():
        endpoints: list[Endpoint] = []
        primary_checks: list[Res] = []
        other_checks: list[Res] = []
        for rec in records:
            role = _role(rec)
            aliases = [mapping(a) for a in items(rec.props.get("aliases"))]
            hc_id = rec.props.get("healthCheckId")
            hc = _first(rec.deps("healthCheckId"), _R53_HEALTH_CHECK) or model.by_id(hc_id)
            if hc is not None:
                (primary_checks if role == "PRIMARY" else other_checks).append(hc)
            checked = present(hc_id) or any(a.get("evaluateTargetHealth") is True for a in aliases)
            provisioned = present(rec.props.get("records")) or present(rec.props.get("aliases"))
            targets = rec.deps("records") + rec.deps("aliases")
            hosts = [a.get("name") for a in aliases] + items(rec.props.get("records"))
            endpoints.append(
                Endpoint(
                    f"{role} record {rec.name}",
                    checked,
                    provisioned,
                    _cloud_of(targets, hosts),
                    0.0 if role == "PRIMARY" else 1.0,
                )
            )
        if not any(e.label.startswith("PRIMARY") for e in endpoints):
            endpoints.append(Endpoint("PRIMARY record (missing)", False, False, None, 0.0))
        if not any(e.label.startswith("SECONDARY") for e in endpoints):
            endpoints.append(Endpoint("SECONDARY record (missing)", False, False, None, 1.0))

        # Failover starts when the primary's check fails: judge its settings (the slowest if several).
        checks = primary_checks or other_checks
        if checks:
            detection = max((budget_route53(c.props) for c in checks), key=lambda ts: sum(t.seconds or 0 for t in ts))
            recovery = max((failback_route53(c.props) for c in checks), key=lambda ts: sum(t.seconds or 0 for t in ts))
        else:
            why = "no aws.route53.HealthCheck linked to the PRIMARY record (alias target health, or not yet known)"
            detection = [Term("detection", None, why), _propagation("route53")]
            recovery = [Term("recovery", None, why), _propagation("route53")]
        # Records arrive in URN order: the first PRIMARY is the same one every run.
        primary = next((r for r in records if _role(r) == "PRIMARY"), records[0])
        ttl = _route53_ttl(primary, _zone_key(primary), zone_names.get(zone_key), model)
        setups.append(
            FailoverSetup(
                "route53",
                name,
                primary,
                records + primary_checks + other_checks,
                endpoints,
                ttl,
                primary,
                detection,
                "an aws.route53.HealthCheck on the endpoint, referenced by the record's health_check_id",
                recovery=recovery,
            )
        )
    return setups


# --- Azure Traffic Manager -------------------------------------------------------------------------------------

_TM_PROFILE = {("azure-native", "trafficmanager", "Profile"), ("azure-native", "network", "Profile")}
_TM_ENDPOINT = {("azure-native", "trafficmanager", "Endpoint"), ("azure-native", "network", "Endpoint")}


def budget_traffic_manager(monitor: dict[str, Any]) -> list[Term]:
    """Traffic Manager: interval x (tolerated failures + 1) + probe timeout + propagation (Azure docs,
    "Traffic Manager endpoint monitoring": degraded after ToleratedNumberOfFailures + 1 failed probes)."""
    interval, isrc = _num(monitor, "intervalInSeconds", 30, "Traffic Manager")
    tolerated, tsrc = _num(monitor, "toleratedNumberOfFailures", 3, "Traffic Manager")
    timeout, osrc = _num(monitor, "timeoutInSeconds", 10, "Traffic Manager")
    detect = None if interval is None or tolerated is None else interval * (tolerated + 1)
    return [
        Term("detection", detect, f"{isrc} x ({tsrc} + 1): an endpoint is degraded after one more failure"),
        Term("check timeout", timeout, osrc),
        _propagation("traffic-manager"),
    ]


def failback_traffic_manager(monitor: dict[str, Any]) -> list[Term]:
    """Traffic Manager: one probe that gets 200 OK restores an endpoint (no recovery threshold) + a probe in flight
    + propagation (Azure docs, "Traffic Manager endpoint monitoring", endpoint failover and recovery)."""
    interval, isrc = _num(monitor, "intervalInSeconds", 30, "Traffic Manager")
    timeout, osrc = _num(monitor, "timeoutInSeconds", 10, "Traffic Manager")
    return [
        Term("recovery", interval, f"{isrc}: the next good probe restores the endpoint"),
        Term("check timeout", timeout, osrc),
        _propagation("traffic-manager"),
    ]


def _traffic_manager(model: Model) -> list[FailoverSetup]:
    setups = []
    for prof in (r for r in model.resources if split_type(r.type) in _TM_PROFILE):
        monitor = mapping(prof.props.get("monitorConfig"))
        monitored = bool(monitor) or prof.props.get("monitorConfig") is UNKNOWN
        names = {text(prof.props.get("profileName")), text(prof.props.get("name")), prof.name} - {None}
        separate = [
            r
            for r in model.resources
            if split_type(r.type) in _TM_ENDPOINT
            and (prof in r.deps("profileName") or text(r.props.get("profileName")) in names)
        ]
        raw = [(mapping(e), prof) for e in items(prof.props.get("endpoints"))] + [(r.props, r) for r in separate]
        endpoints = []
        for props, owner in raw:
            status = text(props.get("endpointStatus")) or "Enabled"
            always_serve = text(props.get("alwaysServe")) == "Enabled"  # serves without probing
            target_id = text(props.get("targetResourceId"))
            cloud = "azure" if target_id and target_id.lower().startswith("/subscriptions/") else None
            deps = owner.deps("target") + owner.deps("targetResourceId") if owner is not prof else []
            endpoints.append(
                Endpoint(
                    f"endpoint {text(props.get('endpointName')) or text(props.get('name')) or owner.name}",
                    monitored and not always_serve and status != "Disabled",
                    status != "Disabled" and (present(props.get("target")) or present(props.get("targetResourceId"))),
                    cloud or _cloud_of(deps, [props.get("target")]),
                    number(props.get("priority")),
                )
            )
        dns_config = mapping(prof.props.get("dnsConfig"))
        relative = text(dns_config.get("relativeName")) or prof.name
        setups.append(
            FailoverSetup(
                "traffic-manager",
                f"{relative}.trafficmanager.net",
                prof,
                [prof, *separate],
                endpoints,
                _ttl(prof, dns_config.get("ttl"), None, "dnsConfig.ttl unset"),
                prof,
                budget_traffic_manager(monitor),
                "a monitorConfig (protocol, port, path) on the Traffic Manager profile, with the endpoint enabled "
                "and alwaysServe disabled",
                recovery=failback_traffic_manager(monitor),
            )
        )
    return setups


# --- Cloudflare --------------------------------------------------------------------------------------------------

_CF_LB = "cloudflare:index/loadBalancer:LoadBalancer"
_CF_POOL = {("cloudflare", "index", "LoadBalancerPool")}
_CF_MONITOR = {("cloudflare", "index", "LoadBalancerMonitor")}


def _cloudflare_checks(monitor: dict[str, Any], count_key: str) -> tuple[Term, Term]:
    # Cloudflare API defaults (Load Balancer Monitors): interval 60, timeout 5, retries 2, consecutive_down and
    # consecutive_up 0, which still takes one check to flip an origin.
    interval, isrc = _num(monitor, "interval", 60, "Cloudflare")
    count, csrc = _num(monitor, count_key, 0, "Cloudflare")
    retries, rsrc = _num(monitor, "retries", 2, "Cloudflare")
    timeout, osrc = _num(monitor, "timeout", 5, "Cloudflare")
    checks = None if interval is None or count is None else interval * max(count, 1)
    waits = None if timeout is None or retries is None else timeout * (1 + retries)
    name = "detection" if count_key == "consecutiveDown" else "recovery"
    return Term(name, checks, f"{csrc} x {isrc}"), Term("check timeout", waits, f"{osrc} x (1 + {rsrc})")


def budget_cloudflare(monitor: dict[str, Any]) -> list[Term]:
    """Cloudflare: consecutiveDown x interval + timeout x (1 + retries) + propagation (Load Balancing monitors:
    an origin is down after ``consecutive_down`` failed checks; a timed-out check is retried ``retries`` times)."""
    return [*_cloudflare_checks(monitor, "consecutiveDown"), _propagation("cloudflare")]


def failback_cloudflare(monitor: dict[str, Any]) -> list[Term]:
    """Cloudflare: consecutiveUp x interval + a check in flight with its retries + propagation."""
    return [*_cloudflare_checks(monitor, "consecutiveUp"), _propagation("cloudflare")]


def _cloudflare(model: Model) -> list[FailoverSetup]:
    setups = []
    for lb in (r for r in model.resources if r.type == _CF_LB):
        refs = [*items(lb.props.get("defaultPools")), lb.props.get("fallbackPool")]
        pools: list[Res] = []
        for pool in lb.deps("defaultPools") + lb.deps("fallbackPool") + [p for i in refs if (p := model.by_id(i))]:
            if split_type(pool.type) in _CF_POOL and pool not in pools:
                pools.append(pool)
        endpoints, monitors = [], []
        for i, pool in enumerate(pools):
            monitor = _first(pool.deps("monitor"), _CF_MONITOR) or model.by_id(pool.props.get("monitor"))
            if monitor is not None:
                monitors.append(monitor)
            origins = [mapping(o) for o in items(pool.props.get("origins"))]
            live = [o for o in origins if present(o.get("address")) and o.get("enabled") is not False]
            endpoints.append(
                Endpoint(
                    f"pool {pool.name}",
                    present(pool.props.get("monitor")),
                    bool(live) or pool.props.get("origins") is UNKNOWN,
                    _cloud_of(pool.deps("origins"), [o.get("address") for o in origins]),
                    float(i),
                )
            )
        if not pools:
            # Pools referenced by ids the engine has not resolved yet: health cannot be told during preview.
            endpoints = [Endpoint(f"pool {p}", None, True) for p in refs if present(p)]
        if monitors:
            detection = max(
                (budget_cloudflare(m.props) for m in monitors), key=lambda ts: sum(t.seconds or 0 for t in ts)
            )
            recovery = max(
                (failback_cloudflare(m.props) for m in monitors), key=lambda ts: sum(t.seconds or 0 for t in ts)
            )
        else:
            detection = [
                Term("detection", None, "no Cloudflare monitor linked to the pools"),
                _propagation("cloudflare"),
            ]
            recovery = [Term("recovery", None, "no Cloudflare monitor linked to the pools"), _propagation("cloudflare")]
        proxied = lb.props.get("proxied") is True
        ttl = (
            Term("ttl", 0.0, "proxied: Cloudflare answers with its edge addresses and switches origins at the edge")
            if proxied
            else _ttl(lb, lb.props.get("ttl") or CLOUDFLARE_AUTO_TTL, None, "")
        )
        setups.append(
            FailoverSetup(
                "cloudflare",
                text(lb.props.get("name")) or lb.name,
                lb,
                [lb, *pools, *monitors],
                endpoints,
                ttl,
                lb,
                detection,
                "a cloudflare.LoadBalancerMonitor referenced by the pool's monitor",
                recovery=recovery,
            )
        )
    return setups


# --- Cloud DNS ---------------------------------------------------------------------------------------------------

_GCP_RECORD_SET = "gcp:dns/recordSet:RecordSet"
_GCP_HEALTH_CHECK = {("gcp", "compute", "HealthCheck"), ("gcp", "compute", "RegionHealthCheck")}


def budget_cloud_dns(hc: dict[str, Any]) -> list[Term]:
    """Cloud DNS: unhealthyThreshold x checkIntervalSec + timeoutSec + propagation (Compute Engine health checks
    used by Cloud DNS routing policies)."""
    interval, isrc = _num(hc, "checkIntervalSec", 5, "Compute Engine health check")
    threshold, tsrc = _num(hc, "unhealthyThreshold", 2, "Compute Engine health check")
    timeout, osrc = _num(hc, "timeoutSec", 5, "Compute Engine health check")
    detect = None if interval is None or threshold is None else interval * threshold
    return [
        Term("detection", detect, f"{tsrc} x {isrc}"),
        Term("check timeout", timeout, osrc),
        _propagation("cloud-dns"),
    ]


def failback_cloud_dns(hc: dict[str, Any]) -> list[Term]:
    """Cloud DNS: healthyThreshold x checkIntervalSec + a probe in flight + propagation."""
    interval, isrc = _num(hc, "checkIntervalSec", 5, "Compute Engine health check")
    threshold, tsrc = _num(hc, "healthyThreshold", 2, "Compute Engine health check")
    timeout, osrc = _num(hc, "timeoutSec", 5, "Compute Engine health check")
    recover = None if interval is None or threshold is None else interval * threshold
    return [
        Term("recovery", recover, f"{tsrc} x {isrc}"),
        Term("check timeout", timeout, osrc),
        _propagation("cloud-dns"),
    ]


def _cloud_dns(model: Model) -> list[FailoverSetup]:
    setups = []
    for rs in (r for r in model.resources if r.type == _GCP_RECORD_SET):
        policy = mapping(rs.props.get("routingPolicy"))
        pb = mapping(policy.get("primaryBackup"))
        if not pb:
            continue
        hc_ref = policy.get("healthCheck")
        hc = _first(rs.deps("routingPolicy"), _GCP_HEALTH_CHECK)
        if hc is None and text(hc_ref):
            hc = next(
                (
                    r
                    for r in model.resources
                    if split_type(r.type) in _GCP_HEALTH_CHECK
                    and any(text(r.props.get(k)) == hc_ref for k in ("id", "selfLink", "name"))
                ),
                None,
            )
        primary = mapping(pb.get("primary"))
        ilb = present(primary.get("internalLoadBalancers"))
        ext = present(primary.get("externalEndpoints"))
        targets = rs.deps("routingPolicy")
        endpoints = [Endpoint("primary", present(hc_ref) or ilb, ilb or ext, _cloud_of(targets), 0.0)]
        for i, geo in enumerate(mapping(g) for g in items(pb.get("backupGeos"))):
            checked = present(geo.get("healthCheckedTargets"))
            provisioned = checked or present(geo.get("rrdatas"))
            endpoints.append(Endpoint(f"backup {text(geo.get('location')) or i}", checked, provisioned, None, 1.0 + i))
        if hc is not None:
            detection = budget_cloud_dns(hc.props)
            recovery = failback_cloud_dns(hc.props)
        else:
            why = "no gcp.compute.HealthCheck linked to routingPolicy.healthCheck"
            detection = [Term("detection", None, why), _propagation("cloud-dns")]
            recovery = [Term("recovery", None, why), _propagation("cloud-dns")]
        setups.append(
            FailoverSetup(
                "cloud-dns",
                text(rs.props.get("name")) or rs.name,
                rs,
                [rs, *([hc] if hc else [])],
                endpoints,
                _ttl(rs, rs.props.get("ttl"), None, "ttl unset"),
                rs,
                detection,
                "routingPolicy.healthCheck (a gcp.compute.HealthCheck) and healthCheckedTargets on every backup geo",
                recovery=recovery,
            )
        )
    return setups


# --- failoverkit local DNS -------------------------------------------------------------------------------------


def budget_local(hc: dict[str, Any]) -> list[Term]:
    """failoverkit local DNS: intervalSeconds x failureThreshold + timeoutSeconds (its checker's own loop)."""
    interval, isrc = _num(hc, "intervalSeconds", 1, "failoverkit local")
    threshold, tsrc = _num(hc, "failureThreshold", 2, "failoverkit local")
    timeout, osrc = _num(hc, "timeoutSeconds", 0.5, "failoverkit local")
    detect = None if interval is None or threshold is None else interval * threshold
    return [Term("detection", detect, f"{isrc} x {tsrc}"), Term("check timeout", timeout, osrc)]


def failback_local(hc: dict[str, Any]) -> list[Term]:
    """failoverkit local DNS: intervalSeconds x recoveryThreshold + timeoutSeconds."""
    interval, isrc = _num(hc, "intervalSeconds", 1, "failoverkit local")
    threshold, tsrc = _num(hc, "recoveryThreshold", 2, "failoverkit local")
    timeout, osrc = _num(hc, "timeoutSeconds", 0.5, "failoverkit local")
    recover = None if interval is None or threshold is None else interval * threshold
    return [Term("recovery", recover, f"{isrc} x {tsrc}"), Term("check timeout", timeout, osrc)]


def _local(model: Model) -> list[FailoverSetup]:
    setups = []
    for res in (r for r in model.resources if r.kind == LOCAL_DNS_KIND):
        hc = mapping(res.props.get("healthCheck"))
        checked = present(hc.get("intervalSeconds")) or res.props.get("healthCheck") is UNKNOWN
        endpoints = []
        for i, ep in enumerate(mapping(e) for e in items(res.props.get("endpoints"))):
            cloud, region = text(ep.get("cloud")), text(ep.get("region"))
            label = f"endpoint {cloud or '?'}/{region or '?'} {text(ep.get('address')) or ''}".rstrip()
            prio = number(ep.get("priority"))
            endpoints.append(
                Endpoint(label, checked, present(ep.get("address")), cloud, prio if prio is not None else i)
            )
        setups.append(
            FailoverSetup(
                "local",
                text(res.props.get("hostname")) or res.name,
                res,
                [res],
                endpoints,
                _ttl(res, res.props.get("ttlSeconds"), None, "ttlSeconds unset"),
                res,
                budget_local(hc) if checked else [Term("detection", None, "no healthCheck on the local DNS")],
                "a healthCheck {intervalSeconds, failureThreshold, timeoutSeconds} on the local DNS",
                recovery=failback_local(hc) if checked else [Term("recovery", None, "no healthCheck on the local DNS")],
            )
        )
    return setups


def failover_setups(model: Model) -> list[FailoverSetup]:
    """Every failover set-up in the stack, whichever provider serves it."""
    return [*_route53(model), *_traffic_manager(model), *_cloudflare(model), *_cloud_dns(model), *_local(model)]


def assign_workloads(
    setups: list[FailoverSetup], workloads: dict[str, Workload], config: PackConfig
) -> list[FailoverSetup]:
    """Attach each set-up to the workload it fronts, first rule that holds (docs/policies.md, "Attribution"):

    1. a workload tag on its resources (records, health checks, profiles, pools) or their ancestors;
    2. its hostname is one the workload's FailoverApp declares;
    3. its resources point at the workload's own resources (property dependencies, up to three hops:
       record -> health check -> load balancer).

    A set-up none of these attach stays unattributed: it fronts no workload, however few there are.
    """
    members: dict[str, str] = {}
    for name in sorted(workloads):
        for res in workloads[name].resources:
            members.setdefault(res.urn, name)
    for setup in setups:
        setup.workload = (
            _tagged_workload(setup, config)
            or next((w for w in sorted(workloads) if setup.hostname in workloads[w].declared_hostnames), None)
            or _linked_workload(setup, members, config)
        )
    return setups


def _tagged_workload(setup: FailoverSetup, config: PackConfig) -> str | None:
    for res in setup.resources + list(setup.resource.ancestors()):
        name = tags_of(res).get(config.workload_tag_key)
        if name:
            return name
    return None


def _linked_workload(setup: FailoverSetup, members: dict[str, str], config: PackConfig) -> str | None:
    found: set[str] = set()
    seen = {r.urn for r in setup.resources}
    frontier = list(setup.resources)
    for _ in range(3):
        step: list[Res] = []
        for res in frontier:
            for deps in res.property_dependencies.values():
                for dep in deps:
                    if dep.urn in seen:
                        continue
                    seen.add(dep.urn)
                    step.append(dep)
                    name = members.get(dep.urn) or tags_of(dep).get(config.workload_tag_key)
                    if name:
                        found.add(name)
        if found:
            return min(found)
        frontier = step
    return None


def critical_setups(setups: list[FailoverSetup], workloads: dict[str, Workload]) -> list[FailoverSetup]:
    """Set-ups attributed to a critical workload (an unattributed one fronts none: see ``assign_workloads``)."""
    return [s for s in setups if s.workload is not None and s.workload in workloads]
