"""Usage reports: filed by the buyer, checked automatically, approved by the seller (or by the window).

Money rule: held funds never leave without an accepted report (or a moderator's dispute decision).
A licence's escrow hold is released exactly once (payouts' two-phase hold), so **the first accepted
report of a licence releases the whole hold**; later reports of the same licence are still checked
and reviewed (scope and the seller's consent matter for every use) but move no licence money, except
their own reach top-up, which is held under its own reference and released when that report is
accepted. Nothing is released while a dispute over the licence is open: the moderator decides.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.money import Money
from kernel.transitions import TransitionRefused, transition
from listings.vocabulary import ApprovalMode
from marketplace.accounts.notifications import notify, notify_moderators
from marketplace.conf import market_settings
from marketplace.domain_events import usage_report_event_emit
from marketplace.models import Dispute, EvidenceStill, Licence, UsageReport
from marketplace.purchases.payment_events import PAYMENT_PURPOSE_TOP_UP
from marketplace.purchases.services import licence_escrow_release
from marketplace.trust.hooks import trust_on_usage_report_filed
from marketplace.usage.evidence_checks import moderation_flag, scope_check, stills_check
from marketplace.usage.input import report_fields_clean, stills_clean
from marketplace.usage.state import USAGE_REPORT_REVIEWABLE, USAGE_REPORT_TRANSITIONS, DisputeStatus
from marketplace.usage.state import UsageReportStatus as Status
from payouts.exceptions import HoldNotPending, PayoutsFrozen
from payouts.selectors import hold_status
from payouts.services import escrow_release, payment_session_create
from payouts.state import HoldStatus

logger = logging.getLogger(__name__)


def _link(report: UsageReport) -> str:
    return reverse("marketplace:usage_report", args=[report.reference])


def _move(report: UsageReport, to: str, *, reason: str, actor=None, from_statuses=None) -> None:
    transition(
        report,
        to=to,
        transitions=USAGE_REPORT_TRANSITIONS,
        reason=reason,
        actor=actor,
        from_statuses=from_statuses,
    )


@transaction.atomic
def usage_report_file(
    *, buyer, licence: Licence, data: Mapping[str, Any], stills: Sequence[bytes] = (), now=None
) -> UsageReport:
    """The buyer says how they used the licence; the checks run after commit (a task)."""
    now = now or timezone.now()
    if licence.buyer_id != getattr(buyer, "pk", None):
        raise PermissionDenied(_("Only the licence's buyer can report its use."))
    if now < licence.starts_at:
        raise ValidationError(_("The licence has not started yet."))
    fields = report_fields_clean(data, licence=licence, now=now)
    images = stills_clean(stills)
    report = UsageReport.objects.create(
        reference="UR-" + secrets.token_hex(6).upper(), licence=licence, filed_by=buyer, **fields
    )
    EvidenceStill.objects.bulk_create(
        EvidenceStill(report=report, position=i, image=image, content_type=kind)
        for i, (image, kind) in enumerate(images)
    )
    from marketplace.tasks import usage_report_check_task

    transaction.on_commit(lambda: usage_report_check_task.delay(report.pk), robust=True)
    trust_on_usage_report_filed(report.pk)
    return report


def usage_report_check(*, report_id: int, now=None) -> UsageReport | None:
    """Run the automatic checks of a submitted report, once, and send it where it goes next.

    The face work runs outside any transaction (slow); the verdict is applied under a row lock.
    """
    report = (
        UsageReport.objects.select_related("licence__terms_version", "licence__order")
        .filter(pk=report_id)
        .first()
    )
    if report is None or report.status != Status.SUBMITTED:
        return report
    verdict = scope_check(report)
    stills = stills_check(report)
    return _checks_apply(report_id=report_id, verdict=verdict, stills=stills, now=now or timezone.now())


@transaction.atomic
def _checks_apply(*, report_id: int, verdict, stills, now) -> UsageReport | None:
    report = (
        UsageReport.objects.select_for_update(no_key=True)
        .select_related("licence__terms_version")
        .get(pk=report_id)
    )
    if report.status != Status.SUBMITTED:
        return report  # a concurrent run applied it
    licence = report.licence
    for still in stills:
        EvidenceStill.objects.filter(report=report, position=still.position).update(
            identity_score=still.identity_score,
            identity_matched=still.code == "licensed_face",
            check_code=still.code,
        )
    foreign = [face for still in stills for face in still.foreign_faces]
    findings = list(verdict.findings)
    if not stills:
        findings.append(
            {"code": "no_stills", "field": "stills", "message": _("No evidence stills were given.")}
        )
    for still in stills:
        if still.code != "licensed_face":
            findings.append(
                {"code": f"still_{still.code}", "field": "stills", "message": str(still.position)}
            )
    checks = {
        "in_scope": not verdict.findings,
        "reported_reach_band": verdict.reported_band,
        "findings": findings,
        "foreign_faces": foreign,
    }
    if foreign:
        opened = moderation_flag(
            source="usage_still",
            source_ref=f"usage:{report.reference}",
            summary=f"Unlicensed registered face in usage report {report.reference}",
            licence=licence,
            evidence={"report": report.reference, "faces": foreign},
        )
        checks["moderation_case"] = "opened" if opened else "moderation_unavailable"
        if not opened:
            notify_moderators(
                kind="usage_unlicensed_face",
                message=_("A usage report's still shows a registered face without a licence: %s")
                % report.reference,
                link=_link(report),
            )
    report.checks = checks
    report.identity_scores = [s.identity_score for s in stills]
    if verdict.top_up is not None and verdict.top_up.amount > 0:
        report.top_up_minor = verdict.top_up.amount
        report.top_up_reference = f"{licence.reference}-TU-{report.reference}"
    report.save(update_fields=["checks", "identity_scores", "top_up_minor", "top_up_reference", "updated_at"])
    if any(s.code == "wrong_face" for s in stills):
        _move(report, Status.REJECTED, reason="evidence shows a face other than the licensed one")
        report.decided_at, report.decision_note = (
            now,
            _("An evidence still shows a face other than the licensed one."),
        )
        report.save(update_fields=["decided_at", "decision_note", "updated_at"])
        for user in (licence.buyer, licence.seller):
            notify(user=user, kind="usage_report_rejected", message=report.decision_note, link=_link(report))
        return report
    if report.top_up_minor:
        _move(report, Status.NEEDS_TOP_UP, reason=f"reach band {verdict.reported_band} beyond the paid band")
        notify(
            user=licence.buyer,
            kind="usage_top_up_needed",
            message=_("Your reported reach exceeds the paid band: a top-up of %s is needed.") % report.top_up,
            link=_link(report),
        )
        return report
    _to_review(report, now=now)
    return report


def _auto_approvable(report: UsageReport) -> bool:
    checks = report.checks or {}
    return (
        report.licence.terms_version.approval_mode == ApprovalMode.PRE_APPROVED
        and not checks.get("findings")
        and not checks.get("foreign_faces")
    )


def _to_review(report: UsageReport, *, now) -> None:
    licence = report.licence
    if _auto_approvable(report):
        report.review_deadline = now + timedelta(days=market_settings.USAGE_REPORT_REVIEW_DAYS)
        report.save(update_fields=["review_deadline", "updated_at"])
        _move(report, Status.REVIEW_WINDOW, reason="in scope under pre-approved terms")
        message = _(
            "A usage report of your face is in scope; it is approved automatically on %s unless you act."
        )
        notify(
            user=licence.seller,
            kind="usage_report_review",
            message=message % report.review_deadline.date(),
            link=_link(report),
        )
    else:
        _move(report, Status.AWAITING_SELLER, reason="waits for the seller's approval")
        notify(
            user=licence.seller,
            kind="usage_report_approval_needed",
            message=_("A usage report of your face waits for your approval: %s") % report.production_title,
            link=_link(report),
        )


def usage_report_top_up_start(*, buyer, report: UsageReport, return_url: str = ""):
    """Start the buyer's payment of the reach top-up (its own reference, held like a purchase)."""
    if report.licence.buyer_id != getattr(buyer, "pk", None):
        raise PermissionDenied(_("Only the licence's buyer can pay its top-up."))
    if report.status != Status.NEEDS_TOP_UP:
        raise ValidationError(_("This report needs no top-up payment."))
    return payment_session_create(
        reference=report.top_up_reference,
        amount=report.top_up,
        payer=buyer,
        payee=report.licence.seller,
        idempotency_key=f"checkout:{report.top_up_reference}",
        purpose=PAYMENT_PURPOSE_TOP_UP,
        description=f"Reach top-up {report.reference}"[:200],
        return_url=return_url,
    )


@transaction.atomic
def usage_report_top_up_paid(*, reference: str, now=None) -> UsageReport | None:
    """payouts captured a top-up (a payment event): the report goes on to review. Idempotent."""
    report = (
        UsageReport.objects.select_for_update(no_key=True).filter(top_up_reference=reference).first()
        if reference
        else None
    )
    if report is None or report.status != Status.NEEDS_TOP_UP:
        return report
    now = now or timezone.now()
    report.top_up_paid_at = now
    report.save(update_fields=["top_up_paid_at", "updated_at"])
    _to_review(report, now=now)
    return report


def _release(report: UsageReport, *, now) -> bool:
    """Release what the accepted report pays for; False when it must wait (open dispute, freeze)."""
    licence = report.licence
    if Dispute.objects.filter(licence=licence, status=DisputeStatus.OPEN).exists():
        return False
    try:
        for reference in filter(None, [licence.reference, report.top_up_reference]):
            held = hold_status(reference=reference)
            if held is None or held.status != HoldStatus.PENDING:
                continue  # released by an earlier report, or refunded: nothing of it is held
            if reference == licence.reference:
                licence_escrow_release(licence=licence, idempotency_key=f"release:{reference}")
            else:
                escrow_release(reference=reference, idempotency_key=f"release:{reference}")
    except PayoutsFrozen:
        return False  # moderation froze the money; the periodic sweep retries after the freeze lifts
    except HoldNotPending:  # ended concurrently (a refund): nothing left to release
        pass
    report.released_at = now
    report.save(update_fields=["released_at", "updated_at"])
    notify(
        user=licence.seller,
        kind="usage_payment_released",
        message=_("A usage report was accepted and your payment for %s was released.") % licence.reference,
        link=reverse("payouts:earnings") if _has_url("payouts:earnings") else "",
    )
    return True


def _has_url(name: str) -> bool:
    try:
        reverse(name)
    except Exception:
        return False
    return True


@transaction.atomic
def usage_report_approve(*, seller, report: UsageReport, note: str = "", now=None) -> UsageReport:
    """The seller accepts the use: the report is approved and its escrow released."""
    now = now or timezone.now()
    report = UsageReport.objects.select_for_update(no_key=True).select_related("licence").get(pk=report.pk)
    if report.licence.seller_id != getattr(seller, "pk", None):
        raise PermissionDenied(_("Only the licensed face's seller can approve its use."))
    if report.status not in USAGE_REPORT_REVIEWABLE:
        raise ValidationError(_("This report is not waiting for a decision."))
    if any(f.get("code") == "red_line" for f in (report.checks or {}).get("findings", [])):
        # a use the seller forbade outright is never accepted as filed: reject it (a dispute decides)
        raise ValidationError(_("This use crosses your red lines, so it cannot be approved as it is."))
    _move(
        report,
        Status.APPROVED,
        reason="approved by the seller",
        actor=seller,
        from_statuses=USAGE_REPORT_REVIEWABLE,
    )
    report.decided_by, report.decided_at, report.decision_note = seller, now, note[:2000]
    report.save(update_fields=["decided_by", "decided_at", "decision_note", "updated_at"])
    usage_report_event_emit(report, "accepted")
    notify(
        user=report.licence.buyer,
        kind="usage_report_approved",
        message=_("Your usage report %s was approved.") % report.reference,
        link=_link(report),
    )
    _release(report, now=now)
    return report


@transaction.atomic
def usage_report_reject(*, seller, report: UsageReport, reason: str, now=None) -> UsageReport:
    """The seller refuses the use; a dispute opens so a moderator decides what happens to the money."""
    from marketplace.usage.disputes import dispute_open

    now = now or timezone.now()
    report = UsageReport.objects.select_for_update(no_key=True).select_related("licence").get(pk=report.pk)
    if report.licence.seller_id != getattr(seller, "pk", None):
        raise PermissionDenied(_("Only the licensed face's seller can reject its use."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why you reject this use.")})
    if report.status not in USAGE_REPORT_REVIEWABLE:
        raise ValidationError(_("This report is not waiting for a decision."))
    _move(
        report,
        Status.REJECTED,
        reason="rejected by the seller",
        actor=seller,
        from_statuses=USAGE_REPORT_REVIEWABLE,
    )
    report.decided_by, report.decided_at, report.decision_note = seller, now, reason.strip()[:2000]
    report.save(update_fields=["decided_by", "decided_at", "decision_note", "updated_at"])
    usage_report_event_emit(report, "rejected")
    notify(
        user=report.licence.buyer,
        kind="usage_report_rejected",
        message=_("Your usage report %s was rejected: %s") % (report.reference, report.decision_note),
        link=_link(report),
    )
    dispute_open(user=seller, licence=report.licence, report=report, reasons=report.decision_note)
    return report


def usage_reports_auto_approve(*, now=None) -> int:
    """Periodic: approve in-scope reports whose review window passed; retry releases that waited."""
    now = now or timezone.now()
    approved = 0
    due = UsageReport.objects.filter(status=Status.REVIEW_WINDOW, review_deadline__lte=now).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        with transaction.atomic():
            report = UsageReport.objects.select_for_update(no_key=True).select_related("licence").get(pk=pk)
            try:
                _move(
                    report,
                    Status.APPROVED,
                    reason="review window passed",
                    from_statuses={Status.REVIEW_WINDOW},
                )
            except TransitionRefused:
                continue  # the seller decided in the meantime
            report.decided_at, report.decision_note = now, "approved automatically: review window passed"
            report.save(update_fields=["decided_at", "decision_note", "updated_at"])
            notify(
                user=report.licence.buyer,
                kind="usage_report_approved",
                message=_("Your usage report %s was approved.") % report.reference,
                link=_link(report),
            )
            _release(report, now=now)
            approved += 1
    for pk in list(
        UsageReport.objects.filter(status=Status.APPROVED, released_at__isnull=True).values_list(
            "pk", flat=True
        )
    ):
        with transaction.atomic():
            report = UsageReport.objects.select_for_update(no_key=True).select_related("licence").get(pk=pk)
            if report.released_at is None:
                _release(report, now=now)
    return approved


def licence_money_held(licence: Licence) -> Money:
    held = hold_status(reference=licence.reference)
    return held.releasable if held is not None else Money.zero(licence.currency)
