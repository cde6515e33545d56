"""The enrollment state machine: statuses, the allowed transitions, and the one way to move.

A transition is a conditional ``UPDATE ... WHERE id = <id> AND status = <from>`` plus an
``EnrollmentEvent`` history row. Two workers (or a worker and a user's second tab) racing on
the same enrollment cannot both win: the loser's UPDATE matches no row and it gets ``False``.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EnrollmentStatus(models.TextChoices):
    PHOTOS = "photos", _("Reference photos")  # consent given; collecting listing photos
    CHALLENGE_ISSUED = "challenge_issued", _("Camera check in progress")
    FRAMES_UPLOADED = "frames_uploaded", _("Waiting for a decision")
    DECIDING = "deciding", _("Deciding")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Not verified")
    BLOCKED = "blocked", _("Held for review")  # the face matched another subject or a protected person
    EXPIRED = "expired", _("Expired")  # abandoned before a decision
    WITHDRAWN = "withdrawn", _("Consent withdrawn")
    REVERIFY = "reverify", _("Re-verification required")  # a moderator asked for a new verification


S = EnrollmentStatus

#: from -> the statuses it may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PHOTOS: frozenset({S.CHALLENGE_ISSUED, S.EXPIRED, S.WITHDRAWN}),
    # a fresh challenge may replace an unanswered one (new nonce, new actions)
    S.CHALLENGE_ISSUED: frozenset({S.CHALLENGE_ISSUED, S.FRAMES_UPLOADED, S.EXPIRED, S.WITHDRAWN}),
    S.FRAMES_UPLOADED: frozenset({S.DECIDING, S.WITHDRAWN}),
    S.DECIDING: frozenset({S.VERIFIED, S.REJECTED, S.BLOCKED, S.WITHDRAWN}),
    S.VERIFIED: frozenset({S.WITHDRAWN, S.REVERIFY}),
    S.REJECTED: frozenset(),
    S.BLOCKED: frozenset(),
    S.EXPIRED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.REVERIFY: frozenset(),
}

#: an enrollment in one of these is still going; a user has at most one (a DB constraint says so)
ACTIVE_STATUSES = frozenset({S.PHOTOS, S.CHALLENGE_ISSUED, S.FRAMES_UPLOADED, S.DECIDING})
#: a verdict exists: raw captures may go
DECIDED_STATUSES = frozenset({S.VERIFIED, S.REJECTED, S.BLOCKED})
TERMINAL_STATUSES = frozenset(status for status, targets in TRANSITIONS.items() if not targets)


class IllegalTransition(Exception):
    """A transition that ``TRANSITIONS`` does not allow (a programming error, not a user error)."""


def can_transition(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, frozenset())


def transition(enrollment, *, to: str, actor=None, note: str = "", **fields) -> bool:
    """Move ``enrollment`` from its current (in-memory) status to ``to``; ``False`` if someone else moved it.

    ``fields`` are written in the same UPDATE. The instance is refreshed with the new values on success.
    Works with the model through the instance, so this module imports no model (models import it).
    """
    source = enrollment.status
    if not can_transition(source, to):
        raise IllegalTransition(f"{source} -> {to}")
    now = timezone.now()
    model = type(enrollment)
    updated = model.objects.filter(pk=enrollment.pk, status=source).update(
        status=to, updated_at=now, **fields
    )
    if not updated:
        return False
    enrollment.status = to
    enrollment.updated_at = now
    for name, value in fields.items():
        setattr(enrollment, name, value)
    enrollment.events.create(from_status=source, to_status=to, actor=actor, note=note[:200])
    return True
