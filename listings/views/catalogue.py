"""Public pages: the catalogue and a listing with its live price calculator."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kernel.links import url_for

from ..errors import ListingsError
from ..filters import CatalogueFilterSet
from ..forms import ScopeForm
from ..permissions import is_buyer, owns
from ..quoting.answered import quote_request_is_buyable, quote_requests_of_buyer_for_listing
from ..selectors import listing_for_viewer
from ..selectors.catalogue import catalogue_base
from ..selectors.catalogue_facets import catalogue_facet_counts
from ..services import listing_popularity_bump, quote_request_create
from ..state import ListingStatus
from ._helpers import form_errors_from, page_of

DETAIL_VIEW_POPULARITY_POINTS = 1


@require_GET
def catalogue(request):
    filterset = CatalogueFilterSet(request.GET, queryset=catalogue_base())
    listings = filterset.qs if filterset.is_valid() else catalogue_base().none()
    filterset.label_counts(catalogue_facet_counts())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "listings/catalogue.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "page": page_of(request, listings, count_cache=True),
            "query_string": query.urlencode(),
        },
    )


def _purchase_url(user, listing) -> str:
    """Where a buyer takes this scope to check out, if the host installed the purchase flow."""
    if listing.price_on_request or listing.status != ListingStatus.PUBLISHED or not is_buyer(user):
        return ""
    return url_for("listing.checkout", listing.pk)


def _moderation_urls(user, listing) -> dict[str, str]:
    """ "Report this listing" and "This is my face", if the host installed moderation (links the
    deal app lends through ``kernel.links``). Offered on a listing someone else sells, while it is
    on sale or paused."""
    if owns(user, listing.seller_id) or listing.status not in (ListingStatus.PUBLISHED, ListingStatus.PAUSED):
        return {}
    urls = {
        "report_url": url_for("listing.report", listing.pk),
        "claim_url": url_for("listing.face_claim", listing.pk),
    }
    return {key: url for key, url in urls.items() if url}


@require_GET
def listing_detail(request, listing_id: int):
    listing = listing_for_viewer(user=request.user, listing_id=listing_id)
    if listing is None:
        raise Http404
    if listing.status == ListingStatus.PUBLISHED and not owns(request.user, listing.seller_id):
        listing_popularity_bump(listing_id=listing.pk, points=DETAIL_VIEW_POPULARITY_POINTS)
    terms = listing.current_terms
    return render(
        request,
        "listings/detail.html",
        {
            "listing": listing,
            "terms": terms,
            "profile": listing.profile,
            "photos": listing.profile.photos.filter(preview_status="ready"),
            "scope_form": ScopeForm(terms=terms) if terms else None,
            "can_ask": is_buyer(request.user) and listing.price_on_request,
            "purchase_url": _purchase_url(request.user, listing),
            "signup_url": url_for("account.signup"),
            "login_url": resolve_url(settings.LOGIN_URL),  # the host's login page, whatever its URLconf
            **_quote_context(request.user, listing),
            **_moderation_urls(request.user, listing),
        },
    )


def _quote_context(user, listing) -> dict:
    """A Star listing shows the buyer's own requests; an answered one has a button to buy at its price."""
    if not listing.price_on_request:
        return {}
    quotes = list(quote_requests_of_buyer_for_listing(buyer=user, listing_id=listing.pk))
    return {
        "my_quotes": [(quote, quote_request_is_buyable(quote)) for quote in quotes],
        "quote_checkout_url": url_for("listing.checkout", listing.pk) if is_buyer(user) else "",
    }


@login_required
@require_POST
def quote_request_create_page(request, listing_id: int):
    """A buyer asks a price-on-request listing's seller for a quote (form on the listing page)."""
    listing = listing_for_viewer(user=request.user, listing_id=listing_id)
    if listing is None or listing.current_terms is None:
        raise Http404
    if not is_buyer(request.user):
        raise PermissionDenied
    form = ScopeForm(request.POST, terms=listing.current_terms)
    if form.is_valid():
        try:
            quote_request_create(
                buyer=request.user,
                listing=listing,
                scope=form.scope(),
                message=form.cleaned_data.get("message", ""),
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        except ListingsError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your request was sent. The seller will answer with a price."))
            return redirect("listings:detail", listing_id=listing.pk)
    return render(
        request,
        "listings/detail.html",
        {
            "listing": listing,
            "terms": listing.current_terms,
            "profile": listing.profile,
            "photos": listing.profile.photos.filter(preview_status="ready"),
            "scope_form": form,
            **_quote_context(request.user, listing),
            "can_ask": True,
        },
        status=400,
    )
