"""Who may use my face, in headless Chromium: a buyer of an "approved buyers" listing cannot check out
before approval; they describe the project, the seller approves it, then the checkout goes ahead."""

import pytest

from marketplace.access.models import ProjectRequest
from marketplace.access.services import listing_access_set
from marketplace.models import Order

from .test_browser_revocation import PASSWORD, _login, _shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _to_checkout(page, listing) -> None:
    page.goto(f"/listings/{listing.pk}/")
    for field in ("use_categories", "media", "territories"):
        page.locator(f'[data-field="{field}"] input[type=checkbox]').first.check()
    page.select_option('[data-field="duration_months"] select', "6")
    page.wait_for_function("document.getElementById('quote-total').dataset.minor === '750000'")
    page.click("#buy-licence")
    page.wait_for_selector("#checkout-total")


def test_buyer_waits_for_the_sellers_approval_before_checkout(page, make_user, published_listing):
    make_user("studio", "buyer", password=PASSWORD)
    seller = published_listing.seller
    seller.set_password(PASSWORD)
    seller.save(update_fields=["password"])
    listing_access_set(seller=seller, listing=published_listing, mode="approved", decision_days=3)

    _login(page, "studio")
    _to_checkout(page, published_listing)
    assert page.get_attribute("#checkout-refused", "data-code") == "approval_required"
    assert page.is_disabled("#confirm-purchase")
    _shot(page, "checkout-approval-required")
    page.click("#project-request-link")
    page.fill("input[name=title]", "Palace of Mirrors")
    page.fill("input[name=genre]", "Period drama")
    page.fill("input[name=role]", "The kind court physician")
    page.fill("textarea[name=synopsis]", "A palace intrigue told over 40 short episodes.")
    page.fill("textarea[name=shots_planned]", "Ep. 1-3: close-ups in the herb garden; no stunts.")
    page.click("#send-project-request")
    page.wait_for_selector("#request-pending")
    request = ProjectRequest.objects.get()
    assert request.status == "pending"

    _login(page, seller.username)
    page.goto("/access/requests/")
    assert "The kind court physician" in page.inner_text(f"#request-{request.reference}")
    _shot(page, "project-requests")
    page.click(f"#request-{request.reference} .approve-request")
    page.wait_for_selector(f'#request-{request.reference}[data-status="approved"]')

    _login(page, "studio")
    page.goto(f"/access/{published_listing.pk}/request/")
    page.click("#go-to-checkout")
    page.wait_for_load_state()
    _to_checkout(page, published_listing)
    assert page.locator("#checkout-refused").count() == 0
    page.check("#accept-terms")
    page.click("#confirm-purchase")
    page.wait_for_selector("#sandbox-pay-succeed")
    assert Order.objects.filter(listing=published_listing).count() == 1
