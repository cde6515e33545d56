"""Red lines and invitations, in headless Chromium: the seller ticks red lines on the terms page, the
buyer sees them at checkout and on the licence; the seller invites a buyer to an invitation-only
listing and the buyer's checkout opens."""

import pytest
from django.urls import reverse

from marketplace.access.models import ProjectRequest
from marketplace.models import Licence

from .test_browser_project_approval import _to_checkout
from .test_browser_revocation import PASSWORD, _login, _shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _seller_with_password(listing):
    seller = listing.seller
    seller.set_password(PASSWORD)
    seller.save(update_fields=["password"])
    return seller


def test_seller_adds_red_lines_and_the_buyer_sees_them_at_checkout_and_on_the_licence(
    page, make_user, published_listing
):
    make_user("studio", "buyer", password=PASSWORD)
    seller = _seller_with_password(published_listing)
    _login(page, seller.username)
    page.goto(f"/listings/{published_listing.pk}/terms/")
    page.check('#red-lines input[value="villain"]')
    page.check('#red-lines input[value="minors"]')
    page.click("#save-terms")
    page.wait_for_load_state()
    published_listing.refresh_from_db()
    assert published_listing.current_terms.red_lines == ["villain", "minors"]
    page.goto(f"/listings/{published_listing.pk}/terms/")
    assert page.is_checked('#red-lines input[value="villain"]')
    _shot(page, "terms-red-lines")

    _login(page, "studio")
    page.goto(f"/listings/{published_listing.pk}/")
    assert "Villain or antagonist roles" in page.inner_text("#red-lines")
    _shot(page, "listing-red-lines")
    _to_checkout(page, published_listing)
    lines = page.inner_text("#red-lines")
    assert "Villain or antagonist roles" in lines and "Content involving or aimed at minors" in lines
    _shot(page, "checkout-red-lines")
    page.check("#accept-terms")
    page.click("#confirm-purchase")
    page.click("#sandbox-pay-succeed")
    page.wait_for_selector('#order-status[data-status="licensed"]', timeout=20_000)
    page.click("#licence-link")
    page.wait_for_selector("#receipt")
    assert "Villain or antagonist roles" in page.inner_text("#red-lines")
    _shot(page, "licence-red-lines")
    licence = Licence.objects.get()
    page.goto(f"/licences/{licence.reference}/report/")
    page.wait_for_selector("#themes")
    _shot(page, "usage-report-themes")
    page.goto(reverse("marketplace:trust_verify", args=[licence.reference]))
    assert "Villain or antagonist roles" in page.inner_text("#trust-red-lines")
    _shot(page, "verify-red-lines")


def test_seller_invites_a_buyer_who_can_then_check_out(page, make_user, published_listing):
    make_user("studio", "buyer", password=PASSWORD)
    seller = _seller_with_password(published_listing)
    _login(page, seller.username)
    page.goto(f"/access/{published_listing.pk}/")
    page.check('input[name=mode][value="invitation"]')
    page.click("#access-form button[type=submit]")
    page.wait_for_selector("#invite-form")
    page.fill("#invite-form input[name=buyer]", "studio")
    page.fill("#invite-form input[name=title]", "Palace of Mirrors")
    page.fill("#invite-form input[name=role]", "The kind court physician")
    page.fill("#invite-form textarea[name=shots_planned]", "Ep. 1-3: close-ups in the herb garden.")
    page.click("#invite-buyer")
    page.wait_for_selector("#invitation-list")
    invitation = ProjectRequest.objects.get(invited=True)
    assert "Palace of Mirrors" in page.inner_text(f'[data-reference="{invitation.reference}"]')
    _shot(page, "access-invitations")

    _login(page, "studio")
    _to_checkout(page, published_listing)
    assert page.locator("#checkout-refused").count() == 0 and not page.is_disabled("#confirm-purchase")
    page.check("#accept-terms")
    page.click("#confirm-purchase")
    page.click("#sandbox-pay-succeed")
    page.wait_for_selector('#order-status[data-status="licensed"]', timeout=20_000)
    page.click("#licence-link")
    page.wait_for_selector("#licence-project")
    assert "The kind court physician" in page.inner_text("#licence-project")
    _shot(page, "licence-invited-project")
    licence = Licence.objects.get()
    page.goto(reverse("marketplace:trust_verify", args=[licence.reference]))
    assert "Palace of Mirrors" in page.inner_text("#verify-project")
    _shot(page, "verify-project")
