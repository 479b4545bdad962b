"""Property tests: the placement rules decide exactly on distinct providers and distinct cloud/region pairs."""

from __future__ import annotations

from failoverkit_policies import multi_provider, multi_region
from failoverkit_policies.placement import normalise_region
from hypothesis import given, settings
from hypothesis import strategies as st
from policy_fixtures import local_baseline

REGIONS = {
    "aws": ["us-east-1", "us-west-2", "eu-west-1"],
    "gcp": ["us-central1", "europe-west1"],
    "azure": ["westeurope", "eastus2"],
}
placements = st.lists(
    st.sampled_from([(cloud, region) for cloud, regions in REGIONS.items() for region in regions]),
    min_size=1,
    max_size=5,
)


@settings(max_examples=60, deadline=None)
@given(placements, st.integers(min_value=1, max_value=4), st.integers(min_value=1, max_value=4))
def test_fires_iff_too_few_distinct(places: list[tuple[str, str]], min_providers: int, min_regions: int) -> None:
    targets = tuple((c, r, f"127.0.20.{i + 1}") for i, (c, r) in enumerate(places))
    args = local_baseline(targets).args({"minProviders": float(min_providers), "minRegions": float(min_regions)})
    providers = {c for c, _ in places}
    regions = set(places)
    assert bool(multi_provider.POLICY.run(args)) == (len(providers) < min_providers)
    assert bool(multi_region.POLICY.run(args)) == (len(regions) < min_regions)


@given(st.sampled_from(REGIONS["gcp"]), st.sampled_from("abcf"))
def test_gcp_zone_maps_to_its_region(region: str, letter: str) -> None:
    assert normalise_region("gcp", f"{region}-{letter}") == region
    assert normalise_region("gcp", region) == region


@given(st.sampled_from(REGIONS["aws"]), st.sampled_from("abcdef"))
def test_aws_availability_zone_maps_to_its_region(region: str, letter: str) -> None:
    assert normalise_region("aws", f"{region}{letter}") == region
    assert normalise_region("aws", region) == region
