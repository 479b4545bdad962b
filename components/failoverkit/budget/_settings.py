"""The backend-specific ``dns.*`` settings (ids, resource groups, zones): which provider needs which, and their form."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence

from failoverkit.budget import cloudflare

_ROUTE53_ZONE_ID = re.compile(r"^Z[A-Z0-9]{1,32}$")
_CLOUDFLARE_ID = re.compile(r"^[0-9a-f]{32}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def validate_settings(
    provider: str,
    secondary: str | None,
    *,
    hostname: str,
    zone: str,
    target_clouds: Sequence[str],
    zone_id: str | None = None,
    account_id: str | None = None,
    resource_group: str | None = None,
    managed_zone: str | None = None,
    proxied: bool = False,
    plan: str | None = None,
    alert_emails: Sequence[str] = (),
    alert_webhook_ids: Sequence[str] = (),
) -> list[str]:
    """Problems with the backend-specific ``dns.*`` settings, as messages relative to ``dns.``.

    ``zoneId`` belongs to ``dns.provider`` (a secondary looks its zone up by name);
    ``accountId``, ``plan``, ``alert*``, ``resourceGroup`` and ``managedZone`` serve whichever of the two needs them.
    """
    problems: list[str] = []
    used = {provider} | ({secondary} if secondary else set())
    apex = hostname == zone

    def owner(settings_provider: str) -> str:
        return "dns.secondary" if settings_provider != provider else "dns.provider"

    if "cloudflare" in used:
        problems += _cloudflare_settings(
            provider, zone, zone_id, account_id, plan, list(alert_emails), list(alert_webhook_ids)
        )
    else:
        for key, value in (
            ("accountId", account_id),
            ("plan", plan),
            ("alertEmails", alert_emails or None),
            ("alertWebhookIds", alert_webhook_ids or None),
        ):
            if value is not None:
                problems.append(f"{key}: applies only to cloudflare")
    if proxied and "cloudflare" not in used:
        problems.append("proxied: applies only to cloudflare")

    if provider in ("route53", "traffic-manager"):
        if zone_id is not None and not _ROUTE53_ZONE_ID.match(zone_id):
            problems.append(f"zoneId: must be a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ, got {zone_id!r}")
    elif zone_id is not None and provider != "cloudflare":
        problems.append(
            f"zoneId: applies to route53, cloudflare and traffic-manager (a Route 53 hosted zone), not {provider}"
        )

    if "traffic-manager" in used:
        tm_in_route53 = provider == "traffic-manager" and zone_id is not None
        if resource_group is None:
            problems.append(
                f"resourceGroup: is required with traffic-manager ({owner('traffic-manager')}): the resource group "
                "of the profile" + ("" if tm_in_route53 else " and of the Azure DNS zone")
            )
        if tm_in_route53 and secondary == "route53":
            problems.append(
                "zoneId: traffic-manager would write the hostname into the Route 53 zone that dns.secondary route53 "
                "also serves; drop zoneId (Azure DNS holds the zone) or choose another secondary"
            )
    elif resource_group is not None:
        problems.append("resourceGroup: applies only to traffic-manager")

    if "cloud-dns" in used:
        if managed_zone is None:
            problems.append(
                f"managedZone: is required with cloud-dns ({owner('cloud-dns')}): the Cloud DNS managed zone "
                f"that holds {zone!r}"
            )
        for i, cloud in enumerate(target_clouds):
            if cloud == "aws":
                problems.append(
                    f"{owner('cloud-dns').removeprefix('dns.')}: cloud-dns fails over between static IPs only; "
                    f"targets[{i}] (aws) sits behind an ALB with no static IP; use route53 or cloudflare"
                )
    elif managed_zone is not None:
        problems.append("managedZone: applies only to cloud-dns")

    # Route 53 and Azure DNS publish the failover as a CNAME, which cannot sit at the zone apex.
    for p in sorted(used & {"route53", "traffic-manager"}):
        if apex:
            problems.append(
                f"{owner(p).removeprefix('dns.')}: {p} publishes {hostname!r} as a CNAME, which cannot sit at "
                f"the zone apex; use a name inside the zone (e.g. www.{zone}) or cloudflare (CNAME flattening)"
            )
    return problems


def _cloudflare_settings(
    provider: str,
    zone: str,
    zone_id: str | None,
    account_id: str | None,
    plan: str | None,
    alert_emails: list[str],
    alert_webhook_ids: list[str],
) -> list[str]:
    problems = []
    if account_id is not None and not _CLOUDFLARE_ID.match(account_id):
        problems.append(f"accountId: must be a 32-character hex Cloudflare account id, got {account_id!r}")
    if provider == "cloudflare" and zone_id is not None:
        if not _CLOUDFLARE_ID.match(zone_id):
            problems.append(f"zoneId: must be a 32-character hex Cloudflare zone id, got {zone_id!r}")
        if account_id is not None:
            # A zone belongs to one account: the kit reads it from the zone. Both ids could disagree, and only
            # Cloudflare knows which is right (an offline check cannot), so one of them is the source of truth.
            problems.append(
                "accountId: give dns.zoneId or dns.accountId, not both: with zoneId the account is read from the "
                f"zone (a zone belongs to one account); with accountId alone the zone {zone!r} is found in it"
            )
    if plan is not None and plan not in cloudflare.PLANS:
        problems.append(
            f"plan: must be one of {' | '.join(cloudflare.PLANS)} (the zone's Cloudflare plan), got {plan!r}"
        )
    for email in alert_emails:
        if not _EMAIL.match(email):
            problems.append(f"alertEmails: must hold email addresses like ops@example.com, got {email!r}")
    for webhook in alert_webhook_ids:
        if not _is_uuid(webhook):
            problems.append(
                f"alertWebhookIds: must hold Cloudflare notification webhook destination ids (UUIDs), got {webhook!r}"
            )
    return problems
