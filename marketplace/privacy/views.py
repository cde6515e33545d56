"""Pages: my face data (withdraw consent, ask for erasure) and how long each kind of data is kept."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel.roles import Role
from marketplace.models import Revocation
from marketplace.privacy.retention import RETENTION_ROWS
from marketplace.privacy.services import biometric_consent_withdraw_everywhere, personal_data_erase
from marketplace.selectors import user_has_role
from verification.filing import face_template_filing_status
from verification.models import FaceTemplate


@login_required
def privacy_page(request):
    return render(
        request,
        "marketplace/privacy/mine.html",
        {
            "templates_held": FaceTemplate.objects.filter(subject_user=request.user).count(),
            "revocations": Revocation.objects.filter(seller=request.user).select_related("listing")[:50],
        },
    )


@login_required
@require_POST
def consent_withdraw_page(request):
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm."))
        return redirect("marketplace:privacy")
    outcome = biometric_consent_withdraw_everywhere(user=request.user)
    messages.success(
        request,
        _("Consent withdrawn: your face data is deleted and %(n)s listing(s) are withdrawn with notice.")
        % {"n": len(outcome["revocations"])},
    )
    return redirect("marketplace:privacy")


@login_required
@require_POST
def erasure_page(request):
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm."))
        return redirect("marketplace:privacy")
    personal_data_erase(user=request.user)
    logout(request)
    return render(request, "marketplace/privacy/erased.html")


def retention_page(request):
    return render(request, "marketplace/privacy/retention.html", {"rows": RETENTION_ROWS})


@login_required
def stored_faces_page(request):
    """Staff: how many faces are stored, against the facial-recognition filing line."""
    if not (request.user.is_staff or user_has_role(request.user, Role.MODERATOR)):
        raise PermissionDenied
    return render(request, "marketplace/privacy/stored_faces.html", {"filing": face_template_filing_status()})
