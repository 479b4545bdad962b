"""The failover-time budget per backend, its validation, and how parse_spec applies both."""

from __future__ import annotations

import dataclasses

import pytest
from dns_testkit import CF_ACCOUNT, CF_ZONE, config
from failoverkit.budget import (
    PROVIDERS,
    ROUTE53_CHECK_TIMEOUT_SECONDS,
    HealthCheck,
    default_health_check,
    failover_budget,
    validate,
    validate_settings,
    worst_budget,
)
from failoverkit.errors import ConfigError
from failoverkit.spec import parse_spec
from hypothesis import given
from hypothesis import strategies as st

# (provider, health check, ttl, proxied) -> hand-computed seconds, term by term
HAND_COMPUTED = [
    # route53: 3 x 10 s + 3 x (4 s connect + 2 s reply) + 10 s propagation + 30 s TTL
    ("route53", HealthCheck(10, 3, 6, 3), 30, False, "detection 30 + check timeouts 18 + propagation 10 + ttl 30", 88),
    ("route53", HealthCheck(30, 3, 6, 3), 60, False, "detection 90 + check timeouts 18 + propagation 10 + ttl 60", 178),
    ("route53", HealthCheck(10, 1, 6, 1), 0, False, "detection 10 + check timeouts 6 + propagation 10 + ttl 0", 26),
    # traffic-manager: (tolerated 2 + 1) x 10 s + one 5 s timeout + 10 s + 30 s TTL
    (
        "traffic-manager",
        HealthCheck(10, 3, 5, 3),
        30,
        False,
        "detection 30 + check timeout 5 + propagation 10 + ttl 30",
        75,
    ),
    (
        "traffic-manager",
        HealthCheck(30, 4, 10, 4),
        60,
        False,
        "detection 120 + check timeout 10 + propagation 10 + ttl 60",
        200,
    ),
    # cloudflare: 2 x 15 s + 5 s x (1 + 1 retry) + 10 s + TTL (none when proxied; 0 counts as 30)
    (
        "cloudflare",
        HealthCheck(15, 2, 5, 2),
        30,
        False,
        "detection 30 + check timeout 10 + propagation 10 + ttl 30",
        80,
    ),
    ("cloudflare", HealthCheck(15, 2, 5, 2), 30, True, "detection 30 + check timeout 10 + propagation 10 + ttl 0", 50),
    ("cloudflare", HealthCheck(15, 2, 5, 2), 0, False, "detection 30 + check timeout 10 + propagation 10 + ttl 30", 80),
    # cloud-dns: 2 x 30 s + 5 s + 30 s propagation + 30 s TTL
    ("cloud-dns", HealthCheck(30, 2, 5, 2), 30, False, "detection 60 + check timeout 5 + propagation 30 + ttl 30", 125),
    # local: 2 x 1 s + 0.5 s + 1 s TTL
    ("local", HealthCheck(1, 2, 0.5, 2), 1, False, "detection 2 + check timeout 0.5 + ttl 1", 3.5),
]


@pytest.mark.parametrize(("provider", "hc", "ttl", "proxied", "formula", "total"), HAND_COMPUTED)
def test_budget_matches_hand_computed(
    provider: str, hc: HealthCheck, ttl: int, proxied: bool, formula: str, total: float
) -> None:
    budget = failover_budget(provider, hc, ttl, proxied=proxied)
    assert budget.formula == formula
    assert budget.total_seconds == total
    assert budget.provider == provider


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_term_names_its_source_and_advice_names_a_knob(provider: str) -> None:
    budget = failover_budget(provider, default_health_check(provider), 30)
    assert all(t.source for t in budget.terms)
    assert "dns.ttl" in budget.advice or "dns.healthCheck" in budget.advice
    assert "rtoSeconds" in budget.advice


@pytest.mark.parametrize("provider", PROVIDERS)
def test_defaults_pass_their_own_validation(provider: str) -> None:
    ttl = 1 if provider == "local" else 30
    assert validate(provider, default_health_check(provider), ttl) == []


@given(
    provider=st.sampled_from(PROVIDERS),
    interval=st.integers(1, 300),
    threshold=st.integers(1, 10),
    timeout=st.integers(1, 10),
    ttl=st.integers(0, 3600),
    field=st.sampled_from(["interval_seconds", "failure_threshold", "timeout_seconds", "ttl"]),
    bump=st.integers(1, 100),
    proxied=st.booleans(),
)
def test_budget_is_monotonic_in_every_knob(
    provider: str, interval: int, threshold: int, timeout: int, ttl: int, field: str, bump: int, proxied: bool
) -> None:
    hc = HealthCheck(interval, threshold, timeout, threshold)
    before = failover_budget(provider, hc, ttl, proxied=proxied).total_seconds
    if field == "ttl":
        after = failover_budget(provider, hc, ttl + bump, proxied=proxied).total_seconds
    else:
        bigger = dataclasses.replace(hc, **{field: getattr(hc, field) + bump})
        after = failover_budget(provider, bigger, ttl, proxied=proxied).total_seconds
    assert after >= before


def test_worst_budget_is_the_slower_provider() -> None:
    hc = HealthCheck(30, 2, 5, 2)
    worst = worst_budget(["cloudflare", "cloud-dns"], hc, 30)
    assert worst.provider == "cloud-dns"
    assert worst.total_seconds == max(failover_budget(p, hc, 30).total_seconds for p in ("cloudflare", "cloud-dns"))


# --- range validation (messages relative to dns.) ---

RANGE_ERRORS = [
    ("route53", HealthCheck(15, 3, 6, 3), 30, "healthCheck.intervalSeconds: route53 allows 10 or 30, got 15"),
    ("route53", HealthCheck(10, 11, 6, 11), 30, "healthCheck.failureThreshold: route53 allows 1 to 10, got 11"),
    ("route53", HealthCheck(10, 3, 10, 3), 30, "healthCheck.timeoutSeconds: route53 fixes the check timeout at 6"),
    ("route53", HealthCheck(10, 3, 6, 2), 30, "healthCheck.recoveryThreshold: route53 uses failureThreshold (3)"),
    ("traffic-manager", HealthCheck(20, 3, 5, 3), 30, "healthCheck.intervalSeconds: traffic-manager allows 10 or 30"),
    ("traffic-manager", HealthCheck(10, 11, 5, 11), 30, "healthCheck.failureThreshold: traffic-manager allows 1 to 10"),
    (
        "traffic-manager",
        HealthCheck(10, 3, 10, 3),
        30,
        "healthCheck.timeoutSeconds: traffic-manager allows whole seconds 5 to 9 with a 10 s interval, got 10",
    ),
    (
        "traffic-manager",
        HealthCheck(30, 3, 4, 3),
        30,
        "healthCheck.timeoutSeconds: traffic-manager allows whole seconds 5 to 10 with a 30 s interval, got 4",
    ),
    ("cloudflare", HealthCheck(4, 2, 2, 2), 30, "healthCheck.intervalSeconds: cloudflare allows 5 to 3600, got 4"),
    ("cloudflare", HealthCheck(15, 2, 11, 2), 30, "healthCheck.timeoutSeconds: cloudflare allows 1 to 10, got 11"),
    ("cloudflare", HealthCheck(5, 2, 5, 2), 30, "healthCheck.timeoutSeconds: cloudflare needs timeout below interval"),
    ("cloudflare", HealthCheck(15, 2, 5, 2), 10, "ttl: cloudflare load balancers allow 30 to 86400"),
    ("cloud-dns", HealthCheck(10, 2, 5, 2), 30, "healthCheck.intervalSeconds: cloud-dns allows 30 to 300, got 10"),
    ("cloud-dns", HealthCheck(30, 2, 31, 2), 30, "healthCheck.timeoutSeconds: cloud-dns needs timeout <= interval"),
    ("local", HealthCheck(1, 2, 1, 2), 1, "healthCheck.timeoutSeconds: local needs timeout below interval (1), got 1"),
]


@pytest.mark.parametrize(("provider", "hc", "ttl", "message"), RANGE_ERRORS)
def test_each_range_error(provider: str, hc: HealthCheck, ttl: int, message: str) -> None:
    problems = validate(provider, hc, ttl)
    assert any(p.startswith(message) for p in problems), problems


def test_secondary_messages_say_so_and_skip_route53s_fixed_timeout() -> None:
    hc = HealthCheck(15, 3, 10, 3)
    problems = validate("route53", hc, 30, secondary=True)
    assert problems == ["healthCheck.intervalSeconds: route53 (dns.secondary) allows 10 or 30, got 15"]
    assert validate("route53", HealthCheck(10, 3, 10, 3), 30, secondary=True) == []


# --- backend settings ---


def _settings(provider: str, secondary: str | None = None, **kw: object) -> list[str]:
    args: dict[str, object] = {"hostname": "shop.example.com", "zone": "example.com", "target_clouds": ["aws", "gcp"]}
    args.update(kw)
    return validate_settings(provider, secondary, **args)  # type: ignore[arg-type]


SETTINGS_ERRORS = [
    (("cloudflare",), {"zone_id": CF_ZONE}, "accountId: is required with cloudflare (dns.provider)"),
    (("cloudflare",), {"account_id": CF_ACCOUNT}, "zoneId: is required with provider cloudflare"),
    (("cloudflare",), {"account_id": "acme", "zone_id": CF_ZONE}, "accountId: must be a 32-character hex"),
    (("route53", "cloudflare"), {}, "accountId: is required with cloudflare (dns.secondary)"),
    (("route53",), {"zone_id": "example.com"}, "zoneId: must be a Route 53 hosted zone id"),
    (("route53",), {"hostname": "example.com"}, "provider: route53 publishes 'example.com' as a CNAME"),
    (("traffic-manager",), {}, "resourceGroup: is required with traffic-manager (dns.provider)"),
    (
        ("traffic-manager", "route53"),
        {"resource_group": "rg", "zone_id": "Z0123456789"},
        "zoneId: traffic-manager would write the hostname into the Route 53 zone",
    ),
    (("cloud-dns",), {"target_clouds": ["gcp", "azure"]}, "managedZone: is required with cloud-dns"),
    (
        ("cloud-dns",),
        {"managed_zone": "z", "target_clouds": ["gcp", "aws"]},
        "provider: cloud-dns fails over between static IPs only; targets[1] (aws) sits behind an ALB with no "
        "static IP; use route53 or cloudflare",
    ),
    (("route53",), {"proxied": True}, "proxied: applies only to cloudflare"),
    (("route53",), {"managed_zone": "z"}, "managedZone: applies only to cloud-dns"),
    (("route53",), {"resource_group": "rg"}, "resourceGroup: applies only to traffic-manager"),
    (("route53",), {"account_id": CF_ACCOUNT}, "accountId: applies only to cloudflare"),
    (("cloud-dns",), {"managed_zone": "z", "zone_id": "Z1", "target_clouds": ["gcp"]}, "zoneId: applies to route53"),
]


@pytest.mark.parametrize(("providers", "kw", "message"), SETTINGS_ERRORS)
def test_each_settings_error(providers: tuple[str, ...], kw: dict[str, object], message: str) -> None:
    problems = _settings(*providers, **kw)
    assert any(p.startswith(message) for p in problems), problems


def test_complete_settings_pass() -> None:
    assert _settings("cloudflare", zone_id=CF_ZONE, account_id=CF_ACCOUNT) == []
    assert _settings("route53") == []
    assert _settings("traffic-manager", "cloudflare", resource_group="rg", account_id=CF_ACCOUNT) == []
    assert _settings("cloud-dns", managed_zone="z", target_clouds=["gcp", "azure"]) == []


# --- through parse_spec: the user's view ---


def test_parse_spec_prefixes_dns_and_collects_every_problem() -> None:
    args = config("cloudflare", accountId=None, zoneId=None, healthCheck={"intervalSeconds": 2})
    with pytest.raises(ConfigError) as err:
        parse_spec(args)
    problems = err.value.problems
    assert "dns.healthCheck.intervalSeconds: cloudflare allows 5 to 3600, got 2" in problems
    assert any(p.startswith("dns.accountId: is required with cloudflare") for p in problems)
    assert any(p.startswith("dns.zoneId: is required with provider cloudflare") for p in problems)


def test_parse_spec_refuses_aws_targets_on_cloud_dns_naming_alternatives() -> None:
    with pytest.raises(
        ConfigError, match=r"dns\.provider: cloud-dns .* targets\[0\] \(aws\) .* use route53 or cloudflare"
    ):
        parse_spec(config("cloud-dns"))


def test_parse_spec_validates_the_secondary_against_the_shared_settings() -> None:
    args = config(
        "route53", secondary="cloud-dns", managedZone="example-com", placements=["gcp/us-central1", "azure/westeurope"]
    )
    with pytest.raises(
        ConfigError, match=r"dns\.healthCheck\.intervalSeconds: cloud-dns \(dns\.secondary\) allows 30 to 300, got 10"
    ):
        parse_spec(args)


def test_parse_spec_refuses_a_budget_over_rto_naming_the_knob() -> None:
    with pytest.raises(ConfigError) as err:
        parse_spec(config("route53", rto=60))
    (message,) = err.value.problems
    assert message.startswith("rtoSeconds: worst-case failover with route53 is 88 s")
    assert "detection 30 + check timeouts 18 + propagation 10 + ttl 30" in message
    assert "dns.ttl" in message and "intervalSeconds" in message


def test_spec_budget_with_secondary_is_the_worse_provider() -> None:
    spec = parse_spec(
        config("cloudflare", secondary="route53", healthCheck={"intervalSeconds": 10, "failureThreshold": 3})
    )
    assert spec.budget.provider == "route53"
    assert spec.budget.total_seconds == 3 * 10 + 3 * ROUTE53_CHECK_TIMEOUT_SECONDS + 10 + 30
