"""The enrollment state machine: statuses and the allowed transitions.

Moves go through the kernel's one engine (``kernel.transitions.transition``): a conditional
``UPDATE ... WHERE id = <id> AND status = <from>`` plus a history row. Two workers (or a worker and
a user's second tab) racing on the same enrollment cannot both win: the loser gets
``TransitionConflict``.
"""

from __future__ import annotations

from django.db import models
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
