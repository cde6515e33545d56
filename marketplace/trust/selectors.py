"""Reads of the trust surface: published keys and lists, current credentials, receipts, public views."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import Resolver404, resolve
from django.utils import timezone

from kernel.roles import Role
from marketplace.models import Licence
from marketplace.selectors import user_has_role
from marketplace.trust.claims import issuer, public_base_url
from marketplace.trust.credentials import CredentialCheck, credential_verify
from marketplace.trust.keys import jwks_document
from marketplace.trust.models import ConsentCheckReceipt, CredentialStatus, LicenceCredential, StatusList


def trust_issuer() -> str:
    return issuer()


def status_list_token(status_list_id: int) -> str | None:
    token = StatusList.objects.filter(pk=status_list_id).values_list("token", flat=True).first()
    return token or None


def status_list_by_uri(uri: str) -> str | None:
    """The local token for one of our status-list URLs (what a verifier would fetch over HTTP)."""
    base = public_base_url()
    if not uri or not uri.startswith(base):
        return None
    try:
        match = resolve(uri[len(base) :])
    except Resolver404:
        return None
    if match.view_name != "marketplace:trust_status_list":
        return None
    from marketplace.trust.services import status_list_token_current  # re-signs a stale list first

    return status_list_token_current(int(match.kwargs["status_list_id"]))


def jwks_and_status_lists() -> tuple[dict, object]:
    return jwks_document(), status_list_by_uri


def credential_check_local(token: str, *, reference: str | None = None) -> CredentialCheck:
    """Verify a credential exactly as an outside verifier would, with this site's JWKS and lists."""
    jwks, lists = jwks_and_status_lists()
    check = credential_verify(
        token, jwks=jwks, status_lists=lists, issuer=trust_issuer(), reference=reference
    )
    if check.reason == "unknown_key":  # another process may have rotated keys since this one cached them
        jwks = jwks_document(refresh=True)
        check = credential_verify(
            token, jwks=jwks, status_lists=lists, issuer=trust_issuer(), reference=reference
        )
    return check


def credential_current(licence: Licence) -> LicenceCredential | None:
    return LicenceCredential.objects.filter(licence=licence, superseded_at__isnull=True).first()


def receipts_visible_to(user) -> QuerySet[ConsentCheckReceipt]:
    """The seller sees every check of licences to their face; a caller sees their own checks."""
    if not getattr(user, "is_authenticated", False):
        return ConsentCheckReceipt.objects.none()
    return ConsentCheckReceipt.objects.filter(Q(licence__seller=user) | Q(caller=user)).select_related(
        "licence"
    )


def may_label(user, licence: Licence) -> bool:
    return licence.buyer_id == getattr(user, "pk", None) and user_has_role(user, Role.BUYER)


@dataclass(frozen=True)
class PublicLicenceView:
    """What anyone may see about a licence: no personal data, only what it allows and whether it holds."""

    reference: str
    valid_now: bool
    status: str  # valid, revoked, suspended, expired, not_yet_valid
    starts_at: object
    ends_at: object
    scope: dict
    red_lines: dict
    licensee: str
    face_id: str
    terms_version: int | None
    credential_reason: str | None = None
    #: the approved project, when the licence is bound to one (from the signed claims)
    project: dict | None = None


def _status_word(licence: Licence, credential: LicenceCredential | None) -> str:
    now = timezone.now()
    if licence.status == "revoked" or (credential and credential.status == CredentialStatus.INVALID):
        return "expired" if licence.status == "expired" or licence.ends_at <= now else "revoked"
    if licence.status == "expired" or licence.ends_at <= now:
        return "expired"
    if credential and credential.status == CredentialStatus.SUSPENDED:
        return "suspended"
    if licence.starts_at > now:
        return "not_yet_valid"
    return "valid"


def _licensee_shown(licensee: dict) -> str:
    return licensee.get("organisation") or licensee.get("id", "")


def licence_public_view(reference_or_token: str) -> PublicLicenceView | None:
    """The verify page's facts, from a licence reference or a credential (which is checked first)."""
    value = (reference_or_token or "").strip()
    if value.count(".") == 2:
        check = credential_check_local(value)
        if not check.reference:
            return None
        licence = Licence.objects.filter(reference=check.reference).first()
        reason = check.reason
    else:
        licence = Licence.objects.filter(reference=value).first()
        reason = None
    if licence is None:
        return None
    credential = credential_current(licence)
    status = _status_word(licence, credential)
    if reason in ("revoked", "suspended", "expired", "not_yet_valid"):
        status = reason if status == "valid" else status
    claims = {}
    if credential is not None:
        check = credential_check_local(credential.token)
        claims = check.claims
    licence_claims = claims.get("licence") or {}
    return PublicLicenceView(
        reference=licence.reference,
        valid_now=status == "valid" and reason is None,
        status=status,
        starts_at=licence.starts_at,
        ends_at=licence.ends_at,
        scope=licence_claims.get("scope") or licence.scope,
        red_lines=licence_claims.get("red_lines") or {},
        licensee=_licensee_shown(claims.get("licensee") or {}),
        face_id=claims.get("sub", ""),
        terms_version=licence_claims.get("terms_version"),
        credential_reason=reason,
        project=claims.get("project"),
    )


def still_label_summary(still) -> dict | None:
    """Our content label found on a usage-report still, as the report's API shows it (None: no label)."""
    match = getattr(still, "trust_label", None)
    if match is None:
        return None
    return {
        "licence": match.reference,
        "same_licence": match.same_licence,
        "credential_valid": match.credential_valid,
        "unmodified": match.unmodified,
    }
