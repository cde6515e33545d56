"""State machines of moderation: cases, "this is my face" claims and appeals.

Moves go through ``kernel.transitions.transition`` (a conditional ``UPDATE ... WHERE status IN
<allowed>`` plus a ``StatusChange`` row), so two moderators acting on one case at once cannot both win.
The services also write the audit log, the record moderators and regulators read.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseSource(models.TextChoices):
    FACE_INDEX = "face_index", _("Face-index match at enrollment")
    FACE_CLAIM = "face_claim", _('"This is my face" claim')
    USAGE_STILL = "usage_still", _("Unlicensed face in a usage-report still")
    OVERDUE_REPORT = "overdue_report", _("Usage report overdue")
    USER_REPORT = "user_report", _("Reported by a user")
    HOST_REPORT = "host_report", _("Reported by a host platform")


class Severity(models.IntegerChoices):
    LOW = 10, _("Low")
    NORMAL = 20, _("Normal")
    HIGH = 30, _("High")
    URGENT = 40, _("Urgent")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    REVERIFY = "reverify", _("Re-verification asked")
    DISMISSED = "dismissed", _("Dismissed")
    TAKEN_DOWN = "taken_down", _("Listing taken down")
    SUSPENDED = "suspended", _("Seller suspended")
    BANNED = "banned", _("Seller banned")
    REVERSED = "reversed", _("Reversed on appeal")


class CaseAction(models.TextChoices):
    DISMISS = "dismiss", _("Dismiss")
    REVERIFY = "reverify", _("Ask for re-verification")
    TAKE_DOWN = "take_down", _("Take the listing down")
    SUSPEND = "suspend", _("Suspend the seller")
    BAN = "ban", _("Ban the seller")


#: action -> the case status it leads to
ACTION_STATUS: dict[str, str] = {
    CaseAction.DISMISS: CaseStatus.DISMISSED,
    CaseAction.REVERIFY: CaseStatus.REVERIFY,
    CaseAction.TAKE_DOWN: CaseStatus.TAKEN_DOWN,
    CaseAction.SUSPEND: CaseStatus.SUSPENDED,
    CaseAction.BAN: CaseStatus.BANNED,
}

_DECISIONS = {CaseStatus.DISMISSED, CaseStatus.TAKEN_DOWN, CaseStatus.SUSPENDED, CaseStatus.BANNED}

CASE_TRANSITIONS: dict[str, set[str]] = {
    CaseStatus.OPEN: {CaseStatus.REVERIFY, *_DECISIONS},
    CaseStatus.REVERIFY: set(_DECISIONS),
    CaseStatus.DISMISSED: set(),
    # a harsher measure may follow a takedown (a second stolen face: ban); appeals may reverse
    CaseStatus.TAKEN_DOWN: {CaseStatus.SUSPENDED, CaseStatus.BANNED, CaseStatus.REVERSED},
    CaseStatus.SUSPENDED: {CaseStatus.BANNED, CaseStatus.REVERSED},
    CaseStatus.BANNED: {CaseStatus.REVERSED},
    CaseStatus.REVERSED: set(),
}

#: statuses still waiting for a moderator (the queue)
QUEUE_STATUSES = frozenset({CaseStatus.OPEN, CaseStatus.REVERIFY})
#: measures a seller may appeal
APPEALABLE_STATUSES = frozenset({CaseStatus.TAKEN_DOWN, CaseStatus.SUSPENDED, CaseStatus.BANNED})


class ClaimStatus(models.TextChoices):
    VERIFYING = "verifying", _("Waiting for the claimant's verification")
    MATCHED = "matched", _("The claimant's face matches the listing")
    NOT_MATCHED = "not_matched", _("The claimant's face does not match")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a moderator")
    UPHELD = "upheld", _("Decision upheld")
    REVERSED = "reversed", _("Decision reversed")


CLAIM_TRANSITIONS: dict[str, set[str]] = {
    ClaimStatus.VERIFYING: {ClaimStatus.MATCHED, ClaimStatus.NOT_MATCHED},
    ClaimStatus.MATCHED: set(),
    ClaimStatus.NOT_MATCHED: set(),
}

APPEAL_TRANSITIONS: dict[str, set[str]] = {
    AppealStatus.PENDING: {AppealStatus.UPHELD, AppealStatus.REVERSED},
    AppealStatus.UPHELD: set(),
    AppealStatus.REVERSED: set(),
}
