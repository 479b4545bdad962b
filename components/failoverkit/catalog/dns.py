"""DNS record names: every record the kit writes is the hostname with a prefix, and every provider limits it.

Route 53, Cloud DNS, Azure DNS and Cloudflare all take RFC 1035 names: labels of 1-63 characters and at most
255 octets on the wire, i.e. 253 characters written without the final dot. The prefixes come from the
targets (certificate validation, domain verification, the ACME DNS-01 challenge) and from the Route 53
and Traffic Manager backends (per-target names; Route 53's failover chain).
"""

from __future__ import annotations

from collections.abc import Iterable

from failoverkit.catalog._rules import NameRule, PlannedName, verbatim

_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"

RECORD_NAME = NameRule(
    what="DNS record",
    type="",  # every DNS provider's record type; see RECORD_TYPES
    prop="name",
    min_length=1,
    max_length=253,
    pattern=rf"(?:{_LABEL}\.)*{_LABEL}",
    allowed="dot-separated labels of 1-63 letters, digits, '-' and '_'",
    unique="zone",
    source="RFC 1035 section 2.3.4 (labels 63 octets, names 255 octets on the wire: 253 characters without "
    "the final dot); Route 53, Cloud DNS, Azure DNS and Cloudflare enforce it",
)

RECORD_TYPES = {
    "aws:route53/record:Record": "name",
    "gcp:dns/recordSet:RecordSet": "name",
    "azure-native:dns:RecordSet": "relativeRecordSetName",
    "cloudflare:index/dnsRecord:DnsRecord": "name",
    "cloudflare:index/loadBalancer:LoadBalancer": "name",
}
"""Where each provider's record type keeps its name (Azure's is relative to ``zoneName``)."""

ACM_VALIDATION_PREFIX = "_" + "x" * 32
"""ACM's DNS validation record: an underscore and 32 hex characters before the domain (ACM User Guide,
DNS validation)."""
GCP_AUTHORIZATION_PREFIX = "_acme-challenge_" + "x" * 16
"""A PER_PROJECT_RECORD DNS authorization's CNAME: ``_acme-challenge_`` and a per-project suffix (its length
is Google's; 16 as seen in Google's examples)."""
ACME_CHALLENGE_PREFIX = "_acme-challenge"
"""Where an ACME DNS-01 challenge's TXT goes (RFC 8555 section 8.4): the Azure target's certificate."""


def record_names(
    hostname: str,
    *,
    clouds: Iterable[str],
    route53_keys: Iterable[str] = (),
    traffic_manager_keys: Iterable[str] = (),
) -> dict[str, PlannedName]:
    """The longest record names the kit writes for ``hostname``, by what they are for.

    ``clouds``: the targets' clouds (each validates its certificate through the zone); ``route53_keys``: the
    target keys, primary first, when Route 53 publishes the failover (a name per target, a chain of nested sets);
    ``traffic_manager_keys``: the same when Traffic Manager does (a name per target).
    """
    found = set(clouds)
    prefixes: dict[str, str] = {}
    if "aws" in found:
        prefixes["acm-validation"] = ACM_VALIDATION_PREFIX
    if "gcp" in found:
        prefixes["gcp-dns-authorization"] = GCP_AUTHORIZATION_PREFIX
    if "azure" in found:
        prefixes["azure-asuid"] = "asuid"
        prefixes["azure-acme-challenge"] = ACME_CHALLENGE_PREFIX
    keys = list(route53_keys)
    for key in keys:
        prefixes[f"route53-{key}"] = key
    for key in traffic_manager_keys:
        prefixes[f"traffic-manager-{key}"] = key
    own_names = set(keys) | set(traffic_manager_keys)
    for level in range(1, len(keys) - 1):
        prefixes[f"route53-failover-{level}"] = f"failover-{level}"
    out = {"hostname": verbatim(RECORD_NAME, hostname, ("hostname",))}
    for what, prefix in prefixes.items():
        # A target's own name is its key (cloud and region) under the hostname: a long region can break it.
        inputs = ("region", "hostname") if prefix in own_names else ("hostname",)
        out[what] = verbatim(RECORD_NAME, f"{prefix}.{hostname}", inputs)
    return out
