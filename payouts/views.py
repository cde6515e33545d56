"""Pages of the payouts app: seller earnings, payout-account onboarding, staff ledger, sandbox gateway.

No business logic here: views check who may look, then call a selector or a service.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .earnings.chart import monthly_chart_svg
from .earnings.releases import monthly_totals, seller_releases
from .exceptions import PayoutsError
from .gateways import get_gateway, sandbox_enabled
from .gateways.base import GatewayError
from .models import GatewayPayment, PayoutAccount
from .state import PaymentStatus


def staff_required(view):
    """Anonymous visitors go to the login page; signed-in people who are not staff get 403."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@login_required
def earnings(request):
    """The signed-in seller's own money: held in escrow, releasable (payable), paid out."""
    user = request.user
    context = {
        "summaries": selectors.seller_earnings(seller=user),
        "holds": selectors.seller_holds(seller=user),
        "transfers": selectors.seller_transfers(seller=user),
        **_earnings_over_time(user),
        "payout_account": selectors.payout_account_for(user=user, gateway=get_gateway().name),
    }
    return render(request, "payouts/earnings.html", context)


def _earnings_over_time(user) -> dict:
    releases = seller_releases(seller=user)
    months = monthly_totals(releases)
    return {"releases": releases, "months": months, "months_chart": monthly_chart_svg(months)}


@login_required
@require_http_methods(["GET", "POST"])
def payout_account(request):
    """Set up (or finish setting up) where the seller is paid."""
    gateway = get_gateway()
    account = selectors.payout_account_for(user=request.user, gateway=gateway.name)
    if request.method == "POST":
        here = request.build_absolute_uri(reverse("payouts:payout_account"))
        try:
            link = services.payout_account_onboard(
                user=request.user, refresh_url=here, return_url=here + "?returned=1"
            )
        except GatewayError as exc:
            messages.error(
                request, _("The payment provider could not start onboarding: %(error)s") % {"error": exc}
            )
            return redirect("payouts:payout_account")
        return redirect(link.url)
    if account is not None and request.GET.get("returned"):
        try:
            account = services.payout_account_refresh(account=account)
        except GatewayError as exc:
            messages.error(request, _("Could not read the account's status: %(error)s") % {"error": exc})
    return render(request, "payouts/payout_account.html", {"account": account, "gateway": gateway.name})


@staff_required
def ledger_index(request):
    query = request.GET.get("q", "").strip()
    context = {
        "query": query,
        "references": selectors.recent_references(query=query),
        "balances": selectors.account_balances(),
        "freezes": selectors.active_freezes(),
        "failed_events": selectors.failed_webhook_events(),
    }
    return render(request, "payouts/ledger_index.html", context)


@staff_required
def ledger_reference(request, reference: str):
    """Every transaction, leg, payment, refund and transfer of one licence reference."""
    ledger = selectors.ledger_for_reference(reference=reference)
    if not ledger.transactions and not ledger.payments:
        raise Http404
    return render(request, "payouts/ledger_reference.html", {"ledger": ledger})


# -- the sandbox gateway's pages ------------------------------------------------------------------


def _sandbox_payment_for(request, gateway_payment_id: str) -> GatewayPayment:
    if not sandbox_enabled():
        raise Http404
    payment = GatewayPayment.objects.filter(gateway="sandbox", gateway_payment_id=gateway_payment_id).first()
    if payment is None:
        raise Http404
    if payment.payer_id != request.user.pk:
        raise PermissionDenied
    return payment


@login_required
@require_http_methods(["GET", "POST"])
def sandbox_checkout(request, gateway_payment_id: str):
    """The sandbox's stand-in for a payment provider's page: pay or decline. Only the payer may act."""
    payment = _sandbox_payment_for(request, gateway_payment_id)
    if request.method == "POST":
        succeeded = request.POST.get("outcome") == "succeed"
        try:
            payment = services.sandbox_payment_complete(
                gateway_payment_id=gateway_payment_id, user=request.user, succeeded=succeeded
            )
        except PayoutsError as exc:
            messages.error(request, str(exc))
            return redirect("payouts:sandbox_checkout", gateway_payment_id=gateway_payment_id)
        target = payment.return_url
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            separator = "&" if "?" in target else "?"
            return redirect(f"{target}{separator}payment={payment.status}")
        return redirect("payouts:sandbox_checkout", gateway_payment_id=gateway_payment_id)
    return render(
        request,
        "payouts/sandbox_checkout.html",
        {
            "payment": payment,
            "can_pay": payment.status in (PaymentStatus.REQUIRES_PAYMENT, PaymentStatus.FAILED),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def sandbox_onboard(request, gateway_account_id: str):
    """The sandbox's stand-in for Stripe's hosted onboarding."""
    if not sandbox_enabled():
        raise Http404
    account = PayoutAccount.objects.filter(gateway="sandbox", gateway_account_id=gateway_account_id).first()
    if account is None:
        raise Http404
    if account.user_id != request.user.pk:
        raise PermissionDenied
    if request.method == "POST":
        target = services.sandbox_account_activate(gateway_account_id=gateway_account_id, user=request.user)
        messages.success(request, _("Your payout account is active."))
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(target)
        return redirect("payouts:payout_account")
    return render(request, "payouts/sandbox_onboard.html", {"account": account})
