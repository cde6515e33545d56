"""Pages of usage reports (buyers file, sellers review side by side), disputes and notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kernel.money import Money
from kernel.roles import Role
from listings.vocabulary import Medium, Monetisation, RedLine, SensitiveUse, Territory, UseCategory
from marketplace.selectors import (
    dispute_for_viewer,
    disputes_open,
    evidence_still_for_viewer,
    licence_for_viewer,
    licence_reportable_by,
    notifications_of,
    usage_report_for_viewer,
    usage_reports_of_buyer,
    usage_reports_to_review,
    user_has_role,
)
from marketplace.services import (
    dispute_open,
    dispute_resolve,
    notification_mark_read,
    usage_report_approve,
    usage_report_file,
    usage_report_reject,
    usage_report_top_up_start,
)
from marketplace.usage.forms import error_sentences, report_form_values
from marketplace.usage.state import USAGE_REPORT_REVIEWABLE, DisputeResolution


def _errors(exc: ValidationError) -> dict:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def _shot_rows(text: str) -> list[dict]:
    """One shot a line: ``episode start end description`` (the description may have spaces)."""
    rows = []
    for line in (text or "").splitlines():
        parts = line.split(maxsplit=3)
        if parts:
            parts += [""] * (4 - len(parts))
            rows.append({"episode": parts[0], "start": parts[1], "end": parts[2], "description": parts[3]})
    return rows


def _vocabularies() -> dict:
    return {
        "categories": UseCategory.choices,
        "media_choices": Medium.choices,
        "territory_choices": Territory.choices,
        "monetisation_choices": Monetisation.choices,
        "sensitive_choices": SensitiveUse.choices,
        "theme_choices": RedLine.choices,
    }


@login_required
def usage_report_new(request, reference: str):
    licence = licence_reportable_by(user=request.user, reference=reference)
    if licence is None:
        raise Http404
    values = report_form_values(licence=licence, post=request.POST if request.method == "POST" else None)
    context = {"licence": licence, "errors": [], "values": values, **_vocabularies()}
    if request.method == "POST":
        data = {
            "production_title": request.POST.get("production_title", ""),
            "episodes": request.POST.get("episodes", ""),
            "shot_list": _shot_rows(request.POST.get("shot_list", "")),
            "use_category": request.POST.get("use_category"),
            "media": request.POST.getlist("media"),
            "platforms": request.POST.get("platforms", ""),
            "territories": request.POST.getlist("territories"),
            "reach_views": request.POST.get("reach_views", ""),
            "monetisation": request.POST.get("monetisation"),
            "sensitive_uses": request.POST.getlist("sensitive_uses"),
            "themes": request.POST.getlist("themes"),
            "no_training_statement": request.POST.get("no_training_statement") == "on",
            "first_used_on": request.POST.get("first_used_on", ""),
        }
        stills = [upload.read() for upload in request.FILES.getlist("stills")]
        try:
            report = usage_report_file(buyer=request.user, licence=licence, data=data, stills=stills)
        except ValidationError as exc:
            context["errors"] = error_sentences(_errors(exc))
            return render(request, "marketplace/usage/report_form.html", context, status=400)
        return redirect("marketplace:usage_report", reference=report.reference)
    return render(request, "marketplace/usage/report_form.html", context)


@login_required
def usage_reports(request, focus: str = "all"):
    """The buyer's filed reports and the seller's review queue (``focus="review"``: the queue only)."""
    return render(
        request,
        "marketplace/usage/reports.html",
        {
            "focus": focus,
            "filed": usage_reports_of_buyer(buyer=request.user)[:100] if focus != "review" else [],
            "to_review": usage_reports_to_review(seller=request.user)[:100],
        },
    )


@login_required
def usage_report_detail(request, reference: str):
    report = usage_report_for_viewer(user=request.user, reference=reference)
    if report is None:
        raise Http404
    licence = report.licence
    return render(
        request,
        "marketplace/usage/report_detail.html",
        {
            "report": report,
            "licence": licence,
            "stills": report.stills.all(),
            "can_decide": licence.seller_id == request.user.pk and report.status in USAGE_REPORT_REVIEWABLE,
            "is_buyer": licence.buyer_id == request.user.pk,
        },
    )


@login_required
@require_POST
def usage_report_decide(request, reference: str):
    report = usage_report_for_viewer(user=request.user, reference=reference)
    if report is None:
        raise Http404
    try:
        if request.POST.get("action") == "approve":
            usage_report_approve(seller=request.user, report=report, note=request.POST.get("note", ""))
        else:
            usage_report_reject(seller=request.user, report=report, reason=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(sum(_errors(exc).values(), [])))
    return redirect("marketplace:usage_report", reference=report.reference)


@login_required
@require_POST
def usage_report_top_up(request, reference: str):
    report = usage_report_for_viewer(user=request.user, reference=reference)
    if report is None:
        raise Http404
    try:
        session = usage_report_top_up_start(buyer=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, " ".join(sum(_errors(exc).values(), [])))
        return redirect("marketplace:usage_report", reference=report.reference)
    return redirect(session.checkout_url)


@login_required
def evidence_still(request, reference: str, position: int):
    still = evidence_still_for_viewer(user=request.user, reference=reference, position=position)
    if still is None:
        raise Http404
    response = HttpResponse(bytes(still.image), content_type=still.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def disputes(request):
    if not user_has_role(request.user, Role.MODERATOR):
        raise PermissionDenied
    return render(request, "marketplace/usage/disputes.html", {"disputes": disputes_open()[:200]})


@login_required
def dispute_detail(request, reference: str):
    dispute = dispute_for_viewer(user=request.user, reference=reference)
    if dispute is None:
        raise Http404
    is_moderator = user_has_role(request.user, Role.MODERATOR)
    context = {
        "dispute": dispute,
        "is_moderator": is_moderator,
        "resolutions": DisputeResolution.choices,
        "errors": [],
    }
    if request.method == "POST":
        if not is_moderator:
            raise PermissionDenied
        raw = (request.POST.get("amount") or "").strip()
        try:
            amount = Money.from_major(raw, dispute.licence.currency) if raw else None
            dispute_resolve(
                moderator=request.user,
                dispute=dispute,
                resolution=request.POST.get("resolution", ""),
                amount=amount,
                note=request.POST.get("note", ""),
            )
        except (ValidationError, ValueError) as exc:
            errors = _errors(exc) if isinstance(exc, ValidationError) else {"amount": [str(exc)]}
            context["errors"] = error_sentences(errors)
            return render(request, "marketplace/usage/dispute_detail.html", context, status=400)
        return redirect("marketplace:dispute", reference=dispute.reference)
    return render(request, "marketplace/usage/dispute_detail.html", context)


@login_required
def notifications(request):
    if request.method == "POST":
        raw = request.POST.get("id")
        notification_mark_read(user=request.user, notification_id=int(raw) if raw and raw.isdigit() else None)
        return redirect("marketplace:notifications")
    return render(
        request,
        "marketplace/usage/notifications.html",
        {"notifications": notifications_of(user=request.user)[:200]},
    )


@login_required
def dispute_new(request, reference: str):
    """A party of the licence opens a dispute (about one of its reports, if given) with attachments."""
    from marketplace.usage.disputes import ATTACHMENT_MAX_BYTES, ATTACHMENTS_MAX

    licence = licence_for_viewer(user=request.user, reference=reference)
    if licence is None:
        raise Http404
    if request.user.pk not in (licence.buyer_id, licence.seller_id):
        raise PermissionDenied  # a moderator sees the licence but is no party to it
    report = None
    report_ref = request.POST.get("report") or request.GET.get("report")
    if report_ref:
        report = usage_report_for_viewer(user=request.user, reference=report_ref)
        if report is None or report.licence_id != licence.pk:
            raise Http404
    context = {
        "licence": licence,
        "report": report,
        "errors": [],
        "values": request.POST,
        "max_files": ATTACHMENTS_MAX,
        "max_mb": ATTACHMENT_MAX_BYTES // (1024 * 1024),
    }
    if request.method != "POST":
        return render(request, "marketplace/usage/dispute_form.html", context)
    files = request.FILES.getlist("attachments")
    if len(files) > ATTACHMENTS_MAX or any(f.size > ATTACHMENT_MAX_BYTES for f in files):
        limit = f"At most {ATTACHMENTS_MAX} files of {context['max_mb']} MB each."
        context["errors"] = error_sentences({"attachments": [limit]})
        return render(request, "marketplace/usage/dispute_form.html", context, status=400)
    try:
        dispute = dispute_open(
            user=request.user,
            licence=licence,
            report=report,
            reasons=request.POST.get("reasons", ""),
            attachments=[(f.name or "", f.content_type or "", f.read()) for f in files],
        )
    except ValidationError as exc:
        context["errors"] = error_sentences(_errors(exc))
        return render(request, "marketplace/usage/dispute_form.html", context, status=400)
    return redirect("marketplace:dispute", reference=dispute.reference)


@login_required
def dispute_attachment(request, reference: str, attachment_id: int):
    """An attachment, for the dispute's parties and moderators only; always downloaded, never rendered."""
    dispute = dispute_for_viewer(user=request.user, reference=reference)
    attachment = dispute.attachments.filter(pk=attachment_id).first() if dispute else None
    if attachment is None:
        raise Http404
    response = HttpResponse(bytes(attachment.data), content_type="application/octet-stream")
    response["Content-Disposition"] = f"attachment; filename=attachment-{attachment.pk}"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
