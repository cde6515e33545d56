"""Pages of the kill switch: suspend a licence for a breach; a moderator reinstates or ends it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.selectors import licence_for_viewer
from marketplace.services import licence_suspend, licence_suspension_resolve


def _errors(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


@login_required
@require_POST
def licence_suspend_page(request, reference: str):
    licence = licence_for_viewer(user=request.user, reference=reference)
    if licence is None:
        raise Http404
    try:
        licence_suspend(actor=request.user, licence=licence, reason=request.POST.get("reason", ""))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("The licence is suspended; a dispute was opened to review the breach."))
    return redirect("marketplace:licence", reference=reference)


@login_required
@require_POST
def licence_suspension_decide_page(request, reference: str):
    licence = licence_for_viewer(user=request.user, reference=reference)
    if licence is None:
        raise Http404
    try:
        licence_suspension_resolve(
            moderator=request.user,
            licence=licence,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("marketplace:licence", reference=reference)
