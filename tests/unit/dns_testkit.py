"""Helpers for the DNS backend tests: a validated spec, hand-built endpoints, one backend run under mocks.

Example::

    spec = make_spec("route53", ["aws/us-east-1", "gcp/us-central1"])
    infra, record = run_backend(recorder, spec)
    infra.assert_resource_count("aws:route53/healthCheck:HealthCheck", 2)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

import pulumi
from assertions import Infra
from failoverkit.clouds import Endpoint
from failoverkit.dns import FailoverRecord, open_backend
from failoverkit.spec import DnsProvider, FailoverSpec, Target, parse_spec

CF_ACCOUNT = "0123456789abcdef0123456789abcdef"
CF_ZONE = "fedcba9876543210fedcba9876543210"

# What each provider needs beyond provider+zone, so tests only spell out what they vary.
REQUIRED: dict[str, dict[str, Any]] = {
    "route53": {},
    "traffic-manager": {"resourceGroup": "rg-dns"},
    # The account is read from the zone; 15 s checks (TYPICAL_HC) need the Business plan.
    "cloudflare": {"zoneId": CF_ZONE, "plan": "business"},
    "cloud-dns": {"managedZone": "example-com"},
}
TYPICAL_HC = {
    "route53": {"intervalSeconds": 10, "failureThreshold": 3},
    "traffic-manager": {"intervalSeconds": 10, "failureThreshold": 3, "timeoutSeconds": 5},
    "cloudflare": {"intervalSeconds": 15, "failureThreshold": 2, "timeoutSeconds": 5},
    "cloud-dns": {"intervalSeconds": 30, "failureThreshold": 2, "timeoutSeconds": 5},
}


def config(
    provider: str,
    placements: Sequence[str] = ("aws/us-east-1", "gcp/us-central1"),
    *,
    rto: int = 600,
    **dns: Any,
) -> dict[str, Any]:
    """FailoverAppArgs for ``placements`` (``cloud/region``) behind ``provider``; ``dns`` overrides dns keys."""
    base: dict[str, Any] = {"provider": provider, "zone": "example.com", "ttl": 30, "healthCheck": TYPICAL_HC[provider]}
    base.update(REQUIRED[provider])
    base.update(dns)
    return {
        "app": {"name": "shop", "image": "ghcr.io/acme/shop:1.4.2"},
        "hostname": "shop.example.com",
        "targets": [dict(zip(("cloud", "region"), p.split("/"), strict=True)) for p in placements],
        "dns": {k: v for k, v in base.items() if v is not None},
        "rtoSeconds": rto,
    }


def make_spec(
    provider: str, placements: Sequence[str] = ("aws/us-east-1", "gcp/us-central1"), **dns: Any
) -> FailoverSpec:
    return parse_spec(config(provider, placements, **dns))


def make_endpoint(target: Target) -> Endpoint:
    """What a cloud target hands DNS: ALB name (aws), static IP (gcp), Container Apps FQDN + static IP (azure)."""
    if target.cloud.value == "gcp":
        ip = f"34.1.{target.priority}.10"
        return Endpoint(target, pulumi.Output.from_input(ip), "HTTPS", 443, "/health", pulumi.Output.from_input(ip))
    if target.cloud.value == "azure":
        fqdn = f"shop-{target.region}.azurecontainerapps.io"
        ip = f"20.1.{target.priority}.20"
        return Endpoint(target, pulumi.Output.from_input(fqdn), "HTTPS", 443, "/health", pulumi.Output.from_input(ip))
    alb = f"shop-{target.region}-123.{target.region}.elb.amazonaws.com"
    return Endpoint(target, pulumi.Output.from_input(alb), "HTTPS", 443, "/health")


def run_backend(
    recorder: Callable[..., Any],
    spec: FailoverSpec,
    *,
    module: str | None = None,
    with_secondary: bool = False,
    endpoints: Callable[[FailoverSpec], list[Endpoint]] | None = None,
    zone_record: bool = True,
    mocks: Any = None,
) -> tuple[Infra, list[FailoverRecord]]:
    """Open the spec's backend (and secondary) under a stand-in FailoverApp, write one zone record, publish."""
    published: list[FailoverRecord] = []

    def program() -> None:
        parent = pulumi.ComponentResource("failoverkit:index:FailoverApp", spec.app.name, None)
        if module is not None:
            backends = [importlib.import_module(f"failoverkit.dns.{module}").open(spec, parent)]
        else:
            providers: list[DnsProvider] = [spec.dns.provider] + ([spec.dns.secondary] if spec.dns.secondary else [])
            backends = [open_backend(p, spec, parent) for p in (providers if with_secondary else providers[:1])]
        if zone_record:
            for i, b in enumerate(backends):
                b.zone.record(
                    f"shop-aws-cert-validation{'-secondary' if i else ''}",
                    record_name="_abc.shop.example.com.",
                    record_type="CNAME",
                    value="_def.acm-validations.aws.",
                    ttl_seconds=300,
                )
        eps = (endpoints or (lambda s: [make_endpoint(t) for t in s.targets]))(spec)
        published.extend(b.publish(eps) for b in backends)

    if mocks is not None:
        from failoverkit.check.mocks import run_program

        resources = run_program(program, project="failoverkit", stack="test", mocks=mocks)
    else:
        resources = recorder(program)
    return Infra(resources), published
