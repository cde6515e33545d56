"""A buyer buys a licence in headless Chromium: listing page -> review -> sandbox payment -> licence."""

import re

import pytest

from marketplace.models import Licence

from .purchase_helpers import assert_ledger_balanced

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_buyer_buys_a_licence_through_the_sandbox_page(page, live_server, make_user, published_listing):
    make_user("studio", "buyer", password="a sturdy pass phrase 42")
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "studio")
    page.fill("input[name=password]", "a sturdy pass phrase 42")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector(".nav-user")

    page.goto(f"/listings/{published_listing.pk}/")
    for field in ("use_categories", "media", "territories"):
        page.locator(f'[data-field="{field}"] input[type=checkbox]').first.check()
    page.select_option('[data-field="duration_months"] select', "6")
    page.wait_for_function("document.getElementById('quote-total').dataset.minor === '750000'")
    page.click("#buy-licence")

    page.wait_for_selector("#checkout-total")
    assert page.get_attribute("#checkout-total", "data-minor") == "750000"
    page.check("#accept-terms")
    page.click("#confirm-purchase")

    page.wait_for_selector("#sandbox-pay-succeed")
    assert "7,500.00" in page.inner_text("#sandbox-amount")
    page.click("#sandbox-pay-succeed")

    page.wait_for_selector('#order-status[data-status="licensed"]', timeout=20_000)
    page.click("#licence-link")
    page.wait_for_selector("#receipt")
    licence = Licence.objects.get()
    assert re.search(r"FL-[0-9A-F]{16}", page.inner_text("h1")).group(0) == licence.reference
    assert "7,500.00" in page.inner_text("#receipt-held")
    assert page.get_attribute("#receipt-hold-status", "data-status") == "pending"
    assert page.inner_text("#receipt-hold-status") == "Held in escrow"
    assert_ledger_balanced()
