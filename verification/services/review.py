"""Moderators' decisions about verification's own records: face-match flags and re-verification.

Moderation is orchestrated above this app (the deal app): it calls these services when it decides a
case; verification never calls up. Both are idempotent, so a retried decision changes nothing more.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.transitions import transition

from ..errors import VerificationError
from ..models import Enrollment, FaceMatchFlag, FaceTemplate
from ..permissions import can_moderate
from ..state import EnrollmentStatus
from .templates import face_template_withdraw

FLAG_OUTCOMES = frozenset({FaceMatchFlag.Status.CONFIRMED, FaceMatchFlag.Status.DISMISSED})


def _require_moderator(actor) -> None:
    """``actor`` ``None`` is the system (a task or an operator's command); anyone else must moderate."""
    if actor is not None and not can_moderate(actor):
        raise VerificationError("not_a_moderator", _("Only moderators can do this."), status=403)


@transaction.atomic
def face_match_flag_resolve(*, flag_id: int, outcome: str, actor=None, note: str = "") -> bool:
    """Close an open flag as ``confirmed`` (the match was a real problem) or ``dismissed``.

    Returns ``False`` when there is nothing to do: the flag is gone or was already closed (the first
    decision stands; a retry or a second case about the same flag changes nothing).
    """
    if outcome not in FLAG_OUTCOMES:
        raise ValueError(f"unknown flag outcome {outcome!r}")
    _require_moderator(actor)
    updated = FaceMatchFlag.objects.filter(pk=flag_id, status=FaceMatchFlag.Status.OPEN).update(
        status=outcome,
        reviewed_by=actor if getattr(actor, "pk", None) else None,
        reviewed_at=timezone.now(),
        review_note=(note or "").strip()[:2000],
    )
    return bool(updated)


@transaction.atomic
def face_match_flag_revise(*, flag_id: int, actor, note: str) -> bool:
    """An appeal reversed the decision a confirmed flag led to: the flag becomes ``dismissed``.

    Only a confirmed flag is revised (an open one is decided with ``face_match_flag_resolve``); the
    note records why. Returns ``False`` when there is nothing to revise.
    """
    _require_moderator(actor)
    updated = FaceMatchFlag.objects.filter(pk=flag_id, status=FaceMatchFlag.Status.CONFIRMED).update(
        status=FaceMatchFlag.Status.DISMISSED,
        reviewed_by=actor if getattr(actor, "pk", None) else None,
        reviewed_at=timezone.now(),
        review_note=(note or "").strip()[:2000],
    )
    return bool(updated)


@transaction.atomic
def reverification_require(*, user, reason: str, actor=None) -> int:
    """Make a verified seller prove their face again.

    Their verified enrollments move to ``reverify`` (so ``seller_is_verified`` is False, nothing of theirs
    can be published, and ``enrollment_start`` accepts a new enrollment) and their active seller templates
    leave the face index (deactivated, not deleted: flags keep pointing at them). Returns how many
    enrollments moved; 0 when there was nothing left to undo.
    """
    _require_moderator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise VerificationError("reason_required", _("Say why the seller must verify again."))
    verified = Enrollment.objects.select_for_update(no_key=True).filter(
        user=user, status=EnrollmentStatus.VERIFIED
    )
    moved = 0
    for enrollment in verified:
        transition(
            enrollment,
            to=EnrollmentStatus.REVERIFY,
            actor=actor,
            reason=f"re-verification required: {reason}",
        )
        moved += 1  # the rows are locked: no one else can move them meanwhile
    templates = FaceTemplate.objects.filter(subject_user=user, kind=FaceTemplate.Kind.SELLER, is_active=True)
    for template in templates:
        face_template_withdraw(template=template)
    return moved
