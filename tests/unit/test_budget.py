"""The per-provider failover and failback models, their validation, and how parse_spec and the docs use them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml
from dns_testkit import CF_ACCOUNT, CF_ZONE, config
from failoverkit import budget
from failoverkit.budget import (
    PROVIDERS,
    HealthCheck,
    default_health_check,
    failback_budget,
    failover_budget,
    validate,
    validate_settings,
    worst_budget,
)
from failoverkit.budget.route53 import CHECK_TIMEOUT_SECONDS as ROUTE53_CHECK_TIMEOUT_SECONDS
from failoverkit.errors import ConfigError
from failoverkit.spec import parse_spec
from hypothesis import given
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]

# (provider, health check, ttl, proxied) -> hand-computed seconds, term by term
HAND_COMPUTED = [
    # route53: 3 x 10 s + 3 x (4 s connect + 2 s reply) + 10 s propagation (estimate) + 30 s TTL
    (
        "route53",
        HealthCheck(10, 3, 6, 3),
        30,
        False,
        "detection 30 + check timeouts 18 + propagation 10 (estimate) + ttl 30",
        88,
    ),
    (
        "route53",
        HealthCheck(30, 3, 6, 3),
        60,
        False,
        "detection 90 + check timeouts 18 + propagation 10 (estimate) + ttl 60",
        178,
    ),
    (
        "route53",
        HealthCheck(10, 1, 6, 1),
        0,
        False,
        "detection 10 + check timeouts 6 + propagation 10 (estimate) + ttl 0",
        26,
    ),
    # traffic-manager: (tolerated 2 + 1) x 10 s + one 5 s timeout + 10 s + 30 s TTL
    (
        "traffic-manager",
        HealthCheck(10, 3, 5, 1),
        30,
        False,
        "detection 30 + check timeout 5 + propagation 10 (estimate) + ttl 30",
        75,
    ),
    (
        "traffic-manager",
        HealthCheck(30, 4, 10, 1),
        60,
        False,
        "detection 120 + check timeout 10 + propagation 10 (estimate) + ttl 60",
        200,
    ),
    # cloudflare: 2 x 15 s + 5 s x (1 + 1 retry) + 10 s + TTL (none when proxied)
    (
        "cloudflare",
        HealthCheck(15, 2, 5, 2),
        30,
        False,
        "detection 30 + check timeout 10 + propagation 10 (estimate) + ttl 30",
        80,
    ),
    (
        "cloudflare",
        HealthCheck(15, 2, 5, 2),
        30,
        True,
        "detection 30 + check timeout 10 + propagation 10 (estimate) + ttl 0",
        50,
    ),
    # cloud-dns: 2 x 30 s + 5 s + 30 s propagation + 30 s TTL
    (
        "cloud-dns",
        HealthCheck(30, 2, 5, 2),
        30,
        False,
        "detection 60 + check timeout 5 + propagation 30 (estimate) + ttl 30",
        125,
    ),
    # local: 2 x 1 s + 0.5 s + 1 s TTL
    ("local", HealthCheck(1, 2, 0.5, 2), 1, False, "detection 2 + check timeout 0.5 + ttl 1", 3.5),
]

# Failback: successes needed x interval + one check in flight when the origin recovers + propagation + TTL.
HAND_COMPUTED_FAILBACK = [
    # Route 53 has one threshold both ways (HealthCheckConfig.FailureThreshold): 3 x 10 + 6 + 10 + 30.
    (
        "route53",
        HealthCheck(10, 3, 6, 3),
        30,
        False,
        "recovery 30 + check timeout 6 + propagation 10 (estimate) + ttl 30",
        76,
    ),
    # Traffic Manager: one 200 OK restores the endpoint (no recovery threshold): 1 x 30 + 10 + 10 + 30.
    (
        "traffic-manager",
        HealthCheck(30, 4, 10, 1),
        30,
        False,
        "recovery 30 + check timeout 10 + propagation 10 (estimate) + ttl 30",
        80,
    ),
    # Cloudflare: consecutive_up x interval + timeout x (1 + 1 retry) + 10 + TTL.
    (
        "cloudflare",
        HealthCheck(15, 2, 5, 3),
        30,
        False,
        "recovery 45 + check timeout 10 + propagation 10 (estimate) + ttl 30",
        95,
    ),
    (
        "cloudflare",
        HealthCheck(15, 2, 5, 3),
        30,
        True,
        "recovery 45 + check timeout 10 + propagation 10 (estimate) + ttl 0",
        65,
    ),
    # Cloud DNS: healthyThreshold x checkIntervalSec + timeoutSec + 30 + TTL.
    (
        "cloud-dns",
        HealthCheck(30, 2, 5, 3),
        30,
        False,
        "recovery 90 + check timeout 5 + propagation 30 (estimate) + ttl 30",
        155,
    ),
    ("local", HealthCheck(1, 2, 0.5, 3), 1, False, "recovery 3 + check timeout 0.5 + ttl 1", 4.5),
]


@pytest.mark.parametrize(("provider", "hc", "ttl", "proxied", "formula", "total"), HAND_COMPUTED)
def test_failover_budget_matches_hand_computed(
    provider: str, hc: HealthCheck, ttl: int, proxied: bool, formula: str, total: float
) -> None:
    b = failover_budget(provider, hc, ttl, proxied=proxied)
    assert b.formula == formula
    assert b.total_seconds == total
    assert (b.provider, b.kind) == (provider, budget.FAILOVER)


@pytest.mark.parametrize(("provider", "hc", "ttl", "proxied", "formula", "total"), HAND_COMPUTED_FAILBACK)
def test_failback_budget_matches_hand_computed(
    provider: str, hc: HealthCheck, ttl: int, proxied: bool, formula: str, total: float
) -> None:
    b = failback_budget(provider, hc, ttl, proxied=proxied)
    assert b.formula == formula
    assert b.total_seconds == total
    assert (b.provider, b.kind) == (provider, budget.FAILBACK)


def test_route53_failback_counts_failure_threshold_whatever_recovery_says() -> None:
    # Route 53 API HealthCheckConfig: FailureThreshold is the count "to change the current status of the endpoint
    # from unhealthy to healthy or vice versa"; as a secondary it inherits another provider's recoveryThreshold.
    assert failback_budget("route53", HealthCheck(10, 3, 6, 1), 30).terms[0].seconds == 30


def test_traffic_manager_failback_takes_one_probe_whatever_recovery_says() -> None:
    # Traffic Manager endpoint monitoring, "Endpoint failover and recovery": the next probe that gets 200 OK
    # returns the endpoint to a healthy state.
    assert failback_budget("traffic-manager", HealthCheck(10, 3, 9, 3), 30).terms[0].seconds == 10


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_term_names_its_source_and_advice_names_a_knob(provider: str) -> None:
    for b in (
        failover_budget(provider, default_health_check(provider), 30),
        failback_budget(provider, default_health_check(provider), 30),
    ):
        assert all(t.source for t in b.terms)
        assert "dns.ttl" in b.advice or "dns.healthCheck" in b.advice
    assert "rtoSeconds" in failover_budget(provider, default_health_check(provider), 30).advice


@pytest.mark.parametrize("provider", PROVIDERS)
def test_propagation_is_the_only_estimate_and_the_formula_says_so(provider: str) -> None:
    """No provider documents how long a health-state change takes to reach its name servers: it is our allowance."""
    for b in (
        failover_budget(provider, default_health_check(provider), 30),
        failback_budget(provider, default_health_check(provider), 30),
    ):
        assert [t.name for t in b.estimates] == ([] if provider == "local" else ["propagation"])
        assert ("(estimate)" in b.formula) == bool(b.estimates)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_defaults_pass_their_own_validation(provider: str) -> None:
    ttl = 1 if provider == "local" else 30
    assert validate(provider, default_health_check(provider), ttl) == []


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_fastest_documented_settings_pass_validation(provider: str) -> None:
    fast = budget.MODELS[provider].FASTEST
    assert validate(provider, fast.health_check, fast.ttl_seconds, plan=fast.plan, proxied=fast.proxied) == []


@given(
    provider=st.sampled_from(PROVIDERS),
    interval=st.integers(1, 300),
    threshold=st.integers(1, 10),
    timeout=st.integers(1, 10),
    ttl=st.integers(0, 3600),
    field=st.sampled_from(["interval_seconds", "failure_threshold", "timeout_seconds", "recovery_threshold", "ttl"]),
    bump=st.integers(1, 100),
    proxied=st.booleans(),
    failback=st.booleans(),
)
def test_budgets_are_monotonic_in_every_knob(
    provider: str,
    interval: int,
    threshold: int,
    timeout: int,
    ttl: int,
    field: str,
    bump: int,
    proxied: bool,
    failback: bool,
) -> None:
    model = failback_budget if failback else failover_budget
    hc = HealthCheck(interval, threshold, timeout, threshold)
    before = model(provider, hc, ttl, proxied=proxied).total_seconds
    if field == "ttl":
        after = model(provider, hc, ttl + bump, proxied=proxied).total_seconds
    else:
        bigger = dataclasses.replace(hc, **{field: getattr(hc, field) + bump})
        after = model(provider, bigger, ttl, proxied=proxied).total_seconds
    assert after >= before


def test_worst_budget_is_the_slower_provider() -> None:
    hc = HealthCheck(30, 2, 5, 2)
    worst = worst_budget(["cloudflare", "cloud-dns"], hc, 30)
    assert worst.provider == "cloud-dns"
    assert worst.total_seconds == max(failover_budget(p, hc, 30).total_seconds for p in ("cloudflare", "cloud-dns"))


# --- defaults that depend on other settings ---


@pytest.mark.parametrize(("interval", "timeout"), [(10, 9), (30, 10)])
def test_traffic_manager_timeout_defaults_per_interval(interval: int, timeout: int) -> None:
    # Traffic Manager endpoint monitoring: "If the Probing Interval is set to 10 seconds ... If no Timeout value
    # is specified, it uses a default value of 9 seconds" (10 s at the 30 s interval).
    spec = parse_spec(config("traffic-manager", healthCheck={"intervalSeconds": interval}))
    assert spec.dns.health_check.timeout_seconds == timeout


def test_traffic_manager_recovery_defaults_to_one_probe() -> None:
    spec = parse_spec(config("traffic-manager", healthCheck={"intervalSeconds": 10, "failureThreshold": 3}))
    assert spec.dns.health_check.recovery_threshold == 1


def test_recovery_follows_an_explicit_failure_threshold_elsewhere() -> None:
    spec = parse_spec(config("cloudflare", healthCheck={"intervalSeconds": 60, "failureThreshold": 3}))
    assert spec.dns.health_check.recovery_threshold == 3


# --- range validation (messages relative to dns.) ---

RANGE_ERRORS = [
    ("route53", HealthCheck(15, 3, 6, 3), 30, "healthCheck.intervalSeconds: route53 allows 10 or 30, got 15"),
    ("route53", HealthCheck(10, 11, 6, 11), 30, "healthCheck.failureThreshold: route53 allows 1 to 10, got 11"),
    ("route53", HealthCheck(10, 3, 10, 3), 30, "healthCheck.timeoutSeconds: route53 fixes the check timeout at 6"),
    ("route53", HealthCheck(10, 3, 6, 2), 30, "healthCheck.recoveryThreshold: route53 uses failureThreshold (3)"),
    ("traffic-manager", HealthCheck(20, 3, 5, 1), 30, "healthCheck.intervalSeconds: traffic-manager allows 10 or 30"),
    ("traffic-manager", HealthCheck(10, 11, 5, 1), 30, "healthCheck.failureThreshold: traffic-manager allows 1 to 10"),
    (
        "traffic-manager",
        HealthCheck(10, 3, 10, 1),
        30,
        "healthCheck.timeoutSeconds: traffic-manager allows whole seconds 5 to 9 with a 10 s interval, got 10",
    ),
    (
        "traffic-manager",
        HealthCheck(30, 3, 4, 1),
        30,
        "healthCheck.timeoutSeconds: traffic-manager allows whole seconds 5 to 10 with a 30 s interval, got 4",
    ),
    # Traffic Manager has no recovery threshold: one probe that gets 200 OK restores an endpoint.
    (
        "traffic-manager",
        HealthCheck(10, 3, 5, 3),
        30,
        "healthCheck.recoveryThreshold: traffic-manager has no recovery threshold",
    ),
    # Cloudflare "Create monitors": minimum interval 60 (Pro), 15 (Business), 10 (Enterprise); dns.plan unset = pro.
    (
        "cloudflare",
        HealthCheck(30, 2, 5, 2),
        30,
        "healthCheck.intervalSeconds: cloudflare allows 60 to 3600 on the pro plan (dns.plan unset)",
    ),
    ("cloudflare", HealthCheck(15, 2, 11, 2), 30, "healthCheck.timeoutSeconds: cloudflare allows 1 to 10, got 11"),
    ("cloudflare", HealthCheck(60, 2, 0.5, 2), 30, "healthCheck.timeoutSeconds: cloudflare needs whole seconds"),
    ("cloudflare", HealthCheck(60, 2, 5, 2), 10, "ttl: cloudflare DNS-only load balancers allow 30 to 86400"),
    # A DNS-only load balancer left at TTL 0 answers with a TTL Cloudflare does not document.
    ("cloudflare", HealthCheck(60, 2, 5, 2), 0, "ttl: cloudflare DNS-only load balancers allow 30 to 86400"),
    ("cloud-dns", HealthCheck(10, 2, 5, 2), 30, "healthCheck.intervalSeconds: cloud-dns allows 30 to 300, got 10"),
    ("cloud-dns", HealthCheck(30, 2, 31, 2), 30, "healthCheck.timeoutSeconds: cloud-dns needs timeout <= interval"),
    ("local", HealthCheck(1, 2, 1, 2), 1, "healthCheck.timeoutSeconds: local needs timeout below interval (1), got 1"),
]


@pytest.mark.parametrize(("provider", "hc", "ttl", "message"), RANGE_ERRORS)
def test_each_range_error(provider: str, hc: HealthCheck, ttl: int, message: str) -> None:
    problems = validate(provider, hc, ttl)
    assert any(p.startswith(message) for p in problems), problems


# Cloudflare "Create monitors": "Minimum time in seconds is 60 (Pro), 15 (Business), and 10 (Enterprise)".
CLOUDFLARE_PLAN_INTERVALS = [
    (None, 60, True),
    (None, 59, False),
    ("pro", 60, True),
    ("pro", 30, False),
    ("business", 15, True),
    ("business", 14, False),
    ("enterprise", 10, True),
    ("enterprise", 9, False),
    ("enterprise", 5, False),
]


@pytest.mark.parametrize(("plan", "interval", "accepted"), CLOUDFLARE_PLAN_INTERVALS)
def test_cloudflare_interval_minimum_per_plan(plan: str | None, interval: int, accepted: bool) -> None:
    problems = validate("cloudflare", HealthCheck(interval, 2, 2, 2), 30, plan=plan)
    assert (not any(p.startswith("healthCheck.intervalSeconds") for p in problems)) is accepted, problems


def test_cloudflare_check_and_retry_must_end_before_the_next_check() -> None:
    # A timed-out check is retried at once (Cloudflare API, monitors: "Retries are attempted immediately"): with
    # interval 10 and timeout 5 one check and its retry take 10 s and overlap the next check.
    overlap = validate("cloudflare", HealthCheck(10, 2, 5, 2), 30, plan="enterprise")
    assert any(p.startswith("healthCheck.timeoutSeconds: cloudflare retries a timed-out check") for p in overlap)
    assert validate("cloudflare", HealthCheck(10, 2, 4, 2), 30, plan="enterprise") == []


def test_cloudflare_proxied_load_balancer_takes_no_ttl() -> None:
    assert validate("cloudflare", HealthCheck(60, 2, 5, 2), 0, proxied=True) == []


def test_secondary_messages_say_so_and_skip_knobs_the_provider_lacks() -> None:
    hc = HealthCheck(15, 3, 10, 3)
    problems = validate("route53", hc, 30, secondary=True)
    assert problems == ["healthCheck.intervalSeconds: route53 (dns.secondary) allows 10 or 30, got 15"]
    # Route 53 has no recovery threshold nor timeout; Traffic Manager no recovery threshold.
    assert validate("route53", HealthCheck(10, 3, 10, 1), 30, secondary=True) == []
    assert validate("traffic-manager", HealthCheck(10, 3, 5, 3), 30, secondary=True) == []


def test_a_cloudflare_secondary_inheriting_30_s_needs_a_plan_that_allows_it() -> None:
    args = config("route53", secondary="cloudflare", healthCheck={"intervalSeconds": 30, "failureThreshold": 3})
    with pytest.raises(ConfigError) as err:
        parse_spec(args)
    assert any(
        p.startswith("dns.healthCheck.intervalSeconds: cloudflare (dns.secondary) allows 60 to 3600 on the pro plan")
        for p in err.value.problems
    ), err.value.problems
    assert parse_spec({**args, "dns": {**args["dns"], "plan": "business"}}).dns.plan == "business"


# --- backend settings ---


CF_UUID = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415"


def _settings(provider: str, secondary: str | None = None, **kw: object) -> list[str]:
    args: dict[str, object] = {"hostname": "shop.example.com", "zone": "example.com", "target_clouds": ["aws", "gcp"]}
    args.update(kw)
    return validate_settings(provider, secondary, **args)  # type: ignore[arg-type]


SETTINGS_ERRORS = [
    (("cloudflare",), {"account_id": "acme"}, "accountId: must be a 32-character hex"),
    (("cloudflare",), {"zone_id": "example.com"}, "zoneId: must be a 32-character hex Cloudflare zone id"),
    # A zone belongs to one account: with zoneId the account is read from the zone, so both cannot be given.
    (
        ("cloudflare",),
        {"zone_id": CF_ZONE, "account_id": CF_ACCOUNT},
        "accountId: give dns.zoneId or dns.accountId, not both",
    ),
    (("cloudflare",), {"plan": "free"}, "plan: must be one of pro | business | enterprise"),
    (("cloudflare",), {"alert_emails": ["ops"]}, "alertEmails: must hold email addresses"),
    (("cloudflare",), {"alert_webhook_ids": ["slack"]}, "alertWebhookIds: must hold Cloudflare notification webhook"),
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
    (("route53",), {"plan": "business"}, "plan: applies only to cloudflare"),
    (("route53",), {"alert_emails": ["ops@example.com"]}, "alertEmails: applies only to cloudflare"),
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
    assert _settings("cloudflare", zone_id=CF_ZONE) == []
    assert _settings("cloudflare", account_id=CF_ACCOUNT, plan="enterprise") == []
    assert _settings("cloudflare") == []  # the zone is looked up by name
    assert _settings("cloudflare", zone_id=CF_ZONE, alert_emails=["ops@example.com"], alert_webhook_ids=[CF_UUID]) == []
    assert _settings("route53") == []
    assert _settings("route53", "cloudflare", account_id=CF_ACCOUNT) == []
    assert _settings("traffic-manager", "cloudflare", resource_group="rg", account_id=CF_ACCOUNT) == []
    assert _settings("cloud-dns", managed_zone="z", target_clouds=["gcp", "azure"]) == []


# --- through parse_spec: the user's view ---


def test_parse_spec_prefixes_dns_and_collects_every_problem() -> None:
    args = config("cloudflare", accountId="acme", zoneId="zone", healthCheck={"intervalSeconds": 2})
    with pytest.raises(ConfigError) as err:
        parse_spec(args)
    problems = err.value.problems
    assert any(
        p.startswith("dns.healthCheck.intervalSeconds: cloudflare allows 15 to 3600 on the business") for p in problems
    )
    assert any(p.startswith("dns.accountId: must be a 32-character hex") for p in problems)
    assert any(p.startswith("dns.zoneId: must be a 32-character hex") for p in problems)


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


def test_parse_spec_refuses_a_budget_over_rto_naming_the_knob_and_the_estimate() -> None:
    with pytest.raises(ConfigError) as err:
        parse_spec(config("route53", rto=60))
    (message,) = err.value.problems
    assert message.startswith("rtoSeconds: worst-case failover with route53 is 88 s")
    assert "detection 30 + check timeouts 18 + propagation 10 (estimate) + ttl 30" in message
    assert "dns.ttl" in message and "intervalSeconds" in message


def test_spec_budgets_with_secondary_are_the_worse_provider() -> None:
    spec = parse_spec(
        config(
            "cloudflare",
            secondary="route53",
            plan="enterprise",
            healthCheck={"intervalSeconds": 10, "failureThreshold": 3, "timeoutSeconds": 4},
        )
    )
    assert spec.budget.provider == "route53"
    assert spec.budget.total_seconds == 3 * 10 + 3 * ROUTE53_CHECK_TIMEOUT_SECONDS + 10 + 30
    # Failback: cloudflare 3 x 10 + 4 x 2 + 10 + 30 = 78 beats route53 3 x 10 + 6 + 10 + 30 = 76.
    assert (spec.failback_budget.provider, spec.failback_budget.total_seconds) == ("cloudflare", 78)


# --- the docs read from the models ---

BEGIN, END = "<!-- budget-tables: generated from failoverkit.budget -->", "<!-- end budget-tables -->"


def test_docs_dns_tables_are_the_models() -> None:
    """docs/dns.md's limits and worst-case tables are budget.markdown_tables(), so they cannot drift."""
    page = (REPO / "docs" / "dns.md").read_text()
    assert BEGIN in page and END in page
    shown = page.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    expected = budget.markdown_tables().strip()
    assert shown == expected, f"regenerate docs/dns.md's tables; expected:\n{expected}"


def test_readme_worst_cases_are_the_models() -> None:
    readme = (REPO / "README.md").read_text()
    for provider in PROVIDERS:
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{provider}` |"))
        *_, failover, failback = (cell.strip() for cell in row.strip().strip("|").split("|"))
        hc, ttl = default_health_check(provider), 1 if provider == "local" else 30
        assert failover == f"{failover_budget(provider, hc, ttl).total_seconds:g} s", row
        assert failback == f"{failback_budget(provider, hc, ttl).total_seconds:g} s", row


@pytest.mark.parametrize("stack", ["aws-gcp", "aws-azure", "tri-cloud", "tri-cloud-route53"])
def test_docs_reference_stack_figures_are_the_models(stack: str) -> None:
    raw = yaml.safe_load((REPO / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]
    spec = parse_spec({k.removeprefix("failoverkit:"): v for k, v in raw.items() if k.startswith("failoverkit:")})
    page = " ".join((REPO / "docs" / "dns.md").read_text().split())
    item = page.split("The reference stacks", 1)[1].split(f"- `{stack}`", 1)[1].split(";", 1)[0]
    fo, fb = spec.budget.total_seconds, spec.failback_budget.total_seconds
    assert f"**{fo:g} s** failover, **{fb:g} s** failback" in item, item
