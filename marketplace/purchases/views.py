"""Pages of the purchase flow: review the scope and price, confirm, pay, see the licence."""

from __future__ import annotations

import contextlib
import uuid
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel.csp import stripe_js_allowed
from kernel.roles import Role
from listings.errors import ListingsError
from listings.forms import ScopeForm
from listings.quoting.answered import quote_request_of_buyer, quote_request_priced
from listings.selectors import listing_for_viewer, listing_quote
from marketplace.access.selectors import licence_project
from marketplace.purchases.availability import listing_purchase_refusal
from marketplace.selectors import (
    licence_for_viewer,
    licence_receipt,
    licence_revocation,
    licences_of_buyer,
    licences_of_seller,
    order_for_buyer,
    orders_of_buyer,
    user_has_role,
)
from marketplace.services import CheckoutRefused, licence_first_use_declare, order_create
from marketplace.trust.presentation import scope_rows
from payouts.selectors import payment_browser_checkout


class QuoteCheckoutForm(forms.Form):
    """A Star-tier checkout: the scope and price are the answered quote's, so only its id travels."""

    quote = forms.UUIDField(widget=forms.HiddenInput)


def _listing_and_form(request, listing_id: int):
    if not user_has_role(request.user, Role.BUYER):
        raise PermissionDenied
    listing = listing_for_viewer(user=request.user, listing_id=listing_id)
    if listing is None or listing.current_terms is None:
        raise Http404
    if request.POST.get("quote"):
        return listing, QuoteCheckoutForm(request.POST)
    return listing, ScopeForm(request.POST, terms=listing.current_terms)


def _quote_request(request, form, listing):
    """The buyer's own answered quote for this listing, or None (a scope checkout)."""
    if not isinstance(form, QuoteCheckoutForm):
        return None
    quote_request = quote_request_of_buyer(buyer=request.user, public_id=form.cleaned_data["quote"])
    if quote_request is None or quote_request.listing_id != listing.pk:
        raise Http404
    return quote_request


def _priced(request, form, listing):
    quote_request = _quote_request(request, form, listing)
    if quote_request is not None:
        return quote_request, quote_request_priced(quote_request)
    return None, listing_quote(listing=listing, scope=form.scope())


def _review_context(request, form, listing, context: dict, *, checkout_key: str) -> None:
    quote_request, priced = _priced(request, form, listing)
    context.update(priced=priced, quote_request=quote_request, checkout_key=checkout_key)
    if quote_request is not None:
        context["terms"] = quote_request.terms_version


def _scope(form) -> dict:
    return {} if isinstance(form, QuoteCheckoutForm) else form.scope()


def _form_error(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
@require_POST
def checkout_review(request, listing_id: int):
    """Step 1: the buyer's scope from the listing page, priced, with the terms to accept."""
    listing, form = _listing_and_form(request, listing_id)
    context = {"listing": listing, "form": form, "terms": listing.current_terms}
    context["refusal"] = listing_purchase_refusal(
        listing, request.user
    )  # said before the buyer fills anything in
    if form.is_valid():
        try:
            _review_context(request, form, listing, context, checkout_key=uuid.uuid4().hex)
        except ValidationError as exc:
            _form_error(form, exc)
        except ListingsError as exc:
            form.add_error(None, exc.message)
    return render(
        request, "marketplace/checkout_review.html", context, status=200 if "priced" in context else 400
    )


@login_required
@require_POST
def checkout_confirm(request, listing_id: int):
    """Step 2: make the order (once per form) and go to the payment page."""
    listing, form = _listing_and_form(request, listing_id)
    context = {"listing": listing, "form": form, "terms": listing.current_terms}
    if not request.POST.get("accept_terms"):
        form.add_error(None, ValidationError("accept", code="accept_terms"))
    if form.is_valid() and not form.errors:
        placeholder = uuid.UUID(int=0)
        order_url = request.build_absolute_uri(reverse("marketplace:order", args=[placeholder]))
        try:
            order = order_create(
                buyer=request.user,
                listing_id=listing.pk,
                scope=_scope(form),
                checkout_key=request.POST.get("checkout_key", ""),
                return_url=order_url.replace(str(placeholder), "{public_id}"),
                quote_request=_quote_request(request, form, listing),
            )
        except ValidationError as exc:
            _form_error(form, exc)
        except (ListingsError, CheckoutRefused) as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(order.checkout_url or reverse("marketplace:order", args=[order.public_id]))
    if not any(form.errors.get(name) for name in form.fields):
        # the review stays on the page, with the same key, so a second try is still one order
        with contextlib.suppress(ValidationError, ListingsError, Http404):
            _review_context(
                request, form, listing, context, checkout_key=request.POST.get("checkout_key", "")
            )
    return render(request, "marketplace/checkout_review.html", context, status=400)


@stripe_js_allowed  # the one page that loads Stripe.js
@login_required
def order_detail(request, public_id: uuid.UUID):
    order = order_for_buyer(user=request.user, public_id=public_id)
    if order is None:
        raise Http404
    licence = getattr(order, "licence", None) if order.status == "licensed" else None
    pay_in_page = None
    if order.status == "pending_payment" and not order.checkout_url:
        pay_in_page = payment_browser_checkout(reference=order.reference)  # Stripe.js on this page
    return render(
        request,
        "marketplace/order_detail.html",
        {"order": order, "licence": licence, "pay_in_page": pay_in_page},
    )


@login_required
def licences(request):
    return render(
        request,
        "marketplace/licences.html",
        {
            "bought": licences_of_buyer(request.user)[:100],
            "orders": orders_of_buyer(request.user).exclude(status="licensed")[:50],
            "sold": licences_of_seller(request.user)[:100],
        },
    )


@login_required
def licence_detail(request, reference: str):
    licence = licence_for_viewer(user=request.user, reference=reference)
    if licence is None:
        raise Http404
    return render(
        request,
        "marketplace/licence_detail.html",
        {
            "licence": licence,
            "scope_rows": scope_rows(licence.scope),
            "revocation_part": licence_revocation(licence),
            "is_moderator": user_has_role(request.user, Role.MODERATOR),
            "project": licence_project(licence),
            **licence_receipt(licence),
        },
    )


@login_required
@require_POST
def licence_first_use(request, reference: str):
    """The buyer declares the first use of the face: the usage report falls due sooner."""
    licence = licence_for_viewer(user=request.user, reference=reference)
    if licence is None:
        raise Http404
    try:
        used_on = date.fromisoformat(request.POST.get("used_on", "").strip())
    except ValueError:
        used_on = None
    try:
        deadline = licence_first_use_declare(licence=licence, buyer=request.user, used_on=used_on)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("First use recorded: the usage report is due by %s.")
            % timezone.localdate(deadline.report_due_at).isoformat(),
        )
    return redirect("marketplace:licence", reference=licence.reference)
