"""Moderation pages: the moderator workspace, reporting and claiming a listing, sellers' own cases and
appeals, and the audit log (with CSV export) for staff. Pages call services; no business logic here."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel.roles import Role
from kernel.transitions import TransitionRefused
from listings.models import Listing
from listings.selectors import listing_for_viewer
from marketplace.models import Appeal, FaceClaim
from marketplace.moderation.services import REPORT_REASONS
from marketplace.moderation.state import CaseAction, CaseStatus
from marketplace.selectors import (
    AUDIT_CSV_HEADER,
    audit_log,
    audit_log_csv_rows,
    case_evidence,
    case_for_viewer,
    cases_of_seller,
    moderation_queue,
    user_has_role,
)
from marketplace.services import (
    appeal_decide,
    appeal_file,
    face_claim_decide,
    face_claim_start,
    moderation_case_act,
    moderation_report_file,
)


def _moderator_only(request) -> None:
    if not user_has_role(request.user, Role.MODERATOR):
        raise PermissionDenied


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("This action was refused.")


@login_required
def moderation_queue_page(request):
    _moderator_only(request)
    return render(request, "marketplace/moderation/queue.html", {"cases": moderation_queue()[:200]})


@login_required
def moderation_case_page(request, case_id: int):
    case = case_for_viewer(user=request.user, case_id=case_id)
    if case is None:
        raise Http404
    is_moderator = user_has_role(request.user, Role.MODERATOR)
    context = {
        "case": case,
        "is_moderator": is_moderator,
        "actions": CaseAction.choices,
        "appeals": case.appeals.all(),
        "can_appeal": case.seller_id == request.user.pk
        and case.status in {CaseStatus.TAKEN_DOWN, CaseStatus.SUSPENDED, CaseStatus.BANNED},
    }
    if is_moderator:
        context["evidence"] = case_evidence(case)
        context["audit"] = audit_log(case_id=case.pk)[:100]
    return render(request, "marketplace/moderation/case.html", context)


@login_required
@require_POST
def moderation_case_act_page(request, case_id: int):
    _moderator_only(request)
    case = case_for_viewer(user=request.user, case_id=case_id)
    if case is None:
        raise Http404
    action = request.POST.get("action", "")
    if action in (CaseAction.TAKE_DOWN, CaseAction.BAN) and not request.POST.get("confirmed"):
        messages.error(
            request, _("Tick the confirmation box: this measure refunds buyers or ends an account.")
        )
        return redirect("marketplace:moderation_case", case_id=case.pk)
    try:
        moderation_case_act(
            case=case,
            moderator=request.user,
            action=action,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("Done."))
    except (ValidationError, TransitionRefused, ValueError) as exc:
        messages.error(request, _error_text(exc))
    return redirect("marketplace:moderation_case", case_id=case.pk)


@login_required
@require_POST
def appeal_file_page(request, case_id: int):
    case = case_for_viewer(user=request.user, case_id=case_id)
    if case is None:
        raise Http404
    try:
        appeal_file(case=case, seller=request.user, statement=request.POST.get("statement", ""))
        messages.success(request, _("Your appeal was sent to the moderators."))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("marketplace:moderation_case", case_id=case.pk)


@login_required
@require_POST
def appeal_decide_page(request, appeal_id: int):
    _moderator_only(request)
    appeal = get_object_or_404(Appeal, pk=appeal_id)
    try:
        appeal_decide(
            appeal=appeal,
            moderator=request.user,
            reverse=request.POST.get("outcome") == "reverse",
            reason=request.POST.get("reason", ""),
        )
    except (ValidationError, TransitionRefused) as exc:
        messages.error(request, _error_text(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("marketplace:moderation_case", case_id=appeal.case_id)


@login_required
def my_cases_page(request):
    return render(request, "marketplace/moderation/my_cases.html", {"cases": cases_of_seller(request.user)})


@login_required
def report_listing_page(request, listing_id: int):
    listing = listing_for_viewer(user=request.user, listing_id=listing_id)
    if listing is None:
        raise Http404
    if request.method == "POST":
        try:
            moderation_report_file(
                reporter=request.user,
                listing=listing,
                reason=request.POST.get("reason", ""),
                details=request.POST.get("details", ""),
            )
            messages.success(request, _("Thank you: moderators will look at this listing."))
            return redirect("listings:detail", listing_id=listing.pk)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    return render(
        request,
        "marketplace/moderation/report.html",
        {"listing": listing, "reasons": list(REPORT_REASONS), "values": request.POST},
    )


@login_required
def face_claim_page(request, listing_id: int):
    """Start a claim, then verify the claimant's face with verification's own pages; come back here to
    see the outcome (decided as soon as the verification has its verdict)."""
    listing = get_object_or_404(Listing, pk=listing_id)
    claim = FaceClaim.objects.filter(claimant=request.user, listing=listing).first()
    if request.method == "POST" and claim is None:
        try:
            claim = face_claim_start(
                claimant=request.user, listing=listing, statement=request.POST.get("statement", "")
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    if claim is not None:
        claim = face_claim_decide(claim=claim)
    return render(request, "marketplace/moderation/claim.html", {"listing": listing, "claim": claim})


def _staff_only(request) -> None:
    if not (request.user.is_staff or user_has_role(request.user, Role.MODERATOR)):
        raise PermissionDenied


@login_required
def audit_log_page(request):
    _staff_only(request)
    entries = audit_log(subject_type=request.GET.get("subject_type", ""))
    if request.GET.get("format") == "csv":
        return audit_log_csv_response(entries)
    return render(request, "marketplace/moderation/audit.html", {"entries": entries[:500]})


def audit_log_csv_response(entries) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="moderation-audit-log.csv"'
    writer = csv.writer(response)
    writer.writerow(AUDIT_CSV_HEADER)
    writer.writerows(audit_log_csv_rows(entries.iterator()))
    return response
