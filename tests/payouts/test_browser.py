"""Paying on the sandbox gateway's page in headless Chromium: decline, then pay; and seller onboarding."""

import pytest

from kernel.money import Money
from payouts.models import EscrowHold, GatewayPayment, PayoutAccount
from payouts.services import payment_session_create
from payouts.state import HoldStatus, PaymentStatus, PayoutAccountStatus

from .conftest import assert_ledger_healthy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a sturdy pass phrase 42"


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector(".nav-user")


def test_buyer_declines_then_pays_on_the_sandbox_page(page, make_user):
    buyer = make_user("mingzhu", "buyer", password=PASSWORD)
    seller = make_user("lihua", "seller", password=PASSWORD)
    session = payment_session_create(
        reference="LIC-BROWSER-1",
        amount=Money(10_000, "CNY"),
        payer=buyer,
        payee=seller,
        idempotency_key="checkout:LIC-BROWSER-1",
    )
    log_in(page, "mingzhu")

    page.goto(session.checkout_url)
    assert page.inner_text("#sandbox-amount").endswith("¥100.00")  # CN¥ in English, ¥ in Chinese
    page.click("#sandbox-pay-fail")
    page.wait_for_selector('#sandbox-status[data-status="failed"]')
    assert GatewayPayment.objects.get().status == PaymentStatus.FAILED
    assert not EscrowHold.objects.exists()

    page.click("#sandbox-pay-succeed")
    page.wait_for_selector('#sandbox-status[data-status="succeeded"]')
    assert page.locator("#sandbox-pay-succeed").count() == 0
    hold = EscrowHold.objects.get(reference="LIC-BROWSER-1")
    assert hold.status == HoldStatus.PENDING and hold.amount == 10_000
    assert_ledger_healthy()


def test_seller_onboards_and_sees_earnings(page, make_user):
    seller = make_user("anqi", "seller", password=PASSWORD)
    log_in(page, "anqi")
    page.click('nav a[href="/payouts/earnings/"]')
    page.wait_for_selector("#earnings-title")
    assert page.is_visible("#earnings-empty")
    page.goto("/payouts/account/")
    page.click("#payout-onboard")
    page.click("#sandbox-onboard-finish")
    page.wait_for_selector('#payout-account-status[data-status="active"]')
    assert PayoutAccount.objects.get(user=seller).status == PayoutAccountStatus.ACTIVE
