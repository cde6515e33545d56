"""Face-index flags become moderation cases: verification raises a flag when an enrolling face matches
another seller or a protected person; it cannot call up into the deal, so the deal turns open flags
into cases when ``verification.blocked`` arrives (and at the periodic sweep, idempotently by flag id)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from listings.models import Listing
from listings.state import ListingStatus
from marketplace.models import FaceClaim, ModerationCase
from marketplace.moderation.services import moderation_case_open
from marketplace.moderation.state import CaseSource, Severity
from verification.models import FaceMatchFlag


def flag_evidence(flag: FaceMatchFlag) -> dict[str, Any]:
    """A face-index flag as case evidence: scores against the threshold, liveness codes; no vectors."""
    flag_photos = (flag.evidence or {}).get("photos", [])
    return {
        "flag_id": flag.pk,
        "kind": flag.kind,
        "score": round(float(flag.score), 4),
        "threshold": float(flag.threshold),
        "metric": flag.metric,
        "engine_id": flag.engine_id,
        "photos": [{"photo": p.get("photo"), "score": p.get("score")} for p in flag_photos],
        "matched_user_id": flag.matched_user_id,
        "matched_protected_person": getattr(flag.matched_protected_person, "name", "") or "",
        "enrollment_id": flag.enrollment_id,
        "liveness_reasons": list(flag.enrollment.reasons or []),
    }


def moderation_cases_sync_from_verification() -> int:
    """Periodic: open a case for each open face-index flag that has none (idempotent by flag id).

    Flags raised by a claimant's own verification belong to their claim (``face_claim_decide``).
    """
    claimed = FaceClaim.objects.exclude(enrollment=None).values("enrollment_id")
    known = ModerationCase.objects.filter(source=CaseSource.FACE_INDEX).values_list("source_ref", flat=True)
    flags = (
        FaceMatchFlag.objects.filter(status=FaceMatchFlag.Status.OPEN)
        .exclude(enrollment_id__in=claimed)
        .select_related("enrollment", "matched_protected_person")
        .order_by("pk")
    )
    known = set(known)
    opened = 0
    for flag in flags:
        if f"flag:{flag.pk}" in known:
            continue
        protected = flag.kind == FaceMatchFlag.Kind.PROTECTED
        listing = (
            Listing.objects.filter(seller_id=flag.subject_user_id)
            .exclude(status=ListingStatus.TAKEN_DOWN)
            .order_by("-created_at")
            .first()
        )
        moderation_case_open(
            source=CaseSource.FACE_INDEX,
            source_ref=f"flag:{flag.pk}",
            severity=Severity.URGENT if protected else Severity.HIGH,
            seller=flag.subject_user,
            listing=listing,
            evidence=flag_evidence(flag),
            summary=(
                _("Enrolling face matches a protected person")
                if protected
                else _("Enrolling face matches another verified seller")
            ),
        )
        opened += 1
    return opened
