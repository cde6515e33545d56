"""Pages and API of the payouts app: who may see and do what."""

import pytest
from django.test import Client
from django.urls import reverse

from kernel.money import Money
from payouts.models import EscrowHold, GatewayPayment, PayoutAccount
from payouts.services import escrow_release, payment_session_create
from payouts.state import PaymentStatus, PayoutAccountStatus

pytestmark = pytest.mark.django_db
STRIPE = "payouts.gateways.stripe_gateway.StripeGateway"


@pytest.fixture
def staff(make_user):
    return make_user("staff1", is_staff=True)


def session_for(buyer, seller, reference="LIC-V1", amount=10_000, return_url=""):
    return payment_session_create(
        reference=reference,
        amount=Money(amount, "CNY"),
        payer=buyer,
        payee=seller,
        idempotency_key=f"checkout:{reference}",
        return_url=return_url,
    )


def test_earnings_needs_login_and_shows_only_your_own(client, make_user, sandbox_hold, buyer, seller):
    other_seller = make_user("seller2", "seller")
    sandbox_hold(reference="LIC-MINE", amount=10_000, payer=buyer, payee=seller)
    sandbox_hold(reference="LIC-THEIRS", amount=77_700, payer=buyer, payee=other_seller)
    url = reverse("payouts:earnings")
    assert client.get(url).status_code == 302  # to the login page

    client.force_login(seller)
    page = client.get(url).content.decode()
    assert "LIC-MINE" in page and "LIC-THEIRS" not in page
    assert "¥100.00" in page and "¥777.00" not in page

    client.force_login(other_seller)
    page = client.get(url).content.decode()
    assert "LIC-THEIRS" in page and "LIC-MINE" not in page


def test_earnings_api_is_per_user(client, sandbox_hold, buyer, seller):
    sandbox_hold(reference="LIC-API", amount=5_000, payer=buyer, payee=seller)
    escrow_release(reference="LIC-API", idempotency_key="release:LIC-API")
    assert client.get("/api/v1/payouts/earnings/").status_code in (401, 403)
    client.force_login(seller)
    [row] = client.get("/api/v1/payouts/earnings/").json()
    assert row["currency"] == "CNY"
    assert row["releasable"] == {"amount": 4_250, "currency": "CNY"} and row["held"]["amount"] == 0
    client.force_login(buyer)
    assert client.get("/api/v1/payouts/earnings/").json() == []


def test_ledger_pages_are_staff_only(client, staff, sandbox_hold, buyer, seller, moderator):
    sandbox_hold(reference="LIC-LEDGER", amount=10_000, payer=buyer, payee=seller)
    index, detail = reverse("payouts:ledger_index"), reverse("payouts:ledger_reference", args=["LIC-LEDGER"])
    assert client.get(detail).status_code == 302
    for user in (seller, buyer, moderator):
        client.force_login(user)
        assert client.get(index).status_code == 403
        assert client.get(detail).status_code == 403
        assert client.get("/api/v1/payouts/holds/LIC-LEDGER/").status_code == 403
    client.force_login(staff)
    page = client.get(detail).content.decode()
    assert "escrow:LIC-LEDGER:CNY" in page and "gateway_clearing:sandbox:CNY" in page
    assert "LIC-LEDGER" in client.get(index).content.decode()
    assert client.get(reverse("payouts:ledger_reference", args=["NOPE"])).status_code == 404
    hold = client.get("/api/v1/payouts/holds/LIC-LEDGER/").json()
    assert hold["status"] == "pending" and hold["releasable"]["amount"] == 10_000


def test_sandbox_page_only_for_the_payer_and_csrf_protected(buyer, seller, make_user):
    session = session_for(buyer, seller)
    url = session.checkout_url
    assert url == reverse("payouts:sandbox_checkout", args=[session.payment.gateway_payment_id])

    stranger = Client()
    stranger.force_login(make_user("someone", "buyer"))
    assert stranger.get(url).status_code == 403
    assert stranger.post(url, {"outcome": "succeed"}).status_code == 403
    seller_client = Client()
    seller_client.force_login(seller)
    assert seller_client.post(url, {"outcome": "succeed"}).status_code == 403

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(buyer)
    assert strict.post(url, {"outcome": "succeed"}).status_code == 403  # no CSRF token
    assert GatewayPayment.objects.get().status == PaymentStatus.REQUIRES_PAYMENT

    page = strict.get(url)
    assert page.status_code == 200 and b"sandbox-pay-succeed" in page.content
    token = page.cookies["csrftoken"].value
    response = strict.post(url, {"outcome": "succeed", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert GatewayPayment.objects.get().status == PaymentStatus.SUCCEEDED
    assert EscrowHold.objects.filter(reference="LIC-V1").exists()
    assert b"sandbox-pay-succeed" not in strict.get(url).content  # nothing left to pay


def test_sandbox_page_redirects_to_the_return_url_with_the_outcome(client, buyer, seller):
    session = session_for(buyer, seller, return_url="/listings/licences/?x=1")
    client.force_login(buyer)
    response = client.post(session.checkout_url, {"outcome": "fail"})
    assert response["Location"] == "/listings/licences/?x=1&payment=failed"
    unsafe = session_for(buyer, seller, reference="LIC-V2", return_url="https://evil.example/steal")
    response = client.post(unsafe.checkout_url, {"outcome": "succeed"})
    assert response["Location"] == unsafe.checkout_url  # never an open redirect


def test_unknown_sandbox_session_is_404(client, buyer):
    client.force_login(buyer)
    assert client.get(reverse("payouts:sandbox_checkout", args=["sbx_pay_nope"])).status_code == 404


def test_payout_account_onboarding_through_the_sandbox_pages(client, seller, make_user):
    client.force_login(seller)
    url = reverse("payouts:payout_account")
    assert b"payout-onboard" in client.get(url).content
    response = client.post(url)
    account = PayoutAccount.objects.get(user=seller)
    assert response["Location"] == reverse("payouts:sandbox_onboard", args=[account.gateway_account_id])

    other = Client()
    other.force_login(make_user("seller3", "seller"))
    assert other.post(response["Location"]).status_code == 403

    finished = client.post(response["Location"])
    assert finished["Location"].startswith("http://testserver/payouts/account/")
    account.refresh_from_db()
    assert account.status == PayoutAccountStatus.ACTIVE
    assert b'data-status="active"' in client.get(finished["Location"]).content


def test_leftover_sandbox_sessions_cannot_pay_once_a_real_gateway_is_configured(
    client, settings, buyer, seller
):
    from django.core.exceptions import PermissionDenied

    from payouts.services import sandbox_payment_complete

    session = session_for(buyer, seller, reference="LIC-OLD")  # made while the sandbox was the gateway
    settings.FACE_MARKET = {**settings.FACE_MARKET, "PAYMENT_GATEWAY": STRIPE}
    settings.STRIPE_SECRET_KEY = "sk_test_unused"
    client.force_login(buyer)
    assert client.get(session.checkout_url).status_code == 404
    assert client.post(session.checkout_url, {"outcome": "succeed"}).status_code == 404
    with pytest.raises(PermissionDenied):
        sandbox_payment_complete(
            gateway_payment_id=session.payment.gateway_payment_id, user=buyer, succeeded=True
        )
    assert not EscrowHold.objects.exists()


def test_stripe_webhook_is_absent_when_stripe_is_not_configured(client):
    from payouts.models import WebhookEvent

    response = client.post(
        "/api/v1/payouts/webhooks/stripe/",
        data=b"{}",
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE="t=1,v1=00",
    )
    assert response.status_code == 404
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    "model",
    [
        "ledgeraccount",
        "ledgertransaction",
        "ledgerleg",
        "escrowhold",
        "gatewaypayment",
        "refund",
        "payoutaccount",
        "transfer",
        "payoutfreeze",
        "webhookevent",
        "reconciliationreport",
        "sandboxrecord",
        "fm_kernel/statuschange",  # the one status history, holds' moves included
    ],
)
def test_admin_lists_money_rows_read_only(client, make_user, sandbox_hold, buyer, seller, model):
    sandbox_hold(reference="LIC-ADMIN", payer=buyer, payee=seller)
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    path = model if "/" in model else f"fm_payouts/{model}"
    assert client.get(f"/admin/{path}/").status_code == 200
    assert client.get(f"/admin/{path}/add/").status_code == 403


def test_admin_shows_a_transaction_with_its_legs(client, make_user, sandbox_hold, buyer, seller):
    from payouts.models import LedgerTransaction

    sandbox_hold(reference="LIC-ADMIN-2", payer=buyer, payee=seller)
    tx = LedgerTransaction.objects.get(reference="LIC-ADMIN-2")
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    page = client.get(f"/admin/fm_payouts/ledgertransaction/{tx.pk}/change/")
    assert page.status_code == 200 and b"escrow:LIC-ADMIN-2:CNY" in page.content
