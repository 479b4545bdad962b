"""`failoverkit check` on a corpus of realistic programs (tests/check/programs), as a new user runs it.

Each program runs under preview semantics and gets the verdict asserted here: exit 0 or 1 and the
mandatory policies it breaks, or exit 2 for the two programs that are meant to fail (and whose
message must say whose fault it is, with file and line).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from failoverkit.check import ProgramError, check_project, render

PROGRAMS = Path(__file__).parent / "programs"
PACK = Path(__file__).resolve().parents[2] / "policies"
MP, MR, PK, HC = (
    "critical-workload-multi-provider",
    "critical-workload-multi-region",
    "critical-workload-placement-known",
    "failover-dns-health-checked",
)
SINGLE_HOME = {MP, MR, HC}

# program -> the mandatory policies it breaks (empty: exit 0)
EXPECTED: dict[str, set[str]] = {
    "aws-ec2-webserver": SINGLE_HOME,
    "aws-fargate-default-tags": SINGLE_HOME,  # critical only through aws:defaultTags
    "aws-explicit-provider-default-tags": {MP, HC},  # critical only through each explicit provider's default_tags
    "aws-eks-kubernetes": SINGLE_HOME,  # the Deployment is placed through its EKS cluster: no PK
    "aws-apigateway-lambda": set(),
    "aws-explicit-providers-regions": {MP, HC},  # two regions through explicit providers
    "aws-explicit-provider-no-region": {MR, PK, HC},
    "gcp-gke-kubernetes": SINGLE_HOME,  # critical through the cluster's resource_labels
    "gcp-cloudrun-cloudsql": set(),
    "gcp-cloudrun-v1-labels": SINGLE_HOME,  # critical through metadata.labels
    "azure-aks-kubernetes": SINGLE_HOME,
    "azure-appservice-two-groups": {MP, HC},  # two regions, from the resource groups
    "azure-containerapps": set(),
    "multicloud-route53-failover": set(),
    "multicloud-unrelated-failover": {HC},  # the status page's failover is not the ledger's
    "multicloud-traffic-manager": set(),
    "route53-ttl-from-primary": set(),  # TTL 60 s from the PRIMARY alias, not the SECONDARY's 300 s
    "cloudflare-gcp-azure-remote": set(),
    "remote-component-only": {MP, HC},  # nothing visible: fails closed
    "kubernetes-ambient-cluster": {MP, PK, HC},
    "tricloud-shuffled": set(),  # a nested Route 53 chain: PRIMARY aws, SECONDARY an alias to gcp then azure
}
MEANT_TO_FAIL = {"program-bug": "program", "unanswered-data-source": "mocks"}


def test_the_corpus_is_what_the_issue_asks_for() -> None:
    programs = sorted(p.name for p in PROGRAMS.iterdir() if (p / "Pulumi.yaml").is_file())
    assert programs == sorted([*EXPECTED, *MEANT_TO_FAIL])
    assert len(EXPECTED) >= 20


@pytest.mark.parametrize("program", sorted(EXPECTED))
def test_program_runs_and_gets_its_verdict(program: str) -> None:
    result = check_project(PROGRAMS / program, "ci", policy_packs=[PACK])
    assert {v.policy for v in result.mandatory} == EXPECTED[program], [v.message for v in result.mandatory]
    assert result.exit_code == (1 if EXPECTED[program] else 0)


def _messages(program: str, policy: str) -> list[str]:
    result = check_project(PROGRAMS / program, "ci", policy_packs=[PACK])
    return [v.message for v in result.violations if v.policy == policy]


def test_kubernetes_runs_where_its_cluster_runs() -> None:
    # The AKS cluster sets no location: azure-native gives it the resource group's (westeurope), not the
    # stack's azure-native:location (eastus); the Deployment on it is placed there too.
    [message] = _messages("azure-aks-kubernetes", MR)
    assert "azure/westeurope (payments)" in message
    [message] = _messages("aws-eks-kubernetes", MR)
    assert "aws/us-east-2 (checkout, checkout-nodes)" in message
    [message] = _messages("gcp-gke-kubernetes", MR)
    assert "gcp/europe-west4 (search)" in message


def test_resource_group_locations_decide_azure_regions() -> None:
    [message] = _messages("azure-appservice-two-groups", MP)
    assert "azure/northeurope (portal-neu), azure/westeurope (portal-weu)" in message


def test_an_explicit_providers_default_tags_are_its_resources_tags() -> None:
    # pulumi_aws Provider default_tags: "settings to default resource tags across all resources" (of that
    # provider); a resource's own tags win, so the batch job tagged standard is not part of the workload.
    [message] = _messages("aws-explicit-provider-default-tags", MP)
    assert (
        '\nCritical workload "invoices" runs on 1 provider: aws (aws/us-east-1 (invoices-render-us-east-1), '
        "aws/us-west-2 (invoices-render-us-west-2)). " in message
    )


def test_explicit_provider_without_region_says_what_would_fix_it() -> None:
    [message] = _messages("aws-explicit-provider-no-region", PK)
    assert (
        "its explicit provider deployer sets no region, and an explicit provider does not read aws:region from the "
        "stack config (only the default provider does); pass region to that provider" in message
    )


def test_availability_zones_follow_the_providers_region() -> None:
    result = check_project(PROGRAMS / "aws-explicit-providers-regions", "ci")
    zones = sorted(r.inputs["availabilityZone"] for r in result.resources if r.type == "aws:ec2/subnet:Subnet")
    assert zones == ["eu-west-1a", "eu-west-1b", "us-east-1a", "us-east-1b"]


def test_an_unrelated_failover_is_not_credited_and_the_message_says_why() -> None:
    # The status page's pair carries its own workload tag: it is the status page's, never the ledger's.
    [message] = _messages("multicloud-unrelated-failover", HC)
    assert (
        'Critical workload "ledger" runs at aws/us-west-2 (ledger-api), gcp/europe-west1 (ledger-api), but no '
        "health-checked failover DNS fronts it" in message
    )


def test_relative_and_absolute_route53_names_are_one_failover_set() -> None:
    assert _messages("multicloud-route53-failover", HC) == []


ROUTE53_PROGRAMS = sorted(
    p.parent.name for p in PROGRAMS.glob("*/__main__.py") if "failover_routing_policies" in p.read_text()
)


@pytest.mark.parametrize("program", ROUTE53_PROGRAMS)
def test_route53_failover_sets_are_ones_route53_accepts(program: str) -> None:
    # Route 53 API Reference, ResourceRecordSet (Failover): a failover set is one PRIMARY and one SECONDARY
    # record of one name and type; a third home goes into a nested set the SECONDARY aliases.
    resources = check_project(PROGRAMS / program, "ci").resources
    zones = {
        r.outputs.get("zoneId"): str(r.inputs["name"]).rstrip(".") for r in resources if r.type.endswith("/zone:Zone")
    }
    sets: dict[tuple[str, str, str], list[str]] = {}
    for r in resources:
        if r.type != "aws:route53/record:Record" or not r.inputs.get("failoverRoutingPolicies"):
            continue
        zone, name = zones.get(r.inputs.get("zoneId")), str(r.inputs["name"]).rstrip(".")
        fqdn = f"{name}.{zone}" if zone and not (name == zone or name.endswith(f".{zone}")) else name
        key = (str(r.inputs.get("zoneId")), fqdn, str(r.inputs["type"]))
        sets.setdefault(key, []).append(r.inputs["failoverRoutingPolicies"][0]["type"])
    assert sets and all(sorted(roles) == ["PRIMARY", "SECONDARY"] for roles in sets.values()), sets


def test_the_tricloud_chain_is_judged_as_one_failover() -> None:
    # media's SECONDARY aliases the nested set (evaluate_target_health): every endpoint is checked, the three
    # clouds count, and only the advisory about DNS on the primary's own provider remains.
    result = check_project(PROGRAMS / "tricloud-shuffled", "ci", policy_packs=[PACK])
    assert [v.policy for v in result.violations] == ["dns-outside-primary-failure-domain"]
    assert {r.name for r in result.resources if r.type == "aws:route53/record:Record"} == {
        "media-aws", "media-standby", "media-gcp", "media-azure"
    }  # fmt: skip


def test_the_primarys_ttl_counts() -> None:
    # The SECONDARY's TTL of 300 s would break dns-ttl-bounded and, with detection, the 300 s RTO.
    assert _messages("route53-ttl-from-primary", "dns-ttl-bounded") == []
    assert _messages("route53-ttl-from-primary", "failover-within-rto") == []


def test_remote_components_are_named_as_not_judged() -> None:
    result = check_project(PROGRAMS / "cloudflare-gcp-azure-remote", "ci", policy_packs=[PACK])
    assert [(r.type, r.name) for r in result.remote_components] == [("awsx:s3:StaticSite", "maps-assets")]
    text = render(result, "text")
    assert "Not judged offline: 1 remote component(s)" in text
    assert "awsx:s3:StaticSite  maps-assets" in text
    document = json.loads(render(result, "json"))
    assert document["remoteComponents"] == [
        {
            "urn": "urn:pulumi:ci::cloudflare-gcp-azure-remote::awsx:s3:StaticSite::maps-assets",
            "type": "awsx:s3:StaticSite",
            "name": "maps-assets",
        }
    ]


@pytest.mark.parametrize("program", sorted(MEANT_TO_FAIL))
def test_a_failing_program_is_blamed_with_file_and_line(program: str) -> None:
    with pytest.raises(ProgramError) as caught:
        check_project(PROGRAMS / program, "ci", policy_packs=[PACK])
    error = caught.value
    assert error.fault == MEANT_TO_FAIL[program]
    assert error.location is not None and error.location.endswith(
        {"program-bug": "program-bug/__main__.py:7", "unanswered-data-source": "unanswered-data-source/__main__.py:5"}[
            program
        ]
    )
    if program == "unanswered-data-source":
        assert "aws:ssm/getParameter:getParameter has no offline result" in str(error)


def test_the_cli_prints_the_fault_without_verbose_and_no_event_loop_noise() -> None:
    # A failed program used to leave the mocks' per-thread event loops to the garbage collector, which could
    # print "Exception ignored in: <function BaseEventLoop.__del__ ...> ValueError: Invalid file descriptor: -1".
    for program in MEANT_TO_FAIL:
        done = subprocess.run(
            [sys.executable, "-m", "failoverkit.check", str(PROGRAMS / program), "--stack", "ci"],
            capture_output=True,
            text=True,
            timeout=600,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 2
        assert f"{program}/__main__.py:" in done.stderr
        assert "fault: " in done.stderr
        assert "Exception ignored" not in done.stderr and "Invalid file descriptor" not in done.stderr, done.stderr


SHUFFLE_RUNS = 20


def test_verdicts_are_identical_whatever_the_registration_order() -> None:
    reports = set()
    orders = set()
    for seed in range(SHUFFLE_RUNS):
        result = check_project(PROGRAMS / "tricloud-shuffled", "ci", policy_packs=[PACK], config=[f"seed={seed}"])
        orders.add(tuple(r.name for r in result.resources))
        reports.add(render(result, "json") + render(result, "text"))
    assert len(orders) > 1, "the seed must change the registration order"
    assert len(reports) == 1
