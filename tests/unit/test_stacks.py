"""Every cloud stack in stacks/ runs under mocks through the reference program with that stack's own config.

The local stack is left to the engine tests: it needs the local engine and its dynamic providers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from assertions import APP_TYPE, Infra
from failoverkit.program import reference_program

STACKS = Path(__file__).resolve().parents[2] / "stacks"
CLOUD_STACKS = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in STACKS.glob("Pulumi.*.yaml"))
CLOUD_STACKS = [s for s in CLOUD_STACKS if s != "local"]

# What each stack must contain: (resource type, how many).
EXPECTED: dict[str, list[tuple[str, int]]] = {
    "aws-gcp": [
        ("aws:ecs/service:Service", 1),
        ("gcp:cloudrunv2/service:Service", 1),
        ("aws:route53/healthCheck:HealthCheck", 2),
    ],
    "aws-azure": [
        ("aws:ecs/service:Service", 1),
        ("azure-native:app:ContainerApp", 1),
        ("azure-native:trafficmanager:Profile", 1),
    ],
    "tri-cloud": [
        ("aws:ecs/service:Service", 1),
        ("gcp:cloudrunv2/service:Service", 1),
        ("azure-native:app:ContainerApp", 1),
        ("cloudflare:index/loadBalancer:LoadBalancer", 1),
    ],
    "tri-cloud-route53": [
        ("aws:ecs/service:Service", 1),
        ("gcp:cloudrunv2/service:Service", 1),
        ("azure-native:app:ContainerApp", 1),
        ("aws:route53/healthCheck:HealthCheck", 3),
    ],
}
R53_RECORD = "aws:route53/record:Record"


def stack_config(stack: str) -> dict[str, str]:
    """The stack file's config as the engine passes it: ``ns:key`` -> string, objects as JSON."""
    raw = yaml.safe_load((STACKS / f"Pulumi.{stack}.yaml").read_text())["config"]
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in raw.items()}


def run_stack(recorder: Any, stack: str) -> Infra:
    return Infra(recorder(reference_program, config=stack_config(stack), stack=stack))


def test_the_three_cloud_stacks_exist() -> None:
    assert set(CLOUD_STACKS) >= {"aws-gcp", "aws-azure", "tri-cloud", "tri-cloud-route53"}


@pytest.mark.parametrize("stack", CLOUD_STACKS)
def test_stack_runs_under_mocks(recorder: Any, stack: str) -> None:
    infra = run_stack(recorder, stack)
    app = infra.component(APP_TYPE)
    config = yaml.safe_load((STACKS / f"Pulumi.{stack}.yaml").read_text())["config"]
    targets = config["failoverkit:targets"]
    assert app.outputs["placements"] == [f"{t['cloud']}/{t['region']}" for t in targets]
    assert app.outputs["failoverBudgetSeconds"] <= config["failoverkit:rtoSeconds"]
    assert [e["key"] for e in app.outputs["endpoints"]] == [f"{t['cloud']}-{t['region']}" for t in targets]
    assert all(e["healthUrl"].startswith("https://") for e in app.outputs["endpoints"])
    for typ, count in EXPECTED.get(stack, []):
        infra.assert_resource_count(typ, count)
    assert all(r.provider is None for r in infra.custom()), "the kit creates no providers of its own"


@pytest.mark.parametrize("stack", CLOUD_STACKS)
def test_every_stack_resource_is_tagged_with_the_workload(recorder: Any, stack: str) -> None:
    infra = run_stack(recorder, stack)
    tagged = [r for r in infra.custom() if (r.inputs.get("tags") or r.inputs.get("labels"))]
    assert tagged
    for r in tagged:
        tags = r.inputs.get("tags") or r.inputs.get("labels")
        if isinstance(tags, dict):
            assert tags.get("workload") == "shop", r.name


def test_three_target_route53_chain_creates_every_alias_after_its_target_records(recorder: Any) -> None:
    # Route 53 refuses an alias to a same-zone record that does not exist yet ("... but that target was not found").
    infra = run_stack(recorder, "tri-cloud-route53")
    records = infra.resources_of(R53_RECORD)
    aliases = [r for r in records if "aliases" in r.inputs]
    assert [a.inputs["aliases"][0]["name"] for a in aliases] == ["failover-1.shop.example.com"]
    for alias in aliases:
        aimed = {r.urn for r in records if r.inputs["name"] == alias.inputs["aliases"][0]["name"]}
        assert len(aimed) == 2 and aimed <= set(alias.dependencies)


# The Azure certificate is issued by DNS-01 through each stack's own DNS provider, so one `pulumi up` builds it
# wherever the hostname points (Container Apps managed certificates need a direct CNAME: "Custom domain names
# and free managed certificates in Azure Container Apps").
ACME_PROVIDERS = {"aws-azure": ["azuredns"], "tri-cloud": ["cloudflare"], "tri-cloud-route53": ["route53"]}


@pytest.mark.parametrize("stack", sorted(ACME_PROVIDERS))
def test_azure_certificate_is_issued_through_the_stacks_dns_provider(recorder: Any, stack: str) -> None:
    infra = run_stack(recorder, stack)
    (cert,) = infra.resources_of("acme:index/certificate:Certificate")
    assert [c["provider"] for c in cert.inputs["dnsChallenges"]] == ACME_PROVIDERS[stack]


def test_every_stack_with_an_azure_target_is_listed_for_its_certificate() -> None:
    with_azure = {s for s in CLOUD_STACKS if "cloud: azure" in (STACKS / f"Pulumi.{s}.yaml").read_text()}
    assert with_azure == set(ACME_PROVIDERS)
