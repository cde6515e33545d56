"""Journeys after a sale, in headless Chromium, in English and Chinese, on the demo data.

(b) The buyer files a usage report with stills of the licensed face, the seller approves it, and the
earnings page shows the sale price, the platform's commission and the seller's share.
(c) A moderator handles a held verification (a newcomer whose face matched a verified seller: the
moderator clears it) and a stolen-face case (the demo seller's listed face matched another verified
seller's: taken down).
Every page is checked for internal codes in the visible text and for serious axe-core violations.
"""

from __future__ import annotations

import pytest

from kernel.money import Money
from marketplace.models import ModerationCase, UsageReport
from marketplace.moderation.state import CaseSource, CaseStatus
from marketplace.services import moderation_cases_sync_from_verification
from payouts.conf import payouts_settings
from payouts.services import commission_split
from tests.marketplace.moderation_helpers import face_match_flag
from tests.marketplace.usage_helpers import licensed

from .journey_helpers import person
from .page_checks import check_page, internal_codes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEWCOMER_PASSWORD = "correct horse battery staple"  # make_user's default
CLIP = "tests/data/faces/video_frames/frame_094.jpg"  # the demo seller's face, from the shipped clip


def _demo_users():
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(username__startswith="demo_")
    return {user.username: user for user in users}


def _sellable_listing(seller):
    from listings.models import Listing

    return Listing.objects.filter(seller=seller, status="published").exclude(tier__slug="star").first()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_buyer_reports_a_use_seller_approves_and_earnings_show_price_commission_and_share(
    browser, live_server, demo, lang, django_capture_on_commit_callbacks
):
    codes, seen = internal_codes(), []
    users = _demo_users()
    listing = _sellable_listing(users["demo_seller"])
    licence = licensed(users["demo_buyer"], listing, django_capture_on_commit_callbacks)

    buyer_context, buyer = person(browser, live_server, lang, "demo_buyer")
    buyer.goto(f"/licences/{licence.reference}/")
    check_page(buyer, codes, seen)
    buyer.click("#report-use-link")
    buyer.wait_for_selector("#usage-report-form")
    check_page(buyer, codes, seen)
    # the form comes filled from the licence: only what the licence cannot know is typed
    assert buyer.input_value("select[name=use_category]") == licence.scope["use_categories"][0]
    for code in licence.scope["media"]:
        assert buyer.is_checked(f'input[name=media][value="{code}"]')
    buyer.fill("input[name=production_title]", "Palace of Mirrors")
    buyer.fill("input[name=episodes]", "1-3")
    buyer.fill("textarea[name=shot_list]", "1 00:01:02 00:01:09 close-up")
    buyer.fill("input[name=reach_views]", "50000")
    buyer.fill("input[name=first_used_on]", licence.starts_at.date().isoformat())
    buyer.check("input[name=no_training_statement]")
    buyer.set_input_files("input[name=stills]", [CLIP])
    buyer.click("#file-report")
    # in scope with stills of the licensed face: the seller may approve now, or the window approves it
    buyer.wait_for_selector('#report-status[data-status="review_window"]', timeout=60_000)
    check_page(buyer, codes, seen)
    report = UsageReport.objects.get(licence=licence)
    buyer_context.close()

    seller_context, seller = person(browser, live_server, lang, "demo_seller")
    seller.goto("/usage/")
    check_page(seller, codes, seen)
    seller.click(f'#review-queue a:has-text("{report.reference}")')
    seller.wait_for_selector("#licensed-scope")
    check_page(seller, codes, seen)
    seller.fill("#decide textarea[name=note]", "Fine by me")
    seller.click("#approve-report")
    seller.wait_for_selector('#report-status[data-status="approved"]')
    check_page(seller, codes, seen)

    seller.goto("/payouts/earnings/")
    check_page(seller, codes, seen)
    commission, share = commission_split(licence.amount, int(payouts_settings.PLATFORM_COMMISSION_BPS))
    row = seller.locator("#earnings-releases tbody tr", has_text=licence.reference)
    cells = row.locator("td").all_inner_texts()
    locale = "en" if lang == "en" else "zh-hans"
    assert licence.amount.format(locale) in cells and share.format(locale) in cells, cells
    assert commission.format(locale) in cells and commission.amount > 0
    assert Money(commission.amount + share.amount, licence.currency) == licence.amount
    seller_context.close()
    assert len(seen) == 7


@pytest.fixture
def held_and_stolen(demo, make_user):
    """Two face-index flags as verification's decision writes them: a held newcomer, a stolen face."""
    users = _demo_users()
    newcomer = make_user("newcomer", "seller")
    held = face_match_flag(subject=newcomer, matched=users["demo_seller"], score=0.28)
    real_person = make_user("real_person", "seller")
    stolen = face_match_flag(subject=users["demo_seller"], matched=real_person, score=0.31)
    assert moderation_cases_sync_from_verification() == 2
    cases = ModerationCase.objects.filter(source=CaseSource.FACE_INDEX)
    return cases.get(source_ref=f"flag:{held.pk}"), cases.get(source_ref=f"flag:{stolen.pk}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_moderator_clears_a_held_verification_and_takes_a_stolen_face_down(
    browser, live_server, held_and_stolen, lang
):
    codes, seen = internal_codes(), []
    held_case, stolen_case = held_and_stolen
    # the held newcomer is told what happens next, on the verification page and the result page
    newcomer_context, newcomer = person(browser, live_server, lang, "newcomer", NEWCOMER_PASSWORD)
    for url in ("/verification/", "/verification/status/"):
        newcomer.goto(url)
        assert newcomer.locator("#held-next li").count() == 3 and newcomer.locator("#start").count() == 0
        check_page(newcomer, codes, seen)
    newcomer_context.close()
    context, moderator = person(browser, live_server, lang, "demo_moderator")
    moderator.goto("/moderation/")
    moderator.wait_for_selector("#moderation-queue")
    check_page(moderator, codes, seen)

    moderator.goto(f"/moderation/cases/{held_case.pk}/")
    moderator.wait_for_selector("#evidence")
    check_page(moderator, codes, seen)
    moderator.select_option("#case-act select[name=action]", "dismiss")
    moderator.fill("#case-act textarea[name=reason]", "Look-alikes: two different people")
    with moderator.expect_navigation():
        moderator.click("#case-act button[type=submit]")
    moderator.wait_for_selector("#case-status")
    check_page(moderator, codes, seen)

    moderator.goto(f"/moderation/cases/{stolen_case.pk}/")
    moderator.wait_for_selector("#evidence")
    check_page(moderator, codes, seen)
    moderator.select_option("#case-act select[name=action]", "take_down")
    moderator.fill("#case-act textarea[name=reason]", "The face belongs to another verified seller")
    moderator.check("#case-confirm")
    with moderator.expect_navigation():
        moderator.click("#case-act button[type=submit]")
    moderator.wait_for_selector("#case-status")
    check_page(moderator, codes, seen)
    moderator.goto("/moderation/audit/")
    check_page(moderator, codes, seen)
    context.close()

    held_case.refresh_from_db()
    stolen_case.refresh_from_db()
    assert (held_case.status, stolen_case.status) == (CaseStatus.DISMISSED, CaseStatus.TAKEN_DOWN)
    assert len(seen) == 8
