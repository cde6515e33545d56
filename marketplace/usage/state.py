"""State machines of usage reports and disputes, and the revocation's statuses.

Moves go through ``kernel.transitions.transition`` (a conditional UPDATE plus a history row), so two
racing reviewers (the seller approving, the auto-approval task) cannot both win.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UsageReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted: checks running")
    AWAITING_SELLER = "awaiting_seller", _("Waiting for the seller's approval")
    REVIEW_WINDOW = "review_window", _("In scope: approved automatically when the review window ends")
    NEEDS_TOP_UP = "needs_top_up", _("Reach beyond the paid band: top-up payment needed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


S = UsageReportStatus
USAGE_REPORT_TRANSITIONS: dict[str, set[str]] = {
    # the checks decide where a submitted report goes; evidence of the wrong face is rejected outright
    S.SUBMITTED: {S.AWAITING_SELLER, S.REVIEW_WINDOW, S.NEEDS_TOP_UP, S.REJECTED},
    # once the top-up is paid the report goes to review like any other
    S.NEEDS_TOP_UP: {S.AWAITING_SELLER, S.REVIEW_WINDOW, S.REJECTED},
    S.AWAITING_SELLER: {S.APPROVED, S.REJECTED},
    # the seller may still decide inside the window; when it passes the task approves
    S.REVIEW_WINDOW: {S.APPROVED, S.REJECTED},
    S.APPROVED: set(),
    S.REJECTED: set(),
}

#: statuses a seller can decide from
USAGE_REPORT_REVIEWABLE = frozenset({S.AWAITING_SELLER, S.REVIEW_WINDOW})


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


DISPUTE_TRANSITIONS: dict[str, set[str]] = {
    DisputeStatus.OPEN: {DisputeStatus.RESOLVED},
    DisputeStatus.RESOLVED: set(),
}


class DisputeResolution(models.TextChoices):
    RELEASE = "release", _("Release the held amount to the seller")
    REFUND_FULL = "refund_full", _("Refund the buyer in full")
    REFUND_PARTIAL = "refund_partial", _("Refund part to the buyer; the rest stays held")
    SPLIT = "split", _("Split: refund part to the buyer, release the rest to the seller")


class RevocationStatus(models.TextChoices):
    NOTICE = "notice", _("Notice given: the licences end on the effective date")
    EFFECTIVE = "effective", _("Effective: the licences ended")


REVOCATION_TRANSITIONS: dict[str, set[str]] = {
    RevocationStatus.NOTICE: {RevocationStatus.EFFECTIVE},
    RevocationStatus.EFFECTIVE: set(),
}
