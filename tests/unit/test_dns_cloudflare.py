"""Cloudflare backend under mocks: monitor, pools in priority order, load balancer, zone records, validation."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from dns_testkit import CF_ACCOUNT, CF_ZONE, config, make_spec, run_backend
from failoverkit.check.mocks import PlausibleMocks, run_program
from failoverkit.dns import cloudflare as backend
from failoverkit.errors import ConfigError
from failoverkit.spec import parse_spec

MONITOR = "cloudflare:index/loadBalancerMonitor:LoadBalancerMonitor"
POOL = "cloudflare:index/loadBalancerPool:LoadBalancerPool"
LB = "cloudflare:index/loadBalancer:LoadBalancer"
DNSREC = "cloudflare:index/dnsRecord:DnsRecord"
TRI = ["aws/us-east-1", "gcp/us-central1", "azure/westeurope"]


def test_one_monitor_with_the_health_settings(recorder: Any) -> None:
    infra, (record,) = run_backend(recorder, make_spec("cloudflare", TRI))
    infra.assert_resource_count(MONITOR, 1)
    infra.assert_has_resource(
        MONITOR,
        {
            "accountId": CF_ACCOUNT,
            "type": "https",
            "method": "GET",
            "path": "/health",
            "port": 443,
            "interval": 15,
            "timeout": 5,
            "retries": 1,
            "consecutiveDown": 2,
            "consecutiveUp": 2,
            "expectedCodes": "200",
            "header": {"Host": ["shop.example.com"]},
        },
    )
    assert record.provider == "cloudflare" and len(record.health_checks) == 1


def test_a_pool_per_target_and_pools_in_priority_order(recorder: Any) -> None:
    spec = make_spec("cloudflare", TRI)
    infra, _ = run_backend(recorder, spec)
    infra.assert_resource_count(POOL, 3)
    monitor_id = infra.resources_of(MONITOR)[0].id
    pool_ids = [infra.named(f"shop-{t.key}-cf-pool").id for t in spec.targets]
    for t in spec.targets:
        pool = infra.named(f"shop-{t.key}-cf-pool")
        assert pool.inputs["monitor"] == monitor_id
        assert pool.inputs["accountId"] == CF_ACCOUNT
        assert len(pool.inputs["checkRegions"]) == 3
        (origin,) = pool.inputs["origins"]
        assert origin["name"] == t.key and origin["enabled"] is True
    assert infra.named("shop-gcp-us-central1-cf-pool").inputs["origins"][0]["address"] == "34.1.1.10"
    lb = infra.named("shop-cf-lb")
    assert lb.inputs == {
        **lb.inputs,
        "zoneId": CF_ZONE,
        "name": "shop.example.com",
        "defaultPools": pool_ids,
        "fallbackPool": pool_ids[-1],
        "steeringPolicy": "off",
        "proxied": False,
        "ttl": 30,
    }


def test_proxied_load_balancer_has_no_ttl(recorder: Any) -> None:
    infra, _ = run_backend(recorder, make_spec("cloudflare", proxied=True))
    lb = infra.named("shop-cf-lb")
    assert lb.inputs["proxied"] is True
    assert "ttl" not in lb.inputs


def test_zone_records_are_dns_only(recorder: Any) -> None:
    infra, _ = run_backend(recorder, make_spec("cloudflare"))
    infra.assert_has_resource(
        DNSREC,
        {
            "zoneId": CF_ZONE,
            "name": "_abc.shop.example.com",
            "type": "CNAME",
            "content": "_def.acm-validations.aws.",
            "proxied": False,
            "ttl": 300,
        },
    )


def test_children_are_parented_and_described_with_the_workload(recorder: Any) -> None:
    infra, _ = run_backend(recorder, make_spec("cloudflare"))
    for r in infra.custom("cloudflare:"):
        assert infra.ancestors(r)[0] == "failoverkit:dns:CloudflareFailover", r.name
        text = r.inputs.get("description") or r.inputs.get("comment")
        assert "workload=shop" in text and "managed-by=failoverkit" in text, r.name


@pytest.mark.parametrize(("secret", "warned"), [(False, True), (True, False)])
def test_a_plain_text_api_token_is_warned_about_without_its_value(
    monkeypatch: pytest.MonkeyPatch, secret: bool, warned: bool
) -> None:
    messages: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda msg, *a, **k: messages.append(msg))

    def program() -> None:
        parent = pulumi.ComponentResource("failoverkit:index:FailoverApp", "shop", None)
        backend.open(make_spec("cloudflare"), parent)

    run_program(
        program,
        project="failoverkit",
        stack="test",
        config={"cloudflare:apiToken": "tok-s3cr3t"},
        secret_keys=["cloudflare:apiToken"] if secret else [],
    )
    assert messages == ([backend.PLAIN_TEXT_TOKEN_WARNING] if warned else [])
    assert not any("tok-s3cr3t" in m for m in messages)


class _ZoneLookupMocks(PlausibleMocks):
    def call(self, args: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        if args.token == "cloudflare:index/getZone:getZone":
            assert args.args["filter"]["name"] == "example.com"
            assert args.args["filter"]["account"]["id"] == CF_ACCOUNT
            return {"id": "looked0up0zone0id000000000000000", "name": "example.com"}, []
        return super().call(args)


def test_as_secondary_the_zone_is_looked_up_by_name(recorder: Any) -> None:
    spec = make_spec("route53", secondary="cloudflare", accountId=CF_ACCOUNT)
    infra, records = run_backend(recorder, spec, with_secondary=True, mocks=_ZoneLookupMocks())
    assert [r.provider for r in records] == ["route53", "cloudflare"]
    assert infra.named("shop-cf-lb").inputs["zoneId"] == "looked0up0zone0id000000000000000"
    assert infra.named("shop-aws-cert-validation-secondary").inputs["zoneId"] == "looked0up0zone0id000000000000000"


@pytest.mark.parametrize(
    ("dns", "message"),
    [
        ({"accountId": None}, "dns.accountId: is required with cloudflare"),
        ({"zoneId": None}, "dns.zoneId: is required with provider cloudflare"),
        ({"zoneId": "example.com"}, "dns.zoneId: must be a 32-character hex Cloudflare zone id"),
        ({"ttl": 10}, "dns.ttl: cloudflare load balancers allow 30 to 86400"),
        (
            {"healthCheck": {"intervalSeconds": 4, "timeoutSeconds": 2}},
            "dns.healthCheck.intervalSeconds: cloudflare allows 5",
        ),
        (
            {"healthCheck": {"intervalSeconds": 15, "timeoutSeconds": 15}},
            "dns.healthCheck.timeoutSeconds: cloudflare allows 1",
        ),
        ({"healthCheck": {"failureThreshold": 11}}, "dns.healthCheck.failureThreshold: cloudflare"),
    ],
)
def test_validation_errors(dns: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_spec(config("cloudflare", **dns))
    assert any(p.startswith(message) for p in err.value.problems), err.value.problems
