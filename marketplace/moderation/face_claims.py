""" "This is my face": a claimant proves who they are with the same liveness verification sellers pass.

The claimant's enrollment runs in verification as any other. Its face index search compares their live,
verified face with every seller's template: when it matches the seller of the claimed listing (and the
liveness checks passed), the claim becomes an urgent case and the listing is hidden at once pending
review. A claimant whose face does not match changes nothing for the listing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.roles import Role
from kernel.transitions import transition
from listings.models import Listing
from listings.services import listing_hide_pending_review
from listings.state import ListingStatus
from marketplace.accounts.services import user_role_grant
from marketplace.models import FaceClaim
from marketplace.moderation.audit import audit_record
from marketplace.moderation.services import moderation_case_open
from marketplace.moderation.state import CLAIM_TRANSITIONS, CaseSource, ClaimStatus, Severity
from verification.engine_registry import get_face_engine
from verification.models import Enrollment, FaceMatchFlag
from verification.permissions import can_enroll
from verification.selectors import seller_face_template
from verification.state import ACTIVE_STATUSES, EnrollmentStatus

#: reason codes that only say "the face matched someone": not a liveness failure
_MATCH_REASONS = {"face_matches_other_seller", "face_matches_protected_person"}
CLAIMABLE_STATUSES = {ListingStatus.PUBLISHED, ListingStatus.PAUSED}


@transaction.atomic
def face_claim_start(*, claimant, listing: Listing, statement: str = "") -> FaceClaim:
    """Open a claim (or return the claimant's pending one on this listing).

    Verification enrolls sellers only, so a claimant who is not one gets the seller role: proving
    one's face is what sellers do, and it lets nothing go live without a verified face of their own.
    """
    if not getattr(claimant, "is_authenticated", False):
        raise PermissionDenied(_("Log in to claim your face."))
    if listing.seller_id == claimant.pk:
        raise ValidationError(_("This is your own listing."))
    if listing.status not in CLAIMABLE_STATUSES:
        raise ValidationError(_("This listing is not on sale."))
    pending = FaceClaim.objects.filter(
        claimant=claimant, listing=listing, status=ClaimStatus.VERIFYING
    ).first()
    if pending is not None:
        return pending
    if not can_enroll(claimant):
        user_role_grant(user=claimant, role=Role.SELLER)
    try:
        with transaction.atomic():
            claim = FaceClaim.objects.create(
                claimant=claimant, listing=listing, statement=(statement or "").strip()[:4000]
            )
    except IntegrityError:  # a double submit
        return FaceClaim.objects.get(claimant=claimant, listing=listing, status=ClaimStatus.VERIFYING)
    audit_record(
        actor=claimant,
        action="claim.started",
        subject_type="claim",
        subject_ref=claim.pk,
        after={"listing": listing.pk},
    )
    return claim


def _claim_enrollment(claim: FaceClaim) -> Enrollment | None:
    """The claimant's verification for this claim: a verified one they already had, or the first one
    they started since claiming."""
    if claim.enrollment_id:
        return claim.enrollment
    verified = Enrollment.objects.filter(user=claim.claimant, status=EnrollmentStatus.VERIFIED).first()
    if verified is not None:
        return verified
    return (
        Enrollment.objects.filter(user=claim.claimant, created_at__gte=claim.created_at)
        .order_by("created_at")
        .first()
    )


def _match(claim: FaceClaim, enrollment: Enrollment) -> tuple[bool, dict[str, Any]]:
    liveness_failures = [r for r in (enrollment.reasons or []) if r not in _MATCH_REASONS]
    evidence: dict[str, Any] = {
        "enrollment_id": enrollment.pk,
        "enrollment_status": enrollment.status,
        "liveness_reasons": liveness_failures,
        "liveness_passed": not liveness_failures,
    }
    seller_id = claim.listing.seller_id
    if enrollment.status == EnrollmentStatus.BLOCKED:
        flag = FaceMatchFlag.objects.filter(enrollment=enrollment, matched_user_id=seller_id).first()
        if flag is not None:
            evidence.update(
                flag_id=flag.pk,
                score=round(float(flag.score), 4),
                threshold=float(flag.threshold),
                metric=flag.metric,
            )
        return flag is not None and not liveness_failures, evidence
    if enrollment.status == EnrollmentStatus.VERIFIED:
        # verified before the seller listed this face: compare the two templates directly
        mine, theirs = seller_face_template(claim.claimant), seller_face_template(claim.listing.seller)
        engine = get_face_engine()
        if mine is None or theirs is None or {mine.engine_id, theirs.engine_id} != {engine.engine_id}:
            return False, evidence
        score = float(engine.score(mine.vector(), theirs.vector()))
        evidence.update(score=round(score, 4), threshold=float(engine.threshold), metric=engine.metric)
        return engine.is_match(score), evidence
    return False, evidence


@transaction.atomic
def face_claim_decide(*, claim: FaceClaim) -> FaceClaim:
    """Decide a claim once the claimant's verification has a verdict; before that, change nothing."""
    locked = FaceClaim.objects.select_for_update(no_key=True, of=("self",)).select_related(
        "listing", "claimant"
    )
    claim = locked.get(pk=claim.pk)
    if claim.status != ClaimStatus.VERIFYING:
        return claim
    enrollment = _claim_enrollment(claim)
    if enrollment is None or enrollment.status in ACTIVE_STATUSES:
        if enrollment is not None and claim.enrollment_id is None:
            FaceClaim.objects.filter(pk=claim.pk).update(enrollment=enrollment)
            claim.enrollment = enrollment
        return claim
    matched, evidence = _match(claim, enrollment)
    to = ClaimStatus.MATCHED if matched else ClaimStatus.NOT_MATCHED
    transition(
        claim,
        to=to,
        transitions=CLAIM_TRANSITIONS,
        reason="claimant's verification decided",
        enrollment=enrollment,
        decided_at=timezone.now(),
    )
    audit_record(
        actor=None,
        action=f"claim.{to}",
        subject_type="claim",
        subject_ref=claim.pk,
        before={"status": ClaimStatus.VERIFYING},
        after={"status": to, **evidence},
    )
    if not matched:
        return claim
    listing = claim.listing
    case = moderation_case_open(
        source=CaseSource.FACE_CLAIM,
        source_ref=f"claim:{claim.pk}",
        severity=Severity.URGENT,
        listing=listing,
        reporter=claim.claimant,
        evidence={**evidence, "statement": claim.statement},
        summary=_("A verified person says this listing shows their face, and their face matches"),
    )
    FaceClaim.objects.filter(pk=claim.pk).update(case=case)
    claim.case = case
    reason = _("Hidden pending review: a verified claimant's face matches (case %s)") % case.pk
    if listing_hide_pending_review(listing=listing, reason=reason):
        audit_record(
            actor=None,
            action="listing.hidden",
            subject_type="listing",
            subject_ref=listing.pk,
            reason=reason,
            case=case,
            before={"status": listing.status},
            after={"status": ListingStatus.PAUSED},
        )
    return claim


def face_claims_decide_pending() -> int:
    """Periodic: decide every claim whose claimant's verification has a verdict now."""
    decided = 0
    for claim in FaceClaim.objects.filter(status=ClaimStatus.VERIFYING).order_by("pk"):
        if face_claim_decide(claim=claim).status != ClaimStatus.VERIFYING:
            decided += 1
    return decided
