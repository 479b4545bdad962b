"""Cloudflare backend under mocks: zone lookup, monitor, pools in priority order, load balancer, alerts, records."""

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
ALERT = "cloudflare:index/notificationPolicy:NotificationPolicy"
SETTING = "cloudflare:index/zoneSetting:ZoneSetting"
TRI = ["aws/us-east-1", "gcp/us-central1", "azure/westeurope"]
WEBHOOK = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415"
LOOKED_UP_ZONE = "1234567890abcdef1234567890abcdef"


class CloudflareZones(PlausibleMocks):
    """``getZone`` as the provider documents it: exactly one of ``zone_id`` and ``filter`` (the data source's
    ConfigValidators: ExactlyOneOf), and a result that carries the zone's id in ``zone_id`` (``id`` may be blank:
    cloudflare/terraform-provider-cloudflare#5245) and its account in ``account``. Nothing else is returned."""

    def __init__(self) -> None:
        super().__init__()
        self.queries: list[dict[str, Any]] = []

    def call(self, args: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        if args.token != "cloudflare:index/getZone:getZone":
            return super().call(args)
        query = {k: v for k, v in args.args.items() if v is not None}
        self.queries.append(query)
        assert len({"zoneId", "filter"} & set(query)) == 1, query
        zone_id = query.get("zoneId", LOOKED_UP_ZONE)
        return {"zoneId": zone_id, "name": "example.com", "account": {"id": CF_ACCOUNT, "name": "acme"}}, []


def run(spec: Any, **kw: Any) -> tuple[Any, list[Any], CloudflareZones]:
    mocks = CloudflareZones()
    infra, records = run_backend(None, spec, mocks=mocks, **kw)  # type: ignore[arg-type]  # mocks given: no recorder
    return infra, records, mocks


def test_one_monitor_with_the_health_settings_in_the_zones_account() -> None:
    infra, (record,), _ = run(make_spec("cloudflare", TRI))
    infra.assert_resource_count(MONITOR, 1)
    infra.assert_has_resource(
        MONITOR,
        {
            # Not configured: the account is the zone's (getZone's `account.id`).
            "accountId": CF_ACCOUNT,
            "type": "https",
            "method": "GET",
            "path": "/health",
            "port": 443,
            "interval": 15,
            "timeout": 5,
            "retries": 1,
            # The API's default for both counts is 0 (Cloudflare API, Load Balancer Monitors): set them.
            "consecutiveDown": 2,
            "consecutiveUp": 2,
            "expectedCodes": "200",
            "header": {"Host": ["shop.example.com"]},
        },
    )
    assert record.provider == "cloudflare" and len(record.health_checks) == 1


def test_the_zone_is_looked_up_by_its_id_and_the_account_derived_from_it() -> None:
    infra, _, mocks = run(make_spec("cloudflare"))
    assert mocks.queries == [{"zoneId": CF_ZONE}]
    assert infra.named("shop-cf-lb").inputs["zoneId"] == CF_ZONE
    assert {p.inputs["accountId"] for p in infra.resources_of(POOL)} == {CF_ACCOUNT}


def test_without_zone_id_the_zone_is_found_by_name_and_its_zone_id_used() -> None:
    # `id` is not in the mock's answer: code that read the data source's `id` gets nothing here.
    infra, _, mocks = run(make_spec("cloudflare", zoneId=None))
    assert mocks.queries == [{"filter": {"name": "example.com", "match": "all"}}]
    assert infra.named("shop-cf-lb").inputs["zoneId"] == LOOKED_UP_ZONE
    assert infra.named("shop-aws-cert-validation").inputs["zoneId"] == LOOKED_UP_ZONE


def test_with_account_id_the_zone_is_found_by_name_in_that_account() -> None:
    infra, _, mocks = run(make_spec("cloudflare", zoneId=None, accountId=CF_ACCOUNT))
    assert mocks.queries == [{"filter": {"name": "example.com", "match": "all", "account": {"id": CF_ACCOUNT}}}]
    assert infra.named("shop-cf-monitor").inputs["accountId"] == CF_ACCOUNT


def test_as_secondary_the_zone_is_looked_up_by_name() -> None:
    # Route 53's timeout is fixed: the shared timeoutSeconds serves Cloudflare (a check and its retry within 10 s).
    hc = {"intervalSeconds": 10, "failureThreshold": 3, "timeoutSeconds": 4}
    spec = make_spec("route53", secondary="cloudflare", plan="enterprise", healthCheck=hc)
    infra, records, mocks = run(spec, with_secondary=True)
    assert [r.provider for r in records] == ["route53", "cloudflare"]
    assert mocks.queries == [{"filter": {"name": "example.com", "match": "all"}}]
    assert infra.named("shop-cf-lb").inputs["zoneId"] == LOOKED_UP_ZONE
    assert infra.named("shop-aws-cert-validation-secondary").inputs["zoneId"] == LOOKED_UP_ZONE


def test_a_pool_per_target_pools_in_priority_order_and_the_primary_as_fallback() -> None:
    spec = make_spec("cloudflare", TRI)
    infra, _, _ = run(spec)
    infra.assert_resource_count(POOL, 3)
    monitor_id = infra.resources_of(MONITOR)[0].id
    pool_ids = [infra.named(f"shop-{t.key}-cf-pool").id for t in spec.targets]
    for t in spec.targets:
        pool = infra.named(f"shop-{t.key}-cf-pool")
        assert pool.inputs["monitor"] == monitor_id
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
        # pulumi-cloudflare LoadBalancer.fallback_pool: "The pool ID to use when all other pools are detected as
        # unhealthy". Route 53 answers with the primary when every record is unhealthy: Cloudflare must too.
        "fallbackPool": pool_ids[0],
        "steeringPolicy": "off",
        "proxied": False,
        "ttl": 30,
    }
    assert "adaptiveRouting" not in lb.inputs


def test_proxied_load_balancer_has_no_ttl_retries_across_pools_and_strict_ssl() -> None:
    infra, (record,), _ = run(make_spec("cloudflare", proxied=True))
    lb = infra.named("shop-cf-lb")
    assert lb.inputs["proxied"] is True
    assert "ttl" not in lb.inputs
    # LoadBalancer.adaptive_routing.failover_across_pools: without it zero-downtime failover retries only within
    # the pool, and each pool holds one origin.
    assert lb.inputs["adaptiveRouting"] == {"failoverAcrossPools": True}
    # With SSL mode Flexible the proxy speaks HTTP to origins that redirect to HTTPS: a loop. The SDK documents
    # the zone setting `ssl` with values off | flexible | full | strict.
    ssl = infra.assert_has_resource(SETTING, {"zoneId": CF_ZONE, "settingId": "ssl", "value": "strict"})
    assert ssl.urn in lb.dependencies  # the mode is strict before the proxy sends traffic
    assert len(record.records) == 2 + 2  # two pools, the load balancer and the zone setting


def test_dns_only_load_balancer_leaves_the_zones_ssl_mode_alone() -> None:
    infra, _, _ = run(make_spec("cloudflare"))
    infra.assert_resource_count(SETTING, 0)


def test_health_alerts_go_to_the_configured_targets_for_the_stacks_pools() -> None:
    spec = make_spec("cloudflare", alertEmails=["oncall@example.com"], alertWebhookIds=[WEBHOOK])
    infra, _, _ = run(spec)
    alert = infra.assert_has_resource(
        ALERT,
        {
            "accountId": CF_ACCOUNT,
            # pulumi-cloudflare NotificationPolicy.alert_type: "load_balancing_health_alert"; mechanisms: "IDs for
            # email type will be the email address", webhook ids are destination UUIDs.
            "alertType": "load_balancing_health_alert",
            "enabled": True,
            "mechanisms": {"emails": [{"id": "oncall@example.com"}], "webhooks": [{"id": WEBHOOK}]},
        },
    )
    assert alert.inputs["filters"]["poolIds"] == [infra.named(f"shop-{t.key}-cf-pool").id for t in spec.targets]


def test_without_alert_targets_the_backend_warns_that_failover_is_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    messages: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda msg, *a, **k: messages.append(msg))
    infra, _, _ = run(make_spec("cloudflare"))
    infra.assert_resource_count(ALERT, 0)
    assert backend.SILENT_FAILOVER_WARNING in messages


def test_zone_records_are_dns_only_and_without_trailing_dots() -> None:
    infra, _, _ = run(make_spec("cloudflare"))
    infra.assert_has_resource(
        DNSREC,
        {
            "zoneId": CF_ZONE,
            "name": "_abc.shop.example.com",
            # Cloudflare stores and returns CNAME content without the trailing dot: a dotted value diffs every up.
            "content": "_def.acm-validations.aws",
            "type": "CNAME",
            "proxied": False,
            "ttl": 300,
        },
    )


def test_children_are_parented_and_described_with_the_workload() -> None:
    infra, _, _ = run(make_spec("cloudflare", proxied=True, alertEmails=["oncall@example.com"]))
    for r in infra.custom("cloudflare:"):
        assert infra.ancestors(r)[0] == "failoverkit:dns:CloudflareFailover", r.name
        if r.type == SETTING:
            continue  # a zone setting takes only its value
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
        mocks=CloudflareZones(),
    )
    assert messages == ([backend.PLAIN_TEXT_TOKEN_WARNING] if warned else [])
    assert not any("tok-s3cr3t" in m for m in messages)


@pytest.mark.parametrize(
    ("dns", "message"),
    [
        ({"zoneId": "example.com"}, "dns.zoneId: must be a 32-character hex Cloudflare zone id"),
        ({"accountId": CF_ACCOUNT}, "dns.accountId: give dns.zoneId or dns.accountId, not both"),
        ({"ttl": 10}, "dns.ttl: cloudflare DNS-only load balancers allow 30 to 86400"),
        ({"ttl": 0}, "dns.ttl: cloudflare DNS-only load balancers allow 30 to 86400"),
        # Cloudflare "Create monitors": minimum interval 60 (Pro), 15 (Business), 10 (Enterprise).
        ({"plan": None}, "dns.healthCheck.intervalSeconds: cloudflare allows 60 to 3600 on the pro plan"),
        (
            {"plan": "enterprise", "healthCheck": {"intervalSeconds": 5, "timeoutSeconds": 2}},
            "dns.healthCheck.intervalSeconds: cloudflare allows 10 to 3600 on the enterprise plan",
        ),
        (
            {"healthCheck": {"intervalSeconds": 15, "timeoutSeconds": 15}},
            "dns.healthCheck.timeoutSeconds: cloudflare allows 1",
        ),
        # A check and its immediate retry must end before the next check.
        (
            {"plan": "enterprise", "healthCheck": {"intervalSeconds": 10, "timeoutSeconds": 9}},
            "dns.healthCheck.timeoutSeconds: cloudflare retries a timed-out check 1 time at once",
        ),
        ({"healthCheck": {"failureThreshold": 11}}, "dns.healthCheck.failureThreshold: cloudflare"),
        ({"plan": "free"}, "dns.plan: must be one of pro | business | enterprise"),
        ({"alertEmails": "ops@example.com"}, "dns.alertEmails: must be a list of strings"),
    ],
)
def test_validation_errors(dns: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_spec(config("cloudflare", **dns))
    assert any(p.startswith(message) for p in err.value.problems), err.value.problems
