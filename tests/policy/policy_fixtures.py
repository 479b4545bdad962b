"""Build what the engine sends a stack policy, and two compliant baselines to mutate per test.

``StackBuilder`` makes ``pulumi_policy.PolicyResource`` objects the way the analyzer
servicer does (properties behind pulumi-policy's unknown-checking proxy, provider
resource with its inputs, parent and property dependencies resolved to objects),
so policies see here exactly the shapes they see under the engine.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    StackValidationArgs,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

UNKNOWN = UNKNOWN_STRING_VALUE
"""What the engine sends for a value not known during preview (an ALB's DNS name, an id)."""

STACK = "urn:pulumi:dev::shop"
TAGS = {"workload": "shop", "criticality": "critical", "managed-by": "failoverkit"}


@dataclass
class Spec:
    type: str
    name: str
    props: dict[str, Any]
    provider: str | None = None
    parent: str | None = None
    deps: dict[str, list[str]] = field(default_factory=dict)


class StackBuilder:
    """An ordered set of resources, by logical name; ``args(config)`` builds ``StackValidationArgs``."""

    def __init__(self) -> None:
        self.specs: dict[str, Spec] = {}

    def add(
        self,
        type_: str,
        name: str,
        props: dict[str, Any] | None = None,
        *,
        provider: str | None = None,
        parent: str | None = None,
        deps: dict[str, list[str]] | None = None,
    ) -> StackBuilder:
        self.specs[name] = Spec(type_, name, dict(props or {}), provider, parent, dict(deps or {}))
        return self

    def remove(self, *names: str) -> StackBuilder:
        for name in names:
            del self.specs[name]
        return self

    def props(self, name: str) -> dict[str, Any]:
        return self.specs[name].props

    def copy(self) -> StackBuilder:
        other = StackBuilder()
        other.specs = copy.deepcopy(self.specs)
        return other

    def urn(self, name: str) -> str:
        return f"{STACK}::{self.specs[name].type}::{name}"

    def args(self, config: dict[str, Any] | None = None) -> StackValidationArgs:
        resources: dict[str, PolicyResource] = {}
        for s in self.specs.values():
            prov = None
            if s.provider is not None:
                p = self.specs[s.provider]
                prov = PolicyProviderResource(
                    p.type, unknown_checking_proxy(copy.deepcopy(p.props)), self.urn(p.name), p.name
                )
            opts = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)
            props = unknown_checking_proxy(copy.deepcopy(s.props))
            resources[s.name] = PolicyResource(s.type, props, self.urn(s.name), s.name, opts, prov, None, [], {})
        for s in self.specs.values():
            r = resources[s.name]
            if s.parent is not None and s.parent in resources:
                r.parent = resources[s.parent]
                r.opts.parent = self.urn(s.parent)
            r.property_dependencies = {k: [resources[d] for d in v if d in resources] for k, v in s.deps.items()}
            r.dependencies = [d for v in r.property_dependencies.values() for d in v]
        return StackValidationArgs(list(resources.values()), config or {})


def cloud_baseline() -> StackBuilder:
    """A compliant two-cloud critical workload: ECS+ALB in aws/us-east-1 (primary), Cloud Run in gcp/us-central1,
    Route 53 failover with a health check per endpoint, and Cloudflare as the zone's second DNS provider."""
    b = StackBuilder()
    b.add("pulumi:providers:aws", "default_7_51_1", {"region": "us-east-1", "version": "7.51.1"})
    b.add("pulumi:providers:gcp", "default_10_2_0", {"project": "acme-shop", "version": "10.2.0"})
    b.add("pulumi:providers:cloudflare", "default_6_23_1", {"version": "6.23.1"})
    b.add(
        "failoverkit:index:FailoverApp",
        "shop",
        {
            "placements": ["aws/us-east-1", "gcp/us-central1"],
            "tags": dict(TAGS),
            "rtoSeconds": 120,
            "failoverBudgetSeconds": 64,
            "dns": {
                "providers": ["route53", "cloudflare"],
                "hostname": "shop.example.com",
                "ttlSeconds": 30,
                "healthCheck": {"intervalSeconds": 10, "failureThreshold": 3, "timeoutSeconds": 4},
            },
        },
    )
    aws = {"provider": "default_7_51_1", "parent": "shop"}
    tags = {"tags": dict(TAGS), "tagsAll": dict(TAGS), "region": "us-east-1"}
    b.add("aws:ecs/cluster:Cluster", "shop-aws-us-east-1-cluster", {"name": UNKNOWN, **tags}, **aws)
    b.add(
        "aws:ecs/service:Service",
        "shop-aws-us-east-1-service",
        {"desiredCount": 2, "launchType": "FARGATE", "cluster": UNKNOWN, **tags},
        deps={"cluster": ["shop-aws-us-east-1-cluster"]},
        **aws,
    )
    b.add(
        "aws:lb/loadBalancer:LoadBalancer",
        "shop-aws-us-east-1-alb",
        {"loadBalancerType": "application", "dnsName": UNKNOWN, **tags},
        **aws,
    )
    gcp = {"provider": "default_10_2_0", "parent": "shop"}
    b.add(
        "gcp:cloudrunv2/service:Service",
        "shop-gcp-us-central1-run",
        {"location": "us-central1", "labels": dict(TAGS), "template": {"scaling": {"minInstanceCount": 1}}},
        **gcp,
    )
    b.add(
        "gcp:compute/globalAddress:GlobalAddress",
        "shop-gcp-us-central1-ip",
        {"labels": dict(TAGS), "address": UNKNOWN},
        **gcp,
    )
    hc = {"type": "HTTPS", "resourcePath": "/health", "port": 443, "requestInterval": 10, "failureThreshold": 3}
    b.add(
        "aws:route53/healthCheck:HealthCheck",
        "shop-aws-us-east-1-r53-health",
        {**hc, "fqdn": UNKNOWN, "tags": dict(TAGS)},
        deps={"fqdn": ["shop-aws-us-east-1-alb"]},
        **aws,
    )
    b.add(
        "aws:route53/healthCheck:HealthCheck",
        "shop-gcp-us-central1-r53-health",
        {**hc, "ipAddress": UNKNOWN, "fqdn": "shop.example.com", "tags": dict(TAGS)},
        deps={"ipAddress": ["shop-gcp-us-central1-ip"]},
        **aws,
    )
    record = {"zoneId": "Z0123456789", "name": "shop.example.com", "type": "CNAME", "ttl": 30}
    b.add(
        "aws:route53/record:Record",
        "shop-aws-us-east-1-r53-primary",
        {
            **record,
            "records": [UNKNOWN],
            "setIdentifier": "aws-us-east-1",
            "failoverRoutingPolicies": [{"type": "PRIMARY"}],
            "healthCheckId": UNKNOWN,
        },
        deps={"records": ["shop-aws-us-east-1-alb"], "healthCheckId": ["shop-aws-us-east-1-r53-health"]},
        **aws,
    )
    b.add(
        "aws:route53/record:Record",
        "shop-gcp-us-central1-r53-secondary",
        {
            **record,
            "records": ["gcp-us-central1.shop.example.com"],
            "setIdentifier": "gcp-us-central1",
            "failoverRoutingPolicies": [{"type": "SECONDARY"}],
            "healthCheckId": UNKNOWN,
        },
        deps={"healthCheckId": ["shop-gcp-us-central1-r53-health"]},
        **aws,
    )
    # Cloudflare serves the zone too (dns.secondary): a load balancer over one pool per target, one monitor.
    cf = {"provider": "default_6_23_1", "parent": "shop"}
    b.add(
        "cloudflare:index/loadBalancerMonitor:LoadBalancerMonitor",
        "shop-cf-monitor",
        {"type": "https", "path": "/health", "interval": 15, "retries": 1, "timeout": 5, "consecutiveDown": 2},
        **cf,
    )
    for key, dep in (("aws-us-east-1", "shop-aws-us-east-1-alb"), ("gcp-us-central1", "shop-gcp-us-central1-ip")):
        b.add(
            "cloudflare:index/loadBalancerPool:LoadBalancerPool",
            f"shop-{key}-cf-pool",
            {
                "name": f"shop-{key}",
                "monitor": UNKNOWN,
                "origins": [{"name": key, "address": UNKNOWN, "enabled": True}],
            },
            deps={"monitor": ["shop-cf-monitor"], "origins": [dep]},
            **cf,
        )
    b.add(
        "cloudflare:index/loadBalancer:LoadBalancer",
        "shop-cf-lb",
        {
            "name": "shop.example.com",
            "zoneId": "cf-zone",
            "defaultPools": [UNKNOWN, UNKNOWN],
            "fallbackPool": UNKNOWN,
            "ttl": 30,
            "proxied": False,
            "steeringPolicy": "off",
        },
        deps={
            "defaultPools": ["shop-aws-us-east-1-cf-pool", "shop-gcp-us-central1-cf-pool"],
            "fallbackPool": ["shop-gcp-us-central1-cf-pool"],
        },
        **cf,
    )
    return b


LOCAL_TARGETS = (
    ("aws", "us-east-1", "127.0.10.1"),
    ("gcp", "europe-west1", "127.0.10.2"),
    ("azure", "westeurope", "127.0.10.3"),
)


def local_baseline(targets: tuple[tuple[str, str, str], ...] = LOCAL_TARGETS) -> StackBuilder:
    """The local stack as the engine shows it: a FailoverApp, one dynamic resource per simulated target and
    the local failover DNS server (stacks/Pulumi.local.yaml)."""
    b = StackBuilder()
    b.add("pulumi:providers:pulumi-python", "default", {})
    b.add("failoverkit:index:FailoverApp", "shop", {})  # component outputs may not be visible to the pack
    for i, (cloud, region, address) in enumerate(targets):
        name = f"shop-{cloud}-{region}"
        b.add(
            "pulumi-python:dynamic:Resource",
            name if name not in b.specs else f"{name}-{i}",
            {
                "__provider": "gASV...",
                "kind": "failoverkit:local:Target",
                "name": "shop",
                "cloud": cloud,
                "region": region,
                "address": address,
                "port": 8080,
                "healthPath": "/health",
                "priority": i,
                "tags": dict(TAGS),
            },
            provider="default",
            parent="shop",
        )
    b.add(
        "pulumi-python:dynamic:Resource",
        "shop-dns",
        {
            "__provider": "gASV...",
            "kind": "failoverkit:local:FailoverDns",
            "hostname": "shop.failoverkit.test",
            "zone": "failoverkit.test",
            "ttlSeconds": 1,
            "healthCheck": {"intervalSeconds": 1, "failureThreshold": 2, "timeoutSeconds": 0.5, "recoveryThreshold": 2},
            "endpoints": [
                {"priority": i, "cloud": c, "region": r, "address": a, "port": 8080, "healthPath": "/health"}
                for i, (c, r, a) in enumerate(targets)
            ],
            "listenAddress": "127.0.53.1",
            "listenPort": 10053,
            "tags": dict(TAGS),
        },
        provider="default",
        parent="shop",
    )
    return b
