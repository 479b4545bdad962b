"""Names and regions: the catalogue's rows say what each provider documents, parse_spec refuses what a cloud
would refuse (naming key, value, resource and limit), and the program passes the names the catalogue chose."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
from cloud_testkit import app_args
from failoverkit import catalog
from failoverkit.app import FailoverApp
from failoverkit.catalog import aws, azure, cloudflare, dns, gcp
from failoverkit.check.mocks import run_program
from failoverkit.errors import ConfigError
from failoverkit.program import reference_program
from failoverkit.spec import REGION_RE, Cloud, parse_spec
from naming_testkit import NO_PHYSICAL_NAME, AutonamingMocks, physical_names, unexplained_inputs
from test_clouds_aws import SECRET_ARN
from test_naming_properties import BACKENDS
from test_naming_properties import config as backend_config
from test_stacks import CLOUD_STACKS, stack_config

# --- the table says what the providers document ---


@pytest.mark.parametrize(
    ("rule", "low", "high"),
    [
        # ELBv2 API Reference, CreateLoadBalancer / CreateTargetGroup: "a maximum of 32 characters".
        (aws.LOAD_BALANCER, 1, 32),
        (aws.TARGET_GROUP, 1, 32),
        # IAM User Guide, IAM and AWS STS quotas: role names up to 64 characters.
        (aws.IAM_ROLE, 1, 64),
        # IAM API Reference, PutRolePolicy: PolicyName 1-128 characters.
        (aws.ROLE_POLICY, 1, 128),
        # pulumi_aws appautoscaling.Policy docstring: "between 1 and 255 characters" (PutScalingPolicy: 256).
        (aws.SCALING_POLICY, 1, 255),
        # Cloud Run Admin API v2, services.create: serviceId "must contain fewer than 50 characters".
        (gcp.CLOUD_RUN_SERVICE, 1, 49),
        # Compute Engine names comply with RFC 1035: 1-63 characters (pulumi_gcp compute docstrings).
        (gcp.BACKEND_SERVICE, 1, 63),
        (gcp.URL_MAP, 1, 63),
        (gcp.FORWARDING_RULE, 1, 63),
        # pulumi_gcp certificatemanager Certificate docstring: "The name must be 1-64 characters long".
        (gcp.CERTIFICATE, 1, 64),
        # Microsoft Learn, Naming rules and restrictions for Azure resources.
        (azure.CONTAINER_APP, 2, 32),
        (azure.MANAGED_ENVIRONMENT, 2, 60),
        (azure.LOG_ANALYTICS_WORKSPACE, 4, 63),
        (azure.RESOURCE_GROUP, 1, 90),
        (azure.TRAFFIC_MANAGER_PROFILE, 1, 63),
        # RFC 1035 2.3.4: 255 octets on the wire, 253 characters written without the final dot.
        (dns.RECORD_NAME, 1, 253),
    ],
)
def test_length_limits_are_the_documented_ones(rule: catalog.NameRule, low: int, high: int) -> None:
    def name(length: int) -> str:  # letters (DNS names: a dot after every 62, so labels stay within 63)
        dots = rule is dns.RECORD_NAME
        return "".join("." if dots and i % 63 == 62 and i < length - 1 else "a" for i in range(length))

    assert (rule.min_length, rule.max_length) == (low, high)
    assert rule.problem(name(high)) is None
    assert rule.problem(name(high + 1)) is not None
    if low > 1:
        assert rule.problem(name(low - 1)) is not None


@pytest.mark.parametrize(
    ("rule", "refused"),
    [
        (aws.LOAD_BALANCER, "-shop"),  # CreateLoadBalancer: must not begin or end with a hyphen
        (aws.LOAD_BALANCER, "internal-shop"),  # ... and must not begin with "internal-"
        (aws.SECURITY_GROUP, "sg-shop"),  # CreateSecurityGroup: cannot start with sg-
        (aws.ROLE_POLICY, "registry secret"),  # PutRolePolicy: [\w+=,.@-]+, no spaces
        (aws.SCALING_POLICY, "shop\tcpu"),  # PutScalingPolicy: \p{Print}+
        (gcp.URL_MAP, "1shop"),  # RFC 1035: the first character is a lowercase letter
        (gcp.URL_MAP, "Shop"),
        (gcp.CLOUD_RUN_SERVICE, "shop-"),  # services.create: cannot end with hyphen
        (azure.CONTAINER_APP, "shop--api"),  # Microsoft.App/containerApps: can't contain '--'
        (azure.RESOURCE_GROUP, "shop."),  # Microsoft.Resources/resourcegroups: can't end with period
        (cloudflare.POOL, "shop.example"),  # Load Balancer Pools: alphanumerics, hyphens and underscores only
        (dns.RECORD_NAME, f"{'a' * 64}.example.com"),  # RFC 1035: labels are 63 octets or less
    ],
)
def test_charset_rules_refuse_what_the_provider_refuses(rule: catalog.NameRule, refused: str) -> None:
    assert rule.problem(refused) is not None


def test_autoname_settings_are_the_providers() -> None:
    # pulumi-aws provider/autonaming.go: AutoName(name, 255, "-"); resources.go caps aws_lb, aws_lb_target_group
    # at 32 and aws_iam_role at 64. The bridge's NewUniqueHex adds 7 random hex characters.
    assert (aws.ECS_SERVICE.autoname.separator, aws.ECS_SERVICE.autoname.random_chars) == ("-", 7)  # type: ignore[union-attr]
    assert aws.ECS_SERVICE.autoname.provider_max == 255  # type: ignore[union-attr]
    assert aws.LOAD_BALANCER.autoname.provider_max == aws.TARGET_GROUP.autoname.provider_max == 32  # type: ignore[union-attr]
    assert aws.IAM_ROLE.autoname.provider_max == 64  # type: ignore[union-attr]
    # pulumi-gcp resources.go: SetAutonaming(255, "-"), lowercaseAutoName() (63) for backend services.
    assert gcp.URL_MAP.autoname.provider_max == 255 and gcp.BACKEND_SERVICE.autoname.provider_max == 63  # type: ignore[union-attr]
    # pulumi-azure-native AutoNameRandom: NewUniqueName(seed, urn name, 8, 0): no separator, no cap.
    assert azure.RESOURCE_GROUP.autoname == catalog.Autoname(8, "", None, azure.RESOURCE_GROUP.autoname.source)  # type: ignore[union-attr]
    # The bridge refuses at preview with this message (resource.NewUniqueHex).
    assert aws.LOAD_BALANCER.autoname.refusal("shop-aws-eu-central-1-alb") == (  # type: ignore[union-attr]
        "name 'shop-aws-eu-central-1-alb-' plus 7 random chars is longer than maximum length 32"
    )


def test_every_catalogued_region_is_a_region_name_the_spec_accepts() -> None:
    for cloud, regions in catalog.REGIONS.items():
        pattern, _ = REGION_RE[Cloud(cloud)]
        assert regions and all(pattern.match(r) for r in regions), cloud


# --- physical names ---


def test_an_autoname_that_fits_is_left_to_the_provider() -> None:
    # `shop` in us-east-1: 'shop-aws-us-east-1-alb-' + 7 = 30 <= 32, so existing stacks keep their names.
    assert catalog.physical_name(aws.LOAD_BALANCER, "shop-aws-us-east-1-alb", "p/s") is None


def test_an_autoname_that_would_not_fit_gets_a_short_stable_name() -> None:
    name = catalog.physical_name(aws.LOAD_BALANCER, "shop-aws-eu-central-1-alb", "p/prod")
    assert name is not None and aws.LOAD_BALANCER.problem(name) is None
    assert re.fullmatch(r"shop-aws-eu-central-1-a-[0-9a-f]{8}", name)
    assert name == catalog.physical_name(aws.LOAD_BALANCER, "shop-aws-eu-central-1-alb", "p/prod")  # stable
    assert name != catalog.physical_name(aws.LOAD_BALANCER, "shop-aws-eu-central-1-alb", "p/staging")  # per stack


def test_an_explicit_target_group_name_changes_with_what_replaces_it() -> None:
    # CreateTargetGroup refuses a second group of the same name with other settings: a replacement (new port
    # or VPC) must get a new name so it can be created before the old one is deleted, as an autoname would.
    def tg(port: int) -> str | None:
        return aws.target_names("payments-api", "aws-ap-southeast-2", "p/s", port=port)["tg"].name

    assert tg(8080) is not None and tg(8080) != tg(9090)


def _run(args: dict[str, Any]) -> tuple[list[Any], AutonamingMocks]:
    mocks = AutonamingMocks()
    resources = run_program(lambda: FailoverApp("shop", args), project="failoverkit", stack="test", mocks=mocks)  # type: ignore[arg-type]
    return resources, mocks


def test_the_program_passes_the_catalogues_names() -> None:
    args = app_args(["aws/ap-southeast-2", "gcp/northamerica-northeast1"], name="payments-api")
    resources, mocks = _run(args)
    assert not mocks.refusals
    by_name = {r.name: r for r in resources}
    alb = by_name["payments-api-aws-ap-southeast-2-alb"].inputs["name"]
    assert alb == aws.target_names("payments-api", "aws-ap-southeast-2", "failoverkit/test")["alb"].name
    assert len(alb) <= 32
    run = by_name["payments-api-gcp-northamerica-northeast1-run"].inputs["name"]
    assert len(run) <= 49 and run.startswith("payments-api-gcp-")
    # What fits keeps its provider autoname: no `name` input at all.
    assert "name" not in by_name["payments-api-aws-ap-southeast-2-cluster"].inputs
    assert not [n for n in physical_names(resources) if n.problem]


Built = tuple[Callable[[], None], str, dict[str, str] | None]
"""A program, the stack it runs as and that stack's config."""


def _everything_the_tests_build() -> dict[str, Built]:
    """Every cloud stack, every DNS backend (and pair) of the property test, and the options that add resources."""
    built: dict[str, Built] = {f"stack {s}": (reference_program, s, stack_config(s)) for s in CLOUD_STACKS}

    def app(args: dict[str, Any]) -> Built:
        return (lambda: FailoverApp("shop", args)), "test", None  # type: ignore[arg-type]

    tri = ["aws/us-east-1", "gcp/us-central1", "azure/westeurope"]
    for provider, secondary, extra in BACKENDS:
        # Cloud DNS routes to static IPs only, so it fronts no AWS target (test_naming_properties.backends_for).
        placements = tri[1:] if "cloud-dns" in (provider, secondary) else tri
        built[f"dns {provider}+{secondary}"] = app(backend_config("shop", placements, provider, secondary, extra))
    optional = backend_config(
        "shop", tri[:2], "cloudflare", None, {"proxied": True, "alertEmails": ["ops@example.com"]}
    )  # a zone setting and a notification policy
    optional["targets"][0]["registryCredentialsArn"] = SECRET_ARN  # an inline IAM policy on the execution role
    optional["targets"][1]["invokerIamDisabled"] = False  # an IAM binding for allUsers
    built["optional children"] = app(optional)
    return built


@pytest.fixture(scope="module")
def recorded() -> dict[str, list[Any]]:
    """What each program of ``_everything_the_tests_build`` registers, under mocks that refuse unknown types."""
    out: dict[str, list[Any]] = {}
    for label, (program, stack, config) in _everything_the_tests_build().items():
        mocks = AutonamingMocks()
        out[label] = run_program(program, project="failoverkit", stack=stack, config=config, mocks=mocks)
        assert not mocks.unknown_types and not mocks.refusals, (label, mocks.unknown_types, mocks.refusals)
    return out


def _custom_types(recorded: dict[str, list[Any]]) -> set[str]:
    return {r.type for resources in recorded.values() for r in resources if r.custom and ":providers:" not in r.type}


def test_every_catalogue_row_is_a_resource_the_program_creates(recorded: dict[str, list[Any]]) -> None:
    # A row the program no longer uses is a stale row; every row's name is also seen in a recorded program.
    seen = {n.rule.type for resources in recorded.values() for n in physical_names(resources)}
    assert {r.type for r in catalog.RULES} <= seen


def test_every_resource_the_program_creates_has_a_row_or_a_reason(recorded: dict[str, list[Any]]) -> None:
    # The reverse: a named child without a row would go unchecked by the property test (as the autoscaling
    # policy did). A type that takes no physical name says why, naming each of its name-like SDK inputs.
    types = _custom_types(recorded)
    nameless = {t for t in types if not catalog.rules_for(t)}
    assert nameless <= set(NO_PHYSICAL_NAME), sorted(nameless - set(NO_PHYSICAL_NAME))
    assert {t: unexplained_inputs(t) for t in sorted(nameless) if unexplained_inputs(t)} == {}
    # The list holds nothing stale and nothing the catalogue covers.
    assert set(NO_PHYSICAL_NAME) <= types, sorted(set(NO_PHYSICAL_NAME) - types)
    assert not {t for t in NO_PHYSICAL_NAME if catalog.rules_for(t)}


def test_autonaming_mocks_fail_on_a_type_nobody_catalogued() -> None:
    mocks = AutonamingMocks()

    def program() -> None:
        pulumi.CustomResource("aws:sqs/queue:Queue", "shop-queue", {})

    with pytest.raises(Exception, match=r"aws:sqs/queue:Queue \(shop-queue\) has no row in failoverkit\.catalog"):
        run_program(program, project="failoverkit", stack="test", mocks=mocks)
    assert mocks.unknown_types == ["aws:sqs/queue:Queue"]


# --- parse_spec refuses what a cloud would refuse ---


def _refused(args: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_spec(args)
    return caught.value.problems


def test_unknown_region_is_refused_with_the_closest_known_one() -> None:
    problems = _refused(app_args(["aws/us-east-9", "gcp/us-central1"]))
    assert len(problems) == 1
    assert problems[0].startswith("targets[0].region: 'us-east-9' is not an aws region the kit knows (did you mean ")
    assert "failoverkit/catalog/aws.py" in problems[0] and "allowUnknownRegion: true" in problems[0]


@pytest.mark.parametrize(
    ("placement", "closest"),
    [("azure/westeurop", "westeurope"), ("gcp/europe-wst1", "europe-west1"), ("gcp/us-central", "us-central1")],
)
def test_region_typos_get_a_did_you_mean(placement: str, closest: str) -> None:
    (problem,) = _refused(app_args(["aws/us-east-1", placement]))
    assert f"(did you mean {closest!r}?)" in problem


def test_allow_unknown_region_accepts_a_region_newer_than_the_catalogue() -> None:
    target = {"cloud": "aws", "region": "ap-south-3", "allowUnknownRegion": True}
    spec = parse_spec(app_args([target, "gcp/us-central1"]))
    assert spec.targets[0].allow_unknown_region and spec.targets[0].region == "ap-south-3"
    assert not parse_spec(app_args()).targets[0].allow_unknown_region  # default: false


def test_a_one_character_app_name_is_refused_for_an_azure_target() -> None:
    (problem,) = _refused(app_args(["aws/us-east-1", "azure/westeurope"], name="a"))
    assert problem == (
        "app.name: 'a' would name the container app of targets[1] (azure/westeurope) 'a', which Azure refuses: "
        "container app names are 2-32 characters, this one has 1"
    )
    parse_spec(app_args(["aws/us-east-1", "gcp/us-central1"], name="a"))  # elsewhere one character is fine


def test_an_app_name_that_breaks_the_load_balancer_rule_is_refused() -> None:
    (problem,) = _refused(app_args(["aws/us-east-1", "gcp/us-central1"], name="internal"))
    assert problem.startswith("app.name: 'internal' would name the Application Load Balancer of targets[0]")
    assert "nor starting with 'internal-'" in problem


def test_a_hostname_too_long_for_the_certificate_validation_record_is_refused() -> None:
    # ACM validates through _<32 hex>.<hostname>: 34 more characters, and a record name is at most 253.
    args = app_args()
    args["hostname"] = "h" * 40 + "." + ".".join(["a" * 60] * 3) + ".example.com"  # 235: fine alone, 269 with it
    (problem,) = _refused(args)
    assert problem.startswith(f"hostname: {args['hostname']!r} would name the DNS record '_xxxxxxxx")
    assert problem.endswith("which every DNS provider refuses: DNS record names are 1-253 characters, this one has 269")


def test_an_unknown_region_too_long_for_a_dns_label_is_refused_on_its_region() -> None:
    target = {"cloud": "aws", "region": "us-" + "a" * 60 + "-1", "allowUnknownRegion": True}
    problems = _refused(app_args([target, "gcp/us-central1"]))
    assert problems and all(p.startswith("targets[0].region: ") for p in problems)
    assert any("DNS record" in p for p in problems)


def test_the_docs_show_what_the_code_says() -> None:
    doc = " ".join((Path(__file__).resolve().parents[2] / "docs" / "components.md").read_text().split())
    (azure_problem,) = _refused(app_args(["aws/us-east-1", "azure/westeurope"], name="a"))
    (region_problem,) = _refused(app_args(["aws/us-east-9", "gcp/us-central1"]))
    assert azure_problem in doc
    assert region_problem.split("; its list")[0] in doc
    assert catalog.physical_name(aws.LOAD_BALANCER, "shop-aws-eu-central-1-alb", "failoverkit/prod") in doc
    assert all(date in doc for date in (aws.REGIONS_DATE, gcp.REGIONS_DATE, azure.REGIONS_DATE))
