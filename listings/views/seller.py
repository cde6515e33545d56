"""The seller's pages: dashboard, listing create/edit, terms versions, lifecycle, profile, quotes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..errors import ListingsError
from ..forms import (
    ListingForm,
    PhotoUploadForm,
    ProfileForm,
    QuoteAnswerForm,
    TermsForm,
    minor_to_yuan,
    yuan_to_minor,
)
from ..models import PortfolioPhoto, SellerProfile
from ..selectors import listings_of_seller, quote_requests_for_seller, terms_versions_of
from ..services import (
    listing_create,
    listing_transition,
    listing_update,
    portfolio_photo_add,
    portfolio_photo_remove,
    quote_request_answer,
    quote_request_decline,
    seller_profile_upsert,
    terms_version_create,
)
from ..state import EDITABLE_STATUSES, SELLER_ACTIONS, QuoteRequestStatus
from ._helpers import form_errors_from, seller_required

PRICE_FIELD_MAP = {"annual_price_minor": "annual_price"}


def _own_listing(request, listing_id: int):
    listing = listings_of_seller(request.user).filter(pk=listing_id).first()
    if listing is None:
        raise Http404  # someone else's listing: not found, not forbidden
    return listing


@seller_required
def dashboard(request):
    profile = SellerProfile.objects.filter(user=request.user).first()
    return render(
        request,
        "listings/dashboard.html",
        {
            "profile": profile,
            "listings": listings_of_seller(request.user),
            "quote_requests": quote_requests_for_seller(request.user).filter(status=QuoteRequestStatus.OPEN),
            "answer_form": QuoteAnswerForm(),
            "editable_statuses": EDITABLE_STATUSES,
        },
    )


@seller_required
def listing_create_page(request):
    if not SellerProfile.objects.filter(user=request.user).exists():
        messages.warning(request, _("Create your seller profile first."))
        return redirect("listings:profile")
    form = ListingForm(request.POST or None, seller=request.user, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            listing = listing_create(
                seller=request.user, template=form.cleaned_data["template"], **form.service_fields()
            )
        except ValidationError as exc:
            form_errors_from(form, exc, field_map=PRICE_FIELD_MAP)
        except ListingsError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Draft created. Check its licence terms, then publish it."))
            return redirect("listings:terms", listing_id=listing.pk)
    return render(request, "listings/listing_form.html", {"form": form, "creating": True})


@seller_required
def listing_edit_page(request, listing_id: int):
    listing = _own_listing(request, listing_id)
    initial = {
        "title": listing.title,
        "description": listing.description,
        "tier": listing.tier,
        "annual_price": minor_to_yuan(listing.annual_price_minor, listing.currency),
        "cover_photo": listing.cover_photo.public_id if listing.cover_photo else None,
    }
    form = ListingForm(request.POST or None, seller=request.user, creating=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            listing_update(listing=listing, actor=request.user, **form.service_fields())
        except ValidationError as exc:
            form_errors_from(form, exc, field_map=PRICE_FIELD_MAP)
        except ListingsError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Listing saved."))
            return redirect("listings:dashboard")
    return render(
        request, "listings/listing_form.html", {"form": form, "listing": listing, "creating": False}
    )


@seller_required
def listing_terms_page(request, listing_id: int):
    """Every terms version of a listing; saving the form makes a new version (sold ones never change)."""
    listing = _own_listing(request, listing_id)
    current = listing.current_terms
    form = TermsForm(
        request.POST or None, initial=TermsForm.initial_from(current.terms_document()) if current else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = terms_version_create(
                listing=listing,
                actor=request.user,
                terms=form.terms_document(),
                change_note=form.cleaned_data.get("change_note", ""),
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        except ListingsError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Licence terms saved as version %(n)s.") % {"n": version.number})
            return redirect("listings:terms", listing_id=listing.pk)
    return render(
        request,
        "listings/terms.html",
        {
            "listing": listing,
            "form": form,
            "versions": terms_versions_of(listing),
            "editable": listing.status in EDITABLE_STATUSES,
        },
    )


@seller_required
@require_POST
def listing_transition_page(request, listing_id: int, action: str):
    listing = _own_listing(request, listing_id)
    if action not in SELLER_ACTIONS:
        raise Http404
    try:
        listing_transition(
            listing=listing, action=action, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ListingsError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("“%(title)s” is now %(status)s.")
            % {"title": listing.title, "status": listing.get_status_display().lower()},
        )
    return redirect("listings:dashboard")


@seller_required
def profile_page(request):
    profile = SellerProfile.objects.filter(user=request.user).first()
    initial = (
        {
            "display_name": profile.display_name,
            "bio": profile.bio,
            "languages": profile.languages,
            "tags": ", ".join(profile.tags),
        }
        if profile
        else None
    )
    form = ProfileForm(request.POST if "save_profile" in request.POST else None, initial=initial)
    upload = PhotoUploadForm(
        request.POST if "upload_photo" in request.POST else None,
        request.FILES if "upload_photo" in request.POST else None,
    )
    if form.is_bound and form.is_valid():
        try:
            seller_profile_upsert(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("listings:profile")
    if upload.is_bound and upload.is_valid():
        try:
            portfolio_photo_add(user=request.user, data=upload.cleaned_data["image"].read())
        except ValidationError as exc:
            form_errors_from(upload, exc)
        else:
            messages.success(request, _("Photo added; its watermarked preview is being made."))
            return redirect("listings:profile")
    photos = profile.photos.all() if profile else PortfolioPhoto.objects.none()
    return render(
        request,
        "listings/profile.html",
        {"profile": profile, "form": form, "upload": upload, "photos": photos},
        status=400 if form.errors or upload.errors else 200,
    )


@seller_required
@require_POST
def photo_remove_page(request, public_id):
    photo = get_object_or_404(PortfolioPhoto, public_id=public_id, profile__user=request.user)
    portfolio_photo_remove(user=request.user, photo=photo)
    messages.success(request, _("Photo removed."))
    return redirect("listings:profile")


@seller_required
@require_POST
def quote_request_respond_page(request, public_id):
    quote_request = get_object_or_404(quote_requests_for_seller(request.user), public_id=public_id)
    try:
        if "decline" in request.POST:
            quote_request_decline(
                quote_request=quote_request, seller=request.user, note=request.POST.get("note", "")
            )
        else:
            form = QuoteAnswerForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give a price in CNY."))
            quote_request_answer(
                quote_request=quote_request,
                seller=request.user,
                amount_minor=yuan_to_minor(form.cleaned_data["amount"]),
                note=form.cleaned_data.get("note", ""),
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ListingsError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your answer was sent to the buyer."))
    return redirect("listings:dashboard")
