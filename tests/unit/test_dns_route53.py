"""Route 53 backend under mocks: health checks, the failover chain, zone records, validation."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from assertions import Infra
from dns_testkit import config, make_spec, run_backend
from failoverkit.errors import ConfigError
from failoverkit.spec import parse_spec

HC = "aws:route53/healthCheck:HealthCheck"
REC = "aws:route53/record:Record"
COMPONENT = "failoverkit:dns:Route53Failover"
TRI = ["aws/us-east-1", "gcp/us-central1", "azure/westeurope"]


def resolve(infra: Infra, hostname: str, healthy: set[str]) -> str:
    """Answer ``hostname`` the way Route 53 evaluates failover records, given which targets are healthy.

    Returns the target key finally served. Route 53 serves PRIMARY when healthy, else SECONDARY when
    healthy, else PRIMARY anyway; an alias with evaluate_target_health is healthy when any record of the
    aliased name is; a record with a health check is healthy when that check is.
    """
    checks = {r.id: r.name.removeprefix("shop-").removesuffix("-r53-health") for r in infra.resources_of(HC)}
    records = [r.inputs for r in infra.resources_of(REC) if "failoverRoutingPolicies" in r.inputs]
    # Each target's own record <key>.<hostname>: its name and its value both identify the target.
    origins: dict[str, str] = {}
    for r in infra.resources_of(REC):
        if r.name.endswith("-r53-origin"):
            key = r.name.removeprefix("shop-").removesuffix("-r53-origin")
            origins[r.inputs["name"]] = origins[r.inputs["records"][0]] = key

    def at(name: str) -> dict[str, dict[str, Any]]:
        found = {r["failoverRoutingPolicies"][0]["type"]: r for r in records if r["name"] == name}
        assert set(found) == {"PRIMARY", "SECONDARY"}, f"{name}: {sorted(found)}"
        return found

    def is_healthy(record: dict[str, Any]) -> bool:
        if "aliases" in record:
            alias = record["aliases"][0]
            assert alias["evaluateTargetHealth"] is True
            return any(is_healthy(r) for r in at(alias["name"]).values())
        return checks[record["healthCheckId"]] in healthy

    def serve(record: dict[str, Any]) -> str:
        if "aliases" in record:
            return answer(record["aliases"][0]["name"])
        return origins[record["records"][0]]

    def answer(name: str) -> str:
        pair = at(name)
        for role in ("PRIMARY", "SECONDARY"):
            if is_healthy(pair[role]):
                return serve(pair[role])
        return serve(pair["PRIMARY"])

    return answer(hostname)


def test_two_targets_graph_and_properties(recorder: Any) -> None:
    spec = make_spec("route53")
    infra, (record,) = run_backend(recorder, spec)
    infra.assert_resource_count(HC, 2)
    check = infra.named("shop-aws-us-east-1-r53-health")
    assert check.inputs == {
        **check.inputs,
        "type": "HTTPS",
        "fqdn": "aws-us-east-1.shop.example.com",
        "resourcePath": "/health",
        "port": 443,
        "enableSni": True,
        "requestInterval": 10,
        "failureThreshold": 3,
    }
    assert len(check.inputs["regions"]) >= 3
    assert check.inputs["tags"]["workload"] == "shop" and check.inputs["tags"]["managed-by"] == "failoverkit"
    # An IP target is checked by address, with the shared hostname as Host/SNI.
    infra.assert_has_resource(HC, {"ipAddress": "34.1.1.10", "fqdn": "shop.example.com"})
    infra.assert_has_resource(
        REC,
        {
            "name": "shop.example.com",
            "type": "CNAME",
            "ttl": 30,
            "records": ["shop-us-east-1-123.us-east-1.elb.amazonaws.com"],
            "setIdentifier": "level-0-primary",
            "failoverRoutingPolicies": [{"type": "PRIMARY"}],
            "healthCheckId": infra.named("shop-aws-us-east-1-r53-health").id,
        },
    )
    infra.assert_has_resource(
        REC,
        {
            "name": "shop.example.com",
            "records": ["gcp-us-central1.shop.example.com"],
            "setIdentifier": "level-0-secondary",
            "failoverRoutingPolicies": [{"type": "SECONDARY"}],
            "healthCheckId": infra.named("shop-gcp-us-central1-r53-health").id,
        },
    )
    infra.assert_has_resource(REC, {"name": "gcp-us-central1.shop.example.com", "type": "A", "records": ["34.1.1.10"]})
    infra.assert_has_resource(
        REC,
        {
            "name": "aws-us-east-1.shop.example.com",
            "type": "CNAME",
            "records": ["shop-us-east-1-123.us-east-1.elb.amazonaws.com"],
        },
    )
    assert record.provider == "route53" and record.fqdn == "shop.example.com"
    assert len(record.health_checks) == 2


def test_child_names_are_stable_and_parented(recorder: Any) -> None:
    infra, _ = run_backend(recorder, make_spec("route53"))
    assert infra.names(HC) == ["shop-aws-us-east-1-r53-health", "shop-gcp-us-central1-r53-health"]
    assert infra.names(REC) == [
        "shop-aws-cert-validation",
        "shop-aws-us-east-1-r53-origin",
        "shop-gcp-us-central1-r53-origin",
        "shop-r53-0-primary",
        "shop-r53-0-secondary",
    ]
    for r in infra.custom():
        assert infra.ancestors(r) == [COMPONENT, "failoverkit:index:FailoverApp"], r.name


def test_a_hostname_origin_is_used_even_with_a_static_ip(recorder: Any) -> None:
    # Azure hands over its Container Apps FQDN and the environment's IP: the FQDN answers before the
    # custom domain is bound, so Route 53 checks and routes by name.
    infra, _ = run_backend(recorder, make_spec("route53", ["aws/us-east-1", "azure/westeurope"]))
    check = infra.named("shop-azure-westeurope-r53-health")
    assert check.inputs["fqdn"] == "shop-westeurope.azurecontainerapps.io"
    assert "ipAddress" not in check.inputs
    infra.assert_has_resource(
        REC, {"name": "shop.example.com", "records": ["shop-westeurope.azurecontainerapps.io"], "type": "CNAME"}
    )


def test_zone_id_from_config_or_lookup(recorder: Any) -> None:
    infra, _ = run_backend(recorder, make_spec("route53", zoneId="Z0123456789ABCDEFGHIJ"))
    assert {r.inputs["zoneId"] for r in infra.resources_of(REC)} == {"Z0123456789ABCDEFGHIJ"}
    looked_up, _ = run_backend(recorder, make_spec("route53"))
    ids = {r.inputs["zoneId"] for r in looked_up.resources_of(REC)}
    assert len(ids) == 1 and next(iter(ids)).startswith("Z")  # the mocks' getZone answer


def test_zone_records_for_targets(recorder: Any) -> None:
    infra, _ = run_backend(recorder, make_spec("route53"))
    infra.assert_has_resource(
        REC,
        {
            "name": "_abc.shop.example.com.",
            "type": "CNAME",
            "records": ["_def.acm-validations.aws."],
            "ttl": 300,
            "allowOverwrite": True,
        },
    )


def test_three_targets_chain_through_a_nested_failover_set(recorder: Any) -> None:
    infra, _ = run_backend(recorder, make_spec("route53", TRI))
    infra.assert_resource_count(HC, 3)
    infra.assert_has_resource(
        REC,
        {
            "name": "shop.example.com",
            "failoverRoutingPolicies": [{"type": "SECONDARY"}],
            "aliases": [{"name": "failover-1.shop.example.com", "evaluateTargetHealth": True}],
        },
    )
    alias = infra.named("shop-r53-0-secondary")
    assert "ttl" not in alias.inputs and "healthCheckId" not in alias.inputs  # aliases take both from the target
    infra.assert_has_resource(
        REC, {"name": "failover-1.shop.example.com", "failoverRoutingPolicies": [{"type": "PRIMARY"}]}
    )
    infra.assert_has_resource(
        REC, {"name": "failover-1.shop.example.com", "failoverRoutingPolicies": [{"type": "SECONDARY"}]}
    )


def test_health_checks_send_the_documented_host(recorder: Any) -> None:
    # Route 53 "Values that you specify when you create or update health checks": with IPAddress the checker
    # connects to the address and sends FullyQualifiedDomainName as Host (and SNI, with EnableSNI); without, it
    # resolves FullyQualifiedDomainName and sends that name.
    infra, _ = run_backend(recorder, make_spec("route53", TRI))
    aws = infra.named("shop-aws-us-east-1-r53-health")
    gcp = infra.named("shop-gcp-us-central1-r53-health")
    azure = infra.named("shop-azure-westeurope-r53-health")
    # An ALB has no fixed address: checked by the target's own name, which its certificate covers ...
    assert (aws.inputs["fqdn"], aws.inputs.get("ipAddress"), aws.inputs["enableSni"]) == (
        "aws-us-east-1.shop.example.com",
        None,
        True,
    )
    # ... and which must exist before the checker resolves it.
    assert infra.named("shop-aws-us-east-1-r53-origin").urn in aws.dependencies
    # A GCP load balancer: by address, with the users' hostname.
    assert (gcp.inputs["fqdn"], gcp.inputs["ipAddress"]) == ("shop.example.com", "34.1.1.10")
    # Container Apps routes by Host: by its own FQDN, the name it answers before the custom domain is bound.
    assert (azure.inputs["fqdn"], azure.inputs.get("ipAddress")) == ("shop-westeurope.azurecontainerapps.io", None)


@pytest.mark.parametrize("placements", [TRI, [*TRI, "aws/eu-west-1"]])
def test_every_alias_is_created_after_the_records_it_points_at(recorder: Any, placements: list[str]) -> None:
    # Route 53 refuses an alias to a record of the same hosted zone that does not exist yet ("Tried to create an
    # alias that targets <name>, type CNAME in zone ..., but that target was not found").
    infra, _ = run_backend(recorder, make_spec("route53", placements))
    records = infra.resources_of(REC)
    aliases = [r for r in records if "aliases" in r.inputs]
    assert len(aliases) == len(placements) - 2
    for alias in aliases:
        aimed = {r.urn for r in records if r.inputs["name"] == alias.inputs["aliases"][0]["name"]}
        assert len(aimed) == 2, alias.name  # the PRIMARY and SECONDARY of the nested set
        assert aimed <= set(alias.dependencies), alias.name


def test_reordering_targets_updates_the_failover_records_in_place(recorder: Any) -> None:
    # A failover set holds one PRIMARY and one SECONDARY per name and type: records keyed by target would be
    # replaced on a reorder, the new PRIMARY created beside the old one. Keyed by level and role, the same
    # resources (URNs) and set identifiers stay; only their values change.
    def failover_records(placements: list[str]) -> dict[str, tuple[str, str, str]]:
        infra, _ = run_backend(recorder, make_spec("route53", placements))
        return {
            r.urn: (r.inputs["name"], r.inputs["setIdentifier"], r.inputs["failoverRoutingPolicies"][0]["type"])
            for r in infra.resources_of(REC)
            if "failoverRoutingPolicies" in r.inputs
        }

    promoted = [TRI[1], TRI[0], TRI[2]]  # the gcp standby becomes the primary
    before, after = failover_records(TRI), failover_records(promoted)
    assert len(before) == 4
    assert after == before


def test_failover_records_keep_their_state_from_target_named_records(recorder: Any) -> None:
    # Child names are a contract: the level/role names alias the per-target names they replace.
    infra, _ = run_backend(recorder, make_spec("route53"))
    prefix = "urn:pulumi:test::failoverkit::failoverkit:index:FailoverApp$failoverkit:dns:Route53Failover$"
    for name, previous in (
        ("shop-r53-0-primary", "shop-aws-us-east-1-r53-primary"),
        ("shop-r53-0-secondary", "shop-gcp-us-central1-r53-secondary"),
    ):
        assert infra.named(name).options["aliases"] == [f"{prefix}aws:route53/record:Record::{previous}"]


@pytest.mark.parametrize("placements", [TRI[:2], TRI, [*TRI, "aws/eu-west-1"]])
def test_chain_serves_the_first_healthy_target_in_order(recorder: Any, placements: list[str]) -> None:
    spec = make_spec("route53", placements)
    infra, _ = run_backend(recorder, spec)
    keys = [t.key for t in spec.targets]
    for n in range(len(keys) + 1):
        for down in itertools.combinations(keys, n):
            healthy = set(keys) - set(down)
            expected = next((k for k in keys if k in healthy), keys[0])
            assert resolve(infra, "shop.example.com", healthy) == expected, f"down: {down}"


@pytest.mark.parametrize(
    ("dns", "message"),
    [
        ({"healthCheck": {"intervalSeconds": 15}}, "dns.healthCheck.intervalSeconds: route53 allows 10 or 30, got 15"),
        ({"healthCheck": {"intervalSeconds": 10, "failureThreshold": 0}}, "dns.healthCheck.failureThreshold"),
        (
            {"healthCheck": {"intervalSeconds": 10, "timeoutSeconds": 3}},
            "dns.healthCheck.timeoutSeconds: route53 fixes",
        ),
        ({"zoneId": "not-a-zone"}, "dns.zoneId: must be a Route 53 hosted zone id"),
    ],
)
def test_validation_errors(dns: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_spec(config("route53", **dns))
    assert any(p.startswith(message) for p in err.value.problems), err.value.problems


def test_apex_hostname_is_refused() -> None:
    args = config("route53")
    args["hostname"] = "example.com"
    with pytest.raises(ConfigError, match=r"dns\.provider: route53 publishes 'example.com' as a CNAME"):
        parse_spec(args)
