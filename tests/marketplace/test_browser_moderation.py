"""A moderator takes a stolen face down in headless Chromium: queue -> case with its evidence -> take down;
the listing leaves the catalogue, the buyer's held payment is refunded and the face-index flag is closed."""

import pytest
from django.db import transaction

from listings.services import portfolio_photo_add
from marketplace.models import ModerationCase
from marketplace.moderation.state import CaseSource, CaseStatus
from marketplace.services import moderation_cases_sync_from_verification
from payouts.models import Refund
from payouts.selectors import hold_status
from tests.listings.conftest import photo_bytes

from .moderation_helpers import buy, face_match_flag
from .purchase_helpers import assert_ledger_balanced

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a sturdy pass phrase 42"


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector(".nav-user")


@pytest.fixture
def stolen_face_case(published_listing, make_user, tmp_media):
    """A listed face that the face index says is another verified seller's, with one buyer's money held."""
    thief = published_listing.seller
    with transaction.atomic():  # the watermarked preview renders on commit
        portfolio_photo_add(user=thief, data=photo_bytes())
    real_person = make_user("real_person", "seller")
    flag = face_match_flag(subject=thief, matched=real_person, score=0.31)
    buyer = make_user("studio", "buyer", password=PASSWORD)
    licence = buy(buyer, published_listing, None)
    assert moderation_cases_sync_from_verification() == 1
    case = ModerationCase.objects.get(source=CaseSource.FACE_INDEX)
    assert case.listing_id == published_listing.pk
    return case, flag, licence, buyer


def test_moderator_sees_the_evidence_takes_the_face_down_and_the_buyer_is_refunded(
    page, browser, live_server, make_user, published_listing, stolen_face_case
):
    case, flag, licence, buyer = stolen_face_case
    held = hold_status(reference=licence.reference).releasable
    assert held.amount > 0

    # the buyer sees the listing in the catalogue before
    buyer_context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="en-US")
    buyer_page = buyer_context.new_page()
    buyer_page.set_default_timeout(15_000)
    log_in(buyer_page, buyer.username)
    buyer_page.goto("/listings/")
    assert published_listing.title in buyer_page.inner_text("main")

    make_user("mod", "moderator", password=PASSWORD)
    log_in(page, "mod")
    page.click('nav a[href="/moderation/"]')
    page.wait_for_selector("#moderation-queue")
    row = page.locator("#moderation-queue tr.case", has_text=published_listing.title)
    assert row.count() == 1
    assert "High" in row.inner_text()
    row.locator("a").click()

    # the evidence side by side: the watermarked preview, the score against the threshold, the seller
    page.wait_for_selector("#evidence")
    preview = page.locator('#evidence img[alt="Listing preview"]').first
    preview.wait_for()
    page.wait_for_function(
        "document.querySelector('#evidence img').complete "
        "&& document.querySelector('#evidence img').naturalWidth > 0"
    )
    scores = page.inner_text("#scores")
    assert "0.31" in scores and "0.55" in scores and "euclidean" in scores
    assert published_listing.seller.username in page.inner_text("#seller-history")

    page.select_option("#case-act select[name=action]", "take_down")
    page.fill("#case-act textarea[name=reason]", "The face belongs to another verified seller")
    page.check("#case-confirm")  # a takedown refunds buyers: the page asks for a confirmation
    with page.expect_navigation():
        page.click("#case-act button[type=submit]")
    page.wait_for_selector("#case-status")
    assert "Listing taken down" in page.inner_text("#case-status")

    # gone from the catalogue for the buyer; its page is gone too
    buyer_page.goto("/listings/")
    assert published_listing.title not in buyer_page.inner_text("main")
    response = buyer_page.goto(f"/listings/{published_listing.pk}/")
    assert response.status == 404
    buyer_context.close()

    case.refresh_from_db()
    flag.refresh_from_db()
    assert case.status == CaseStatus.TAKEN_DOWN
    assert flag.status == "confirmed" and flag.reviewed_by.username == "mod"
    refund = Refund.objects.get(reference=licence.reference)
    assert (refund.amount, refund.currency) == (held.amount, held.currency)
    assert hold_status(reference=licence.reference).status == "voided"
    assert_ledger_balanced()
