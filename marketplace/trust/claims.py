"""What a licence credential says: built from the licence, with no biometric or legal-name data.

The face is named by a pseudonymous id (a keyed hash of the seller's account, stable across their
licences, meaningless outside this platform) and, only if the seller set one, the public display name
they chose for the catalogue. The buyer is named by the organisation name of their account.
"""

from __future__ import annotations

import hashlib
import json

from django.urls import reverse
from django.utils.crypto import salted_hmac

from listings.vocabulary import RedLine, SensitiveUse
from marketplace.access.selectors import licence_project_summary
from marketplace.conf import market_settings

SCOPE_FIELDS = (
    "use_categories",
    "media",
    "territories",
    "reach_band",
    "monetisation",
    "exclusivity",
    "sensitive_uses",
    "ai_training",
    "duration_months",
)


def public_base_url() -> str:
    return (market_settings.PUBLIC_BASE_URL or "http://localhost").rstrip("/")


def absolute(path: str) -> str:
    return public_base_url() + path


def issuer() -> str:
    """The marketplace's mount point (``<prefix>/``): the JWKS is at ``issuer + .well-known/jwks.json``."""
    return absolute(reverse("marketplace:home"))


def status_list_uri(status_list_id: int) -> str:
    return absolute(reverse("marketplace:trust_status_list", args=[status_list_id]))


def verify_url(reference: str) -> str:
    return absolute(reverse("marketplace:trust_verify", args=[reference]))


def face_pseudonym(seller_id: int) -> str:
    return "face:" + salted_hmac("fm.trust.face", str(seller_id)).hexdigest()[:24]


def licensee_pseudonym(buyer_id: int) -> str:
    return "org:" + salted_hmac("fm.trust.licensee", str(buyer_id)).hexdigest()[:24]


def organisation_name(user) -> str:
    """The name the buyer gave their account (their organisation), or "": a login name is never shown."""
    full_name = getattr(user, "get_full_name", None)  # a host's custom user model may not have one
    return ((full_name() if callable(full_name) else "") or "").strip()


def terms_hash(terms_version) -> str:
    document = json.dumps(terms_version.terms_document(), sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(document.encode()).hexdigest()


def red_lines(scope: dict, forbidden_themes=()) -> dict:
    """What the licence never allows, spelt out so a generation tool need not infer it: the sensitive
    uses not opted into, and the roles and themes the seller forbade outright (their red lines)."""
    licensed = set(scope.get("sensitive_uses") or [])
    return {
        "sensitive_uses_not_licensed": sorted(set(SensitiveUse.values) - licensed),
        "forbidden_themes": [code for code in RedLine.values if code in set(forbidden_themes or ())],
        "ai_training": "allowed" if scope.get("ai_training") else "forbidden",
        "sublicensing": "forbidden",
        "outside_scope": "forbidden",
    }


def licence_claims(licence) -> dict:
    """The credential's claims except ``jti``, ``iat`` and ``status`` (those change per issue)."""
    scope = {name: licence.scope.get(name) for name in SCOPE_FIELDS if name in licence.scope}
    profile = getattr(licence.seller, "fm_seller_profile", None)  # None when the seller has no profile
    face = {"id": face_pseudonym(licence.seller_id)}
    if profile is not None and profile.display_name:
        face["public_name"] = profile.display_name
    claims = {
        "iss": issuer(),
        "sub": face["id"],
        "nbf": int(licence.starts_at.timestamp()),
        "exp": int(licence.ends_at.timestamp()),
        "licence": {
            "reference": licence.reference,
            "listing": licence.listing_id,
            "terms_version": licence.terms_version.number,
            "terms_hash": terms_hash(licence.terms_version),
            "scope": scope,
            "red_lines": red_lines(licence.scope, licence.terms_version.red_lines),
            "starts_at": licence.starts_at.isoformat(),
            "ends_at": licence.ends_at.isoformat(),
            "verify_url": verify_url(licence.reference),
        },
        "face": face,
        "licensee": _licensee(licence.buyer),
    }
    if project := licence_project_summary(licence):
        claims["project"] = project  # "buyers I approve" / invitation: the one project approved
    return claims


def _licensee(buyer) -> dict:
    licensee = {"id": licensee_pseudonym(buyer.pk)}
    if name := organisation_name(buyer):
        licensee["organisation"] = name
    return licensee


def claims_hash(claims: dict) -> str:
    return hashlib.sha256(json.dumps(claims, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
