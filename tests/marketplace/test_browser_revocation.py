"""Revocation in headless Chromium: the seller revokes a listing's licences with a reason, the buyer
then sees the notice with its end date and refund, and after the effective date the refund made."""

import os

import pytest

from marketplace.models import Revocation
from marketplace.services import revocations_apply
from payouts.models import Refund

from .test_revocation_api import expected_refund
from .usage_helpers import licensed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a sturdy pass phrase 42"
SHOTS = os.environ.get("FM_SCREENSHOTS", "")


def _login(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector(".nav-user")


def _shot(page, name: str) -> None:
    if SHOTS:  # screenshots for a person to look at, in English and in Chinese
        page.screenshot(path=f"{SHOTS}/{name}-en.png", full_page=True)
        page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": page.url}])
        page.reload()
        page.screenshot(path=f"{SHOTS}/{name}-zh.png", full_page=True)
        page.context.clear_cookies(name="django_language")
        page.reload()


def test_seller_revokes_and_the_buyer_sees_the_notice_and_the_refund(
    page, make_user, published_listing, django_capture_on_commit_callbacks
):
    buyer = make_user("studio", "buyer", password=PASSWORD)
    seller = published_listing.seller
    seller.set_password(PASSWORD)
    seller.save(update_fields=["password"])
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)

    _login(page, seller.username)
    page.goto(f"/licences/{licence.reference}/")
    page.click("#revoke-link")
    page.wait_for_selector("#revocation-preview")
    assert licence.reference in page.inner_text("#revocation-preview")
    _shot(page, "revocation-new")
    page.click("#revocation-confirm")  # no reason: the browser's own check keeps the form
    assert not Revocation.objects.exists()
    page.fill("textarea[name=reason]", "I have retired from acting")
    page.click("#revocation-confirm")
    page.wait_for_selector('#revocation-status[data-status="notice"]')
    revocation = Revocation.objects.get()
    due = expected_refund(licence.amount_minor, licence.starts_at, licence.ends_at, revocation.effective_at)
    assert revocation.effective_at.date().isoformat() in page.inner_text("#revocation-effective")
    _shot(page, "revocation-detail-seller")

    _login(page, buyer.username)
    page.goto("/notifications/")
    assert licence.reference in page.inner_text("main")
    page.goto(f"/licences/{licence.reference}/")
    notice = page.inner_text("#revocation-notice")
    assert revocation.effective_at.date().isoformat() in notice
    assert page.get_attribute("#revocation-notice", "data-effective") == "0"
    shown_due = page.inner_text("#revocation-refund")
    _shot(page, "licence-revocation-notice")

    revocations_apply(now=revocation.effective_at)  # the periodic task, at the effective date
    assert Refund.objects.get(reference=licence.reference).amount == due
    page.reload()
    assert page.get_attribute("#revocation-notice", "data-effective") == "1"
    assert page.inner_text("#revocation-refund") == shown_due  # the refund made is the one announced
    assert page.get_attribute("#licence-status", "data-status") == "revoked"
    _shot(page, "licence-revoked")
