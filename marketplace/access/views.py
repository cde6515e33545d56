"""Pages of "who may use my face": the buyer's project request, the seller's decisions and settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from listings.selectors import listing_for_viewer
from marketplace.access.invitations import (
    INVITE_OPTIONAL,
    INVITE_REQUIRED,
    invitation_create,
    invitation_revoke,
    listing_invitations,
)
from marketplace.access.models import AccessMode, ListingAccess, ProjectRequest
from marketplace.access.selectors import approved_request, pending_request, project_requests_to_decide
from marketplace.access.services import (
    PROJECT_FIELDS,
    listing_access_set,
    project_request_decide,
    project_request_submit,
)


def _errors(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


@login_required
def project_request_page(request, listing_id: int):
    listing = listing_for_viewer(user=request.user, listing_id=listing_id)
    if listing is None:
        raise Http404
    values = {name: request.POST.get(name, "") for name in PROJECT_FIELDS}
    if request.method == "POST":
        try:
            project_request_submit(buyer=request.user, listing=listing, data=request.POST)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(
                request, _("Sent. The seller answers before the date shown; you are told either way.")
            )
            return redirect("marketplace:project_request", listing_id=listing.pk)
    return render(
        request,
        "marketplace/access/request.html",
        {
            "listing": listing,
            "values": values,
            "pending": pending_request(listing=listing, buyer=request.user),
            "approved": approved_request(listing=listing, buyer=request.user),
        },
    )


@login_required
def project_requests_page(request):
    return render(
        request,
        "marketplace/access/requests.html",
        {"requests": project_requests_to_decide(request.user)[:100]},
    )


@login_required
@require_POST
def project_request_decide_page(request, reference: str):
    project = ProjectRequest.objects.filter(reference=reference, listing__seller=request.user).first()
    if project is None:
        raise Http404
    try:
        project_request_decide(
            seller=request.user,
            request=project,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("marketplace:project_requests")


@login_required
def listing_access_page(request, listing_id: int):
    listing = listing_for_viewer(user=request.user, listing_id=listing_id)
    if listing is None or listing.seller_id != request.user.pk:
        raise Http404
    access = ListingAccess.objects.filter(listing=listing).first()
    if request.method == "POST":
        try:
            access = listing_access_set(
                seller=request.user,
                listing=listing,
                mode=request.POST.get("mode", ""),
                decision_days=int(request.POST.get("decision_days") or 3),
                default_outcome=request.POST.get("default_outcome", ""),
            )
        except (ValidationError, ValueError) as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Saved."))
    return render(
        request,
        "marketplace/access/settings.html",
        {
            "listing": listing,
            "access": access,
            "modes": AccessMode.choices,
            "invitations": listing_invitations(listing),
            "invite_values": {},
        },
    )


@login_required
def listing_invitations_page(request, listing_id: int):
    """Invitation only: invite a buyer by e-mail or username, or withdraw an unused invitation."""
    listing = listing_for_viewer(user=request.user, listing_id=listing_id)
    if listing is None or listing.seller_id != request.user.pk:
        raise Http404
    values = {name: request.POST.get(name, "") for name in ("buyer", *INVITE_REQUIRED, *INVITE_OPTIONAL)}
    if request.method == "POST" and request.POST.get("withdraw"):
        try:
            invitation_revoke(seller=request.user, listing=listing, reference=request.POST["withdraw"])
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Invitation withdrawn."))
        return redirect("marketplace:listing_access", listing_id=listing.pk)
    if request.method == "POST":
        try:
            invitation_create(
                seller=request.user, listing=listing, buyer_identifier=values["buyer"], data=request.POST
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Invited. The buyer is told and can now license the face."))
            return redirect("marketplace:listing_access", listing_id=listing.pk)
    return render(
        request,
        "marketplace/access/settings.html",
        {
            "listing": listing,
            "access": ListingAccess.objects.filter(listing=listing).first(),
            "modes": AccessMode.choices,
            "invitations": listing_invitations(listing),
            "invite_values": values,
        },
        status=400 if request.method == "POST" else 200,
    )
