"""Deadlines of usage reports, licence expiry and renewal offers (periodic tasks call these).

A licence's usage report is due ``USAGE_REPORT_DUE_DAYS_AFTER_FIRST_USE`` days after the buyer
declares the first use of the face, and in any case before the licence ends.
``USAGE_REPORT_REMINDER_DAYS`` before that a buyer who has filed nothing is reminded;
``USAGE_REPORT_OVERDUE_DAYS`` after it, if still nothing was filed and money is held, the case goes
to the moderators. The money stays held: it never
leaves without an accepted report (or a moderator's decision).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.transitions import TransitionRefused, transition
from listings.services import exclusivity_release
from marketplace.accounts.notifications import notify, notify_moderators
from marketplace.conf import market_settings
from marketplace.domain_events import licence_event_emit
from marketplace.models import Licence, UsageDeadline
from marketplace.purchases.state import LICENCE_TRANSITIONS, LicenceStatus
from marketplace.usage.evidence_checks import moderation_flag
from marketplace.usage.state import UsageReportStatus
from payouts.selectors import hold_status
from payouts.state import HoldStatus


def _with_due(licences):
    """Annotate ``due``: the declared-first-use deadline if any, else the licence's end."""
    return licences.annotate(due=Coalesce(F("usage_deadline__report_due_at"), F("ends_at")))


@transaction.atomic
def licence_first_use_declare(*, licence: Licence, buyer, used_on: date, now=None) -> UsageDeadline:
    """The buyer says when the face was first used: the report falls due sooner. Declared once."""
    now = now or timezone.now()
    if licence.buyer_id != getattr(buyer, "pk", None):
        raise PermissionDenied(_("Only the licence's buyer can declare its first use."))
    if not isinstance(used_on, date) or isinstance(used_on, datetime):
        raise ValidationError({"used_on": _("Give the date of first use (YYYY-MM-DD).")})
    if not licence.starts_at.date() <= used_on <= min(licence.ends_at.date(), now.date()):
        raise ValidationError(
            {"used_on": _("The first use must be within the licence and not in the future.")}
        )
    deadline, _created = UsageDeadline.objects.select_for_update(no_key=True).get_or_create(licence=licence)
    if deadline.first_used_on is not None:
        return deadline  # a double submit, or a second declaration: the first one stands
    days = int(market_settings.USAGE_REPORT_DUE_DAYS_AFTER_FIRST_USE)
    due = datetime.combine(used_on + timedelta(days=days), time.max, tzinfo=now.tzinfo)
    deadline.first_used_on = used_on
    deadline.report_due_at = min(due, licence.ends_at)
    deadline.save(update_fields=["first_used_on", "report_due_at"])
    return deadline


def _without_report(licences):
    """Licences with no report that is filed and not rejected."""
    return licences.exclude(
        usage_reports__status__in=[s for s in UsageReportStatus.values if s != "rejected"]
    )


def usage_reminders_send(*, now=None) -> int:
    now = now or timezone.now()
    soon = now + timedelta(days=int(market_settings.USAGE_REPORT_REMINDER_DAYS))
    sent = 0
    candidates = _without_report(
        _with_due(Licence.objects.filter(status=LicenceStatus.ACTIVE)).filter(due__lte=soon, due__gt=now)
    ).exclude(usage_deadline__reminded_at__isnull=False)
    for licence in candidates.select_related("buyer").distinct():
        with transaction.atomic():
            deadline, _created = UsageDeadline.objects.select_for_update(no_key=True).get_or_create(
                licence=licence
            )
            if deadline.reminded_at is not None:
                continue
            deadline.reminded_at = now
            deadline.save(update_fields=["reminded_at"])
            notify(
                user=licence.buyer,
                kind="usage_report_due",
                message=_("Your usage report for licence %(ref)s is due by %(date)s.")
                % {"ref": licence.reference, "date": timezone.localdate(licence.due)},
                link=reverse("marketplace:usage_report_new", args=[licence.reference]),
            )
            sent += 1
    return sent


def usage_overdue_escalate(*, now=None) -> int:
    now = now or timezone.now()
    cutoff = now - timedelta(days=int(market_settings.USAGE_REPORT_OVERDUE_DAYS))
    escalated = 0
    candidates = _without_report(_with_due(Licence.objects.all()).filter(due__lte=cutoff)).exclude(
        usage_deadline__escalated_at__isnull=False
    )
    for licence in candidates.select_related("buyer", "seller", "listing").distinct():
        held = hold_status(reference=licence.reference)
        if held is None or held.status != HoldStatus.PENDING:
            continue  # nothing held: nothing waits on the report
        with transaction.atomic():
            deadline, _created = UsageDeadline.objects.select_for_update(no_key=True).get_or_create(
                licence=licence
            )
            if deadline.escalated_at is not None:
                continue
            deadline.escalated_at = now
            deadline.save(update_fields=["escalated_at"])
            summary = f"Usage report overdue for licence {licence.reference}"
            opened = moderation_flag(
                source="overdue_report",
                source_ref=f"overdue:{licence.reference}",
                summary=summary,
                licence=licence,
                evidence={"licence": licence.reference, "due": licence.due.isoformat()},
            )
            if not opened:
                notify_moderators(
                    kind="usage_report_overdue",
                    message=summary,
                    link=reverse("marketplace:licence", args=[licence.reference]),
                )
            notify(
                user=licence.buyer,
                kind="usage_report_overdue",
                message=_("Your usage report for licence %s is overdue; moderators were told.")
                % licence.reference,
                link=reverse("marketplace:usage_report_new", args=[licence.reference]),
            )
            escalated += 1
    return escalated


def licences_expire(*, now=None) -> int:
    """Active (or suspended) licences past their end expire; the buyer is offered a renewal."""
    now = now or timezone.now()
    expired = 0
    running = (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED)
    for licence in Licence.objects.filter(status__in=running, ends_at__lte=now).select_related("buyer"):
        with transaction.atomic():
            try:
                transition(
                    licence,
                    to=LicenceStatus.EXPIRED,
                    transitions=LICENCE_TRANSITIONS,
                    reason="end date reached",
                    from_statuses=set(running),
                )
            except TransitionRefused:
                continue
            exclusivity_release(licence_reference=licence.reference)
            licence_event_emit(licence, "expired")
            notify(
                user=licence.buyer,
                kind="licence_renewal_offer",
                message=_("Licence %s has ended. Renew it to keep using this face.") % licence.reference,
                link=reverse("listings:detail", args=[licence.listing_id]),
            )
            expired += 1
    return expired
