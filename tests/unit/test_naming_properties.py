"""Property: every physical name the program creates is one its cloud accepts, for every allowed app name,
every catalogued region, every cloud and every DNS backend.

Two halves, so the whole space is covered and the run stays short:

- exhaustively and purely (no Pulumi): for every cloud and region of the catalogues and every app-name
  length up to the limit, parse_spec accepts the config (the limit it advertises is the real one);
- by example (hypothesis, bounded): random app names and catalogue placements behind every DNS backend
  run through the real program under mocks that autoname like the providers do; nothing is refused by a
  provider and every recorded name fits its cloud's rule (failoverkit.catalog, with the docs cited there).
"""

from __future__ import annotations

from typing import Any

import pytest
from dns_testkit import CF_ACCOUNT, REQUIRED, TYPICAL_HC
from failoverkit import catalog
from failoverkit.app import FailoverApp
from failoverkit.check.mocks import run_program
from failoverkit.errors import ConfigError
from failoverkit.spec import APP_NAME_MAX, parse_spec
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from naming_testkit import AutonamingMocks, physical_names

IMAGE = "ghcr.io/acme/shop:1.4.2"
STANDBY = {"aws": "gcp/us-central1", "gcp": "aws/us-east-1", "azure": "gcp/us-central1"}
# (dns.provider, dns.secondary, extra dns keys): every backend, alone and as a pair the kit supports.
BACKENDS: list[tuple[str, str | None, dict[str, Any]]] = [
    ("route53", None, {}),
    ("traffic-manager", None, {}),
    ("cloudflare", None, {}),
    ("cloud-dns", None, {}),
    # Cloudflare at Route 53's 10 s: the Enterprise plan, and a timeout whose retry fits the interval.
    (
        "route53",
        "cloudflare",
        {
            "accountId": CF_ACCOUNT,
            "plan": "enterprise",
            "healthCheck": {"intervalSeconds": 10, "failureThreshold": 3, "timeoutSeconds": 4},
        },
    ),
    ("traffic-manager", "route53", {}),
]


def config(app: str, placements: list[str], provider: str, secondary: str | None, extra: dict[str, Any]) -> Any:
    dns: dict[str, Any] = {"provider": provider, "zone": "example.com", "ttl": 30, "healthCheck": TYPICAL_HC[provider]}
    dns.update(REQUIRED[provider])
    dns.update(extra)
    if secondary:
        dns["secondary"] = secondary
    return {
        "app": {"name": app, "image": IMAGE},
        "hostname": "shop.example.com",
        "targets": [dict(zip(("cloud", "region"), p.split("/"), strict=True)) for p in placements],
        "dns": dns,
        "rtoSeconds": 600,
    }


def backends_for(clouds: set[str]) -> list[tuple[str, str | None, dict[str, Any]]]:
    """Cloud DNS routes to static IPs only (an ALB has none): it serves GCP and Azure targets alone."""
    return [b for b in BACKENDS if "aws" not in clouds or "cloud-dns" not in (b[0], b[1])]


def app_name(length: int) -> str:
    """A worst-case name of ``length``: letters, a hyphen in the middle once there is room."""
    name = ("a" * length) if length < 3 else "a" + "b" * (length - 3) + "-c"
    return name[:length]


@pytest.mark.parametrize("cloud", sorted(catalog.REGIONS))
def test_every_allowed_app_name_fits_every_catalogue_region(cloud: str) -> None:
    # Azure's container app is named after the app itself, 2-32 characters (catalog/azure.py): names of 1
    # character are refused for azure targets with that reason, and only then.
    shortest = 2 if cloud == "azure" else 1
    for region in sorted(catalog.REGIONS[cloud]):
        placements = [f"{cloud}/{region}", STANDBY[cloud]]
        for provider, secondary, extra in backends_for({cloud, STANDBY[cloud].split("/")[0]}):
            for length in (shortest, 2, 16, APP_NAME_MAX):
                parse_spec(config(app_name(length), placements, provider, secondary, extra))
    if cloud == "azure":
        with pytest.raises(ConfigError, match=r"app\.name: 'a'.*container app.*2-32"):
            parse_spec(config("a", ["azure/westeurope", "gcp/us-central1"], "route53", None, {}))


app_names = st.from_regex(rf"[a-z][a-z0-9-]{{0,{APP_NAME_MAX - 2}}}[a-z0-9]|[a-z0-9]", fullmatch=True).filter(
    lambda n: "--" not in n
)


@st.composite
def deployments(draw: st.DrawFn) -> tuple[str, list[str], tuple[str, str | None, dict[str, Any]]]:
    """An app name, two or three placements (at most one azure: one managed certificate per hostname), a backend."""
    name = draw(app_names)
    clouds = draw(st.lists(st.sampled_from(["aws", "gcp", "azure"]), min_size=2, max_size=3, unique=True))
    placements = [f"{c}/{draw(st.sampled_from(sorted(catalog.REGIONS[c])))}" for c in clouds]
    backend = draw(st.sampled_from(backends_for(set(clouds))))
    return name, placements, backend


# Each example runs the whole program (~0.5 s); no shrinking, so a failure reports in seconds, not minutes.
@settings(
    max_examples=20,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
@given(deployments())
# The cases: `shop` in eu-central-1 gave a 33-character ALB autoname, `payments-api` in ap-southeast-2 43;
# a 32-character app in northamerica-northeast1 gave an 85-character certificate map entry.
@example(("shop", ["aws/eu-central-1", "gcp/us-central1"], BACKENDS[0]))
@example(("payments-api", ["aws/ap-southeast-2", "azure/westeurope"], BACKENDS[1]))
@example(("a" * 32, ["gcp/northamerica-northeast1", "azure/germanywestcentral"], BACKENDS[3]))
def test_every_physical_name_fits_its_cloud(deployment: tuple[str, list[str], Any]) -> None:
    name, placements, (provider, secondary, extra) = deployment
    args = config(name, placements, provider, secondary, extra)
    try:
        parse_spec(args)
    except ConfigError as e:
        # Only a name the clouds cannot take may be refused here, and the message says which and why.
        assert all(p.startswith("app.name:") for p in e.problems), e.problems
        return
    mocks = AutonamingMocks()
    resources = run_program(lambda: FailoverApp("shop", args), project="failoverkit", stack="test", mocks=mocks)
    assert not mocks.refusals, mocks.refusals
    bad = [f"{n.resource}: {n.name!r}: {n.problem}" for n in physical_names(resources) if n.problem]
    assert not bad, bad
