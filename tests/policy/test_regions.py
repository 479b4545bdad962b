"""The pack's region catalogue: a copy of failoverkit's (the pack may not import it), used in placement: an
unknown region is an unknown placement, with the closest known region in the reason."""

from __future__ import annotations

from failoverkit import catalog
from failoverkit_policies import placement_known, regions
from failoverkit_policies.model import Model
from failoverkit_policies.placement import resolve
from policy_fixtures import TAGS, StackBuilder, local_baseline


def test_the_packs_catalogue_is_failoverkits() -> None:
    assert regions.REGIONS == catalog.REGIONS
    assert regions.DATE == catalog.aws.REGIONS_DATE == catalog.gcp.REGIONS_DATE == catalog.azure.REGIONS_DATE


def _service(region: str) -> StackBuilder:
    b = StackBuilder().add("pulumi:providers:aws", "default_7_51_1", {})
    return b.add("aws:ecs/service:Service", "svc", {"tags": dict(TAGS), "region": region}, provider="default_7_51_1")


def _placement(b: StackBuilder) -> tuple[str | None, str | None, str]:
    model = Model.from_args(b.args())
    p = resolve(next(r for r in model.resources if r.name == "svc"), model)
    return p.cloud, p.region, p.source


def test_a_catalogued_region_is_a_placement() -> None:
    assert _placement(_service("eu-central-1"))[:2] == ("aws", "eu-central-1")


def test_an_unknown_region_is_an_unknown_placement_with_a_did_you_mean() -> None:
    cloud, region, why = _placement(_service("us-east-9"))
    assert (cloud, region) == ("aws", None)
    assert why.startswith("its region property gives 'us-east-9', which is not an aws region the pack knows (did you")
    assert "allowUnknownRegion: true" in why


def test_a_region_a_failover_app_declares_is_known() -> None:
    # parse_spec lets an uncatalogued region through only with allowUnknownRegion: true on its target.
    b = _service("ap-south-3")
    b.add("failoverkit:index:FailoverApp", "shop", {"tags": dict(TAGS), "placements": ["aws/ap-south-3"]})
    assert _placement(b)[:2] == ("aws", "ap-south-3")


def test_a_typo_in_a_local_targets_region_fails_closed() -> None:
    b = local_baseline((("aws", "us-east-1", "127.0.20.1"), ("gcp", "europe-wst1", "127.0.20.2")))
    messages = [message for message, _ in placement_known.POLICY.run(b.args())]
    assert any(
        "'europe-wst1', which is not a gcp region the pack knows (did you mean 'europe-west1'?)" in m for m in messages
    )
