"""The consent check: "is this face licensed to this producer for this use?", answered and receipted.

A generation tool or host platform names the licence (by credential or reference) and the intended
use; with a still, the face in it is compared with the licensed seller's verified face template
(through the verification app; only a score comes back). Every answer is stored as a receipt the
seller sees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import verification.selectors as face_selectors
from kernel.errors import ServiceError
from marketplace.models import Licence
from marketplace.purchases.state import LicenceStatus
from marketplace.trust.models import ConsentCheckReceipt, CredentialStatus
from marketplace.trust.selectors import credential_check_local
from marketplace.trust.services import credential_status_for
from marketplace.usage.evidence_checks import MONETISATION_ORDER, REACH_ORDER, reach_band_for

CHECK_PERMISSION = "fm_marketplace.check_consent"
STATUS_WORDS = {
    CredentialStatus.VALID: "valid",
    CredentialStatus.INVALID: "revoked",
    CredentialStatus.SUSPENDED: "suspended",
}


class ConsentCheckRefused(ServiceError):
    """The question cannot be answered (bad credential, unknown licence); ``code`` is stable."""

    def __init__(self, code: str, message: str, fields: dict | None = None, status: int = 400):
        super().__init__(message, code=code, fields=fields)
        self.status = self.status_code = status


@dataclass(frozen=True)
class IntendedUse:
    use_category: str
    medium: str
    territory: str
    on: date
    expected_views: int | None = None
    monetisation: str | None = None
    sensitive_uses: tuple[str, ...] = ()
    ai_training: bool = False
    themes: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "use_category": self.use_category,
            "medium": self.medium,
            "territory": self.territory,
            "date": self.on.isoformat(),
            "expected_views": self.expected_views,
            "monetisation": self.monetisation,
            "sensitive_uses": list(self.sensitive_uses),
            "ai_training": self.ai_training,
            "themes": list(self.themes),
        }


@dataclass
class ConsentAnswer:
    allowed: bool
    reasons: list[dict] = field(default_factory=list)
    credential_status: str = "none"
    face: dict | None = None

    def deny(self, code: str, message: str, field_name: str | None = None) -> None:
        self.allowed = False
        self.reasons.append({"code": code, "field": field_name, "message": str(message)})


def _may_check(caller, licence: Licence) -> bool:
    return caller.has_perm(CHECK_PERMISSION) or licence.buyer_id == caller.pk


def _licence_from_credential(token: str, reference: str | None) -> tuple[Licence, str]:
    check = credential_check_local(token)
    if check.reason in ("malformed", "unknown_key", "bad_signature", "wrong_type", "wrong_issuer"):
        raise ConsentCheckRefused(
            "credential_invalid",
            _("This credential was not issued by this platform or has been altered."),
            {"credential": check.reason},
        )
    if reference and check.reference != reference:
        raise ConsentCheckRefused(
            "credential_mismatch",
            _("The credential is for another licence than the reference given."),
            {"credential": "wrong_licence"},
        )
    licence = Licence.objects.filter(reference=check.reference).first()
    if licence is None:
        raise ConsentCheckRefused("licence_not_found", _("No such licence."), status=404)
    return licence, check.claims.get("jti", "")


def _scope(answer: ConsentAnswer, licence: Licence, use: IntendedUse) -> None:
    scope = licence.scope
    if use.use_category not in scope.get("use_categories", []):
        answer.deny("outside_scope", _("This use category is not licensed."), "use_category")
    if use.medium not in scope.get("media", []):
        answer.deny("outside_scope", _("This medium is not licensed."), "medium")
    if use.territory not in scope.get("territories", []):
        answer.deny("outside_scope", _("This territory is not licensed."), "territory")
    if use.expected_views is not None:
        band = reach_band_for(use.expected_views)
        if REACH_ORDER.index(band) > REACH_ORDER.index(scope.get("reach_band", REACH_ORDER[0])):
            answer.deny(
                "outside_scope", _("The expected reach is above the licensed reach."), "expected_views"
            )
    licensed_mon = scope.get("monetisation")
    if (
        use.monetisation
        and licensed_mon in MONETISATION_ORDER
        and (MONETISATION_ORDER.index(use.monetisation) > MONETISATION_ORDER.index(licensed_mon))
    ):
        answer.deny("outside_scope", _("This monetisation is not licensed."), "monetisation")
    if set(use.sensitive_uses) - set(scope.get("sensitive_uses") or []):
        answer.deny("outside_scope", _("This sensitive use is not licensed."), "sensitive_uses")
    if set(use.themes) & set(licence.terms_version.red_lines or []):
        answer.deny("red_line", _("This role or theme is one of the seller's red lines."), "themes")
    if use.ai_training and not scope.get("ai_training"):
        answer.deny("outside_scope", _("Training on this face is not licensed."), "ai_training")


def _dates_and_status(answer: ConsentAnswer, licence: Licence, use: IntendedUse, status: int) -> None:
    tz = timezone.get_current_timezone()
    day_start = timezone.make_aware(datetime.combine(use.on, time.min), tz)
    if licence.status == LicenceStatus.REVOKED:
        answer.deny("revoked", _("This licence has been revoked."))
    elif licence.status == LicenceStatus.EXPIRED or licence.ends_at <= timezone.now():
        answer.deny("expired", _("This licence has expired."))
    elif licence.status == LicenceStatus.SUSPENDED:
        answer.deny("suspended", _("This licence is suspended while a reported breach is reviewed."))
    elif status == CredentialStatus.SUSPENDED:
        answer.deny("suspended", _("This licence is suspended while moderators review the face."))
    if day_start >= licence.ends_at:
        answer.deny("expired", _("The licence ends before this date."), "date")
    elif timezone.make_aware(datetime.combine(use.on, time.max), tz) < licence.starts_at:
        answer.deny("not_yet_valid", _("The licence starts after this date."), "date")


def _face(answer: ConsentAnswer, licence: Licence, image: bytes) -> None:
    match = face_selectors.seller_photo_match(user=licence.seller, data=image)
    score = None if match.score is None or math.isnan(match.score) else round(float(match.score), 4)
    answer.face = {"compared": match.error_code is None, "matched": bool(match.matched), "score": score}
    if match.error_code == "no_template":
        answer.deny(
            "face_not_comparable", _("The licensed face cannot be compared with this engine."), "face_image"
        )
    elif match.error_code is not None:
        answer.face["error"] = match.error_code
        answer.deny("face_unreadable", _("No single clear face was found in the image."), "face_image")
    elif not match.matched:
        answer.deny("face_mismatch", _("The face in the image is not the licensed face."), "face_image")


def consent_check_perform(
    *,
    caller,
    use: IntendedUse,
    credential: str = "",
    reference: str = "",
    face_image: bytes | None = None,
) -> tuple[ConsentCheckReceipt, ConsentAnswer]:
    """Answer the check and keep its receipt. Raises ``ConsentCheckRefused`` or ``PermissionDenied``."""
    jti = ""
    if credential:
        licence, jti = _licence_from_credential(credential, reference or None)
    else:
        licence = Licence.objects.select_related("listing").filter(reference=reference).first()
    if licence is None or not _may_check(caller, licence):
        if not caller.has_perm(CHECK_PERMISSION):
            raise PermissionDenied(_("This account may not run consent checks."))
        raise ConsentCheckRefused("licence_not_found", _("No such licence."), status=404)
    current = licence.credentials.filter(superseded_at__isnull=True).first()
    status = current.status if current is not None else credential_status_for(licence)
    if jti and current is not None and jti != current.jti:
        status = CredentialStatus.INVALID  # a superseded credential: its entry says so too
    answer = ConsentAnswer(allowed=True, credential_status=STATUS_WORDS[CredentialStatus(status)])
    if status == CredentialStatus.INVALID and licence.status == LicenceStatus.ACTIVE and jti:
        answer.deny("revoked", _("This credential was replaced by a newer one."), "credential")
    _dates_and_status(answer, licence, use, status)
    _scope(answer, licence, use)
    if face_image is not None:
        _face(answer, licence, face_image)
    with transaction.atomic():
        receipt = ConsentCheckReceipt.objects.create(
            licence=licence,
            caller=caller,
            caller_name=caller.get_username()[:150],
            intended_use=use.as_dict(),
            allowed=answer.allowed,
            reasons=answer.reasons,
            credential_jti=jti or (current.jti if current else ""),
            credential_status=answer.credential_status,
            face_compared=bool(answer.face and answer.face["compared"]),
            face_score=(answer.face or {}).get("score"),
        )
    return receipt, answer
