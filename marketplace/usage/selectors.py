"""Reads of usage reports, evidence, disputes and notifications, each scoped to who may see it.

Someone who may not see a report gets "not found" (None), never "forbidden": references leak nothing.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from kernel.roles import Role
from marketplace.accounts.selectors import user_has_role
from marketplace.models import Dispute, EvidenceStill, Licence, Notification, UsageReport
from marketplace.usage.state import USAGE_REPORT_REVIEWABLE, DisputeStatus


def _is_moderator(user) -> bool:
    return user_has_role(user, Role.MODERATOR)


def usage_reports_visible_to(user) -> QuerySet[UsageReport]:
    if not getattr(user, "is_authenticated", False):
        return UsageReport.objects.none()
    reports = UsageReport.objects.select_related("licence__listing", "licence__terms_version")
    if _is_moderator(user):
        return reports
    return reports.filter(Q(licence__buyer=user) | Q(licence__seller=user))


def usage_report_for_viewer(*, user, reference: str) -> UsageReport | None:
    return usage_reports_visible_to(user).filter(reference=reference).first()


def usage_reports_of_buyer(*, buyer) -> QuerySet[UsageReport]:
    return usage_reports_visible_to(buyer).filter(licence__buyer=buyer)


def usage_reports_to_review(*, seller) -> QuerySet[UsageReport]:
    """The seller's review queue: reports of their face waiting for a decision, oldest first."""
    return (
        usage_reports_visible_to(seller)
        .filter(licence__seller=seller, status__in=USAGE_REPORT_REVIEWABLE)
        .order_by("created_at", "id")
    )


def evidence_still_for_viewer(*, user, reference: str, position: int) -> EvidenceStill | None:
    """Raw evidence: only the licence's buyer and seller and moderators ever get it."""
    report = usage_report_for_viewer(user=user, reference=reference)
    if report is None:
        return None
    return EvidenceStill.objects.filter(report=report, position=position).first()


def licence_reportable_by(*, user, reference: str) -> Licence | None:
    return (
        Licence.objects.select_related("listing", "terms_version")
        .filter(reference=reference, buyer=user)
        .first()
    )


def disputes_visible_to(user) -> QuerySet[Dispute]:
    if not getattr(user, "is_authenticated", False):
        return Dispute.objects.none()
    disputes = Dispute.objects.select_related("licence", "report", "opened_by", "decided_by")
    if _is_moderator(user):
        return disputes
    return disputes.filter(Q(licence__buyer=user) | Q(licence__seller=user))


def dispute_for_viewer(*, user, reference: str) -> Dispute | None:
    return disputes_visible_to(user).filter(reference=reference).first()


def disputes_open() -> QuerySet[Dispute]:
    return (
        Dispute.objects.filter(status=DisputeStatus.OPEN)
        .select_related("licence", "report")
        .order_by("created_at", "id")
    )


def notifications_of(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    rows = (
        Notification.objects.filter(user=user)
        if getattr(user, "is_authenticated", False)
        else Notification.objects.none()
    )
    return rows.filter(read_at__isnull=True) if unread_only else rows
