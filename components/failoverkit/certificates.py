"""A certificate for the shared hostname issued by ACME DNS-01 through the failover DNS, wherever it points.

Behind failover DNS the hostname never points straight at one target: on a standby it resolves to
another cloud, and with Traffic Manager or Cloudflare it is a CNAME onto the provider. Validation that
needs the hostname to reach the target (HTTP-01, Container Apps' free managed certificates) therefore
never succeeds, or stops renewing, on a standby. DNS-01 proves control of the zone instead: the ACME
client writes ``_acme-challenge.<hostname>`` TXT through the DNS provider's API and the CA reads it.

Resources (once per FailoverApp, ``shop``)::

    random:index/randomPassword:RandomPassword  shop-acme-pfx-password  protects the PFX in transit and state
    acme:index/registration:Registration         shop-acme-account       ACME account (the key is generated)
    acme:index/certificate:Certificate           shop-acme-cert          <hostname>, DNS-01 via each DNS provider

The CA comes from the acme provider's ``serverUrl`` (``acme:serverUrl`` in the stack config, or the provider
passed in ``opts``), e.g. Let's Encrypt's ``https://acme-v02.api.letsencrypt.org/directory``. The certificate
renews on any ``pulumi up`` run within ``RENEW_DAYS_BEFORE_EXPIRY`` of its expiry: schedule one (nightly CI).

The DNS-01 solver is lego, inside the acme provider; each DNS service below is one of its documented
providers (terraform-provider-acme, "DNS Providers" guides: route53, azuredns, cloudflare, gcloud), and the
config keys are the ones those guides list. Credentials come from the environment, as for lego's own
providers, except the Cloudflare token, which is reused from ``cloudflare:apiToken`` when set there.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

import pulumi
import pulumi_random as random
import pulumiverse_acme as acme

from failoverkit.clouds._common import nonempty
from failoverkit.spec import DnsProvider, FailoverSpec

RENEW_DAYS_BEFORE_EXPIRY = 30
"""Renew once fewer than 30 days remain (the acme provider's default): a nightly ``up`` gets ~30 tries."""
PFX_PASSWORD_LENGTH = 32
ROUTE53_API_REGION = "us-east-1"
"""Route 53 is a global service whose API is signed in us-east-1; lego's AWS client needs a region."""
CLOUDFLARE_TOKEN_KEY = "apiToken"
"""``cloudflare:apiToken``: the provider's token (needs Zone Read and DNS Edit, which the kit needs anyway)."""


class ZoneHost(StrEnum):
    """The DNS service that holds the zone's records (and so the ``_acme-challenge`` TXT)."""

    ROUTE53 = "route53"
    AZURE_DNS = "azure-dns"
    CLOUDFLARE = "cloudflare"
    CLOUD_DNS = "cloud-dns"


LEGO_PROVIDER = {
    ZoneHost.ROUTE53: "route53",
    ZoneHost.AZURE_DNS: "azuredns",  # not "azure": lego deprecated that one
    ZoneHost.CLOUDFLARE: "cloudflare",
    ZoneHost.CLOUD_DNS: "gcloud",
}
"""lego's name for the DNS-01 provider of each zone host."""


@dataclass(frozen=True)
class ChallengeZone:
    """One authoritative copy of the zone that the ACME client must write the challenge into."""

    host: ZoneHost
    zone_id: str | None = None
    """Route 53 hosted zone id when the config names it (lego finds the public zone by name otherwise)."""


def challenge_zones(spec: FailoverSpec) -> list[ChallengeZone]:
    """Where the zone lives for ``dns.provider`` and ``dns.secondary``: every copy must carry the TXT.

    A secondary provider serves the zone too, and a CA may ask either provider's name servers, so the
    challenge goes to both (the acme provider runs one DNS challenge per provider type; they differ here).
    Mirrors the backends: traffic-manager writes into Route 53 when ``dns.zoneId`` is set (else Azure DNS),
    and ``dns.zoneId`` belongs to ``dns.provider`` only (a secondary looks its zone up by name).
    """
    zones = []
    for provider, primary in ((spec.dns.provider, True), (spec.dns.secondary, False)):
        zone_id = spec.dns.zone_id if primary else None
        if provider is DnsProvider.ROUTE53:
            zones.append(ChallengeZone(ZoneHost.ROUTE53, zone_id))
        elif provider is DnsProvider.TRAFFIC_MANAGER:
            zones.append(ChallengeZone(ZoneHost.ROUTE53, zone_id) if zone_id else ChallengeZone(ZoneHost.AZURE_DNS))
        elif provider is DnsProvider.CLOUDFLARE:
            zones.append(ChallengeZone(ZoneHost.CLOUDFLARE))
        elif provider is DnsProvider.CLOUD_DNS:
            zones.append(ChallengeZone(ZoneHost.CLOUD_DNS))
        elif provider is DnsProvider.LOCAL:
            raise ValueError("local DNS serves simulated targets only; they need no ACME certificate")
    return zones


def name_suffix(serial: str) -> str:
    """8 hex characters that change exactly when the certificate does (a renewal gets a new serial)."""
    return hashlib.sha256(serial.encode()).hexdigest()[:8]


@dataclass
class HostnameCertificate:
    """The issued certificate as a PFX, ready to upload (e.g. as a Container Apps certificate)."""

    pfx: pulumi.Output[str]
    """Base64 PKCS#12: the certificate, its intermediates and the private key (secret)."""
    password: pulumi.Output[str]
    """The PFX's password (secret)."""
    serial: pulumi.Output[str]
    """The certificate's serial number: changes on every renewal."""
    resources: list[pulumi.Resource]


def issue(spec: FailoverSpec, parent: pulumi.Resource) -> HostnameCertificate:
    """Register an ACME account and order the hostname's certificate, solved by DNS-01 in every zone copy."""
    opts = pulumi.ResourceOptions(parent=parent)
    password = random.RandomPassword(
        f"{spec.app.name}-acme-pfx-password", length=PFX_PASSWORD_LENGTH, special=False, opts=opts
    )
    account = acme.Registration(f"{spec.app.name}-acme-account", opts=opts)
    certificate = acme.Certificate(
        f"{spec.app.name}-acme-cert",
        account_key_pem=account.account_key_pem,
        common_name=spec.hostname,
        dns_challenges=[dns_challenge(spec, zone, parent) for zone in challenge_zones(spec)],
        min_days_remaining=RENEW_DAYS_BEFORE_EXPIRY,
        certificate_p12_password=password.result,
        opts=opts,
    )
    return HostnameCertificate(
        pfx=pulumi.Output.secret(certificate.certificate_p12.apply(nonempty("the ACME certificate's PFX"))),
        password=pulumi.Output.secret(password.result),
        serial=certificate.certificate_serial.apply(nonempty("the ACME certificate's serial")),
        resources=[certificate],
    )


def dns_challenge(spec: FailoverSpec, zone: ChallengeZone, parent: pulumi.Resource) -> acme.CertificateDnsChallengeArgs:
    """lego's provider and config for ``zone`` (config keys from the acme provider's DNS provider guides)."""
    invoke = pulumi.InvokeOutputOptions(parent=parent)  # the parent's providers: the same account as the records
    config: dict[str, pulumi.Input[str]] = {}
    if zone.host is ZoneHost.ROUTE53:
        config["AWS_REGION"] = ROUTE53_API_REGION
        if zone.zone_id:
            config["AWS_HOSTED_ZONE_ID"] = zone.zone_id
    elif zone.host is ZoneHost.AZURE_DNS:
        import pulumi_azure_native as azure

        assert spec.dns.resource_group is not None  # parse_spec requires it with traffic-manager
        config["AZURE_SUBSCRIPTION_ID"] = azure.authorization.get_client_config_output(opts=invoke).subscription_id
        config["AZURE_RESOURCE_GROUP"] = spec.dns.resource_group
        config["AZURE_ZONE_NAME"] = spec.dns.zone
    elif zone.host is ZoneHost.CLOUDFLARE:
        token = pulumi.Config("cloudflare").get_secret(CLOUDFLARE_TOKEN_KEY)
        if token is not None:  # else lego reads CLOUDFLARE_DNS_API_TOKEN from the environment
            config["CLOUDFLARE_DNS_API_TOKEN"] = token
    elif zone.host is ZoneHost.CLOUD_DNS:
        import pulumi_gcp as gcp

        assert spec.dns.managed_zone is not None  # parse_spec requires it with cloud-dns
        # lego detects the project from the metadata server, which exists only on GCP: name it.
        project = gcp.organizations.get_client_config_output(opts=invoke).project
        config["GCE_PROJECT"] = project.apply(nonempty("the gcp provider's project (gcp:project)"))
        config["GCE_ZONE_ID"] = spec.dns.managed_zone
    return acme.CertificateDnsChallengeArgs(provider=LEGO_PROVIDER[zone.host], config=config)
