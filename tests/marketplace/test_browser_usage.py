"""The whole usage loop in headless Chromium: the buyer files a report with stills of the licensed face,
the seller reviews the evidence side by side and approves, the earnings page shows the released money."""

import pytest

from kernel.money import Money
from marketplace.models import UsageReport
from marketplace.usage.state import UsageReportStatus
from payouts.conf import payouts_settings
from payouts.selectors import hold_status
from payouts.services import commission_split

from .purchase_helpers import assert_ledger_balanced
from .usage_helpers import FACES, enroll_face, licensed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a sturdy pass phrase 42"


def _login(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector(".nav-user")


def test_buyer_reports_with_stills_seller_approves_and_earnings_show_the_release(
    page, live_server, make_user, published_listing, django_capture_on_commit_callbacks
):
    buyer = make_user("studio", "buyer", password=PASSWORD)
    seller = published_listing.seller
    seller.set_password(PASSWORD)
    seller.save(update_fields=["password"])
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    enroll_face(seller, "obama.jpg")  # the licensed face, from a real photo: the identity check needs it
    assert hold_status(reference=licence.reference).status == "pending"

    # the buyer files the report on the page, with two real stills of the licensed face
    _login(page, "studio")
    page.goto(f"/licences/{licence.reference}/report/")
    page.fill("input[name=production_title]", "Palace of Mirrors")
    page.fill("input[name=episodes]", "1-3")
    page.fill("textarea[name=shot_list]", "1 00:01:02 00:01:09 close-up\n2 00:03:00 00:03:04 walks in")
    page.select_option("select[name=use_category]", licence.scope["use_categories"][0])
    for code in licence.scope["media"]:
        page.check(f'input[name=media][value="{code}"]')
    for code in licence.scope["territories"]:
        page.check(f'input[name=territories][value="{code}"]')
    page.fill("input[name=platforms]", "Douyin")
    page.fill("input[name=reach_views]", "50000")
    page.select_option("select[name=monetisation]", licence.scope["monetisation"])
    page.fill("input[name=first_used_on]", licence.starts_at.date().isoformat())
    page.check("input[name=no_training_statement]")
    page.set_input_files("input[name=stills]", [str(FACES / "obama2.jpg"), str(FACES / "obama.jpg")])
    page.click("#file-report")

    page.wait_for_selector('#report-status[data-status="awaiting_seller"]', timeout=60_000)
    report = UsageReport.objects.get(licence=licence)
    assert report.stills.count() == 2
    assert all(s.identity_matched for s in report.stills.all()), report.checks
    assert report.checks["in_scope"] is True
    assert hold_status(reference=licence.reference).status == "pending"  # nothing left before approval

    # the seller opens the review queue and sees the licensed scope, the report and the stills side by side
    _login(page, seller.username)
    page.goto("/usage/")
    page.click(f'#review-queue a:has-text("{report.reference}")')
    page.wait_for_selector("#licensed-scope")
    assert page.locator("#reported-use").is_visible()
    assert "Palace of Mirrors" in page.inner_text("#reported-use")
    stills = page.locator("#stills img")
    assert stills.count() == 2
    page.wait_for_function(
        "[...document.querySelectorAll('#stills img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    assert "shows the licensed face" in page.inner_text("#stills")  # the check in words, not its code
    page.fill("#decide textarea[name=note]", "Fine by me")
    page.click("#approve-report")
    page.wait_for_selector('#report-status[data-status="approved"]')

    report.refresh_from_db()
    assert report.status == UsageReportStatus.APPROVED and report.released_at is not None
    assert hold_status(reference=licence.reference).status == "released"

    # the earnings page: the seller's part after commission, released and waiting for transfer
    _commission, share = commission_split(licence.amount, int(payouts_settings.PLATFORM_COMMISSION_BPS))
    assert 0 < share.amount < licence.amount_minor
    page.goto("/payouts/earnings/")
    card = page.locator(f'#earnings-summary [data-currency="{licence.currency}"]')
    assert card.locator(".earnings-releasable").inner_text() == share.format("en")
    assert card.locator(".earnings-held").inner_text() == Money.zero(licence.currency).format("en")
    assert_ledger_balanced()
