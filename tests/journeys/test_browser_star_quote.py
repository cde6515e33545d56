"""Journeys in headless Chromium, in English and in Chinese, on the demo data.

A visitor browses (home, catalogue, Chinese search, a listing, tiers, FAQ, terms), then a buyer asks
the Star listing for a quote, the seller answers, and the buyer, told by a notification, buys at the
quoted price and sees the licence and its escrow. Every page is checked for internal codes in the
visible text and for serious or critical axe-core violations.
"""

from __future__ import annotations

import pytest

from marketplace.demo import demo_load
from marketplace.models import Licence

from .page_checks import check_page, internal_codes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-pass-2026"
LANGUAGES = {"en": "en", "zh": "zh-hans"}


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DEBUG = True  # the demo loader refuses to run outside DEBUG
    result = demo_load()
    settings.DEBUG = False
    return result


def _context(browser, live_server, lang: str):
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 1100, "height": 900}
    )
    context.add_cookies([{"name": "django_language", "value": LANGUAGES[lang], "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def _log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector(".nav-user")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_visitor_browses_and_a_buyer_buys_a_star_licence_through_the_quote(browser, live_server, demo, lang):
    from listings.models import Listing

    codes = internal_codes()
    seen: list[str] = []
    star = Listing.objects.get(status="published", tier__slug="star")

    visitor_context, visitor = _context(browser, live_server, lang)
    visitor.goto("/")
    check_page(visitor, codes, seen)
    visitor.click("#nav-catalogue")
    check_page(visitor, codes, seen)
    visitor.goto("/listings/?q=演员")  # Chinese search finds the extras (群众演员) and the others
    assert visitor.locator(".listing-card").count() >= 1
    check_page(visitor, codes, seen)
    visitor.goto(f"/listings/{star.pk}/")
    assert visitor.locator("#login-to-ask").count() == 1
    check_page(visitor, codes, seen)
    for url in ("/tiers/", "/tiers/star/", "/faq/", "/terms/", "/no-such-page/"):
        visitor.goto(url)
        check_page(visitor, codes, seen)
    visitor_context.close()

    buyer_context, buyer = _context(browser, live_server, lang)
    _log_in(buyer, "demo_buyer")
    buyer.goto(f"/listings/{star.pk}/")
    for field in ("use_categories", "media", "territories"):
        buyer.locator(f'[data-field="{field}"] input[type=checkbox]').first.check()
    buyer.fill('[data-field="message"] textarea', "Ten episodes, romance, short-video apps")
    buyer.click("#ask-quote")
    buyer.wait_for_selector('#my-quotes .quote-request[data-status="open"]')
    check_page(buyer, codes, seen)

    seller_context, seller = _context(browser, live_server, lang)
    _log_in(seller, "demo_seller")
    assert seller.locator("#unread-count").count() == 1  # told of the request
    seller.goto("/listings/dashboard/")
    check_page(seller, codes, seen)
    seller.locator(".quote-request input[name=amount]").first.fill("25000")
    seller.locator(".quote-request button[type=submit]").first.click()
    seller.wait_for_load_state()
    seller_context.close()

    buyer.goto("/notifications/")
    assert buyer.locator('#notifications li[data-kind="quote_answered"]').count() == 1
    check_page(buyer, codes, seen)
    buyer.locator('#notifications li[data-kind="quote_answered"] a').click()
    buyer.wait_for_selector('#my-quotes .quote-request[data-status="quoted"]')
    assert "25,000.00" in buyer.inner_text("#my-quotes .quoted-price")
    check_page(buyer, codes, seen)
    buyer.click("#my-quotes .buy-quote")
    buyer.wait_for_selector("#checkout-total")
    assert buyer.get_attribute("#checkout-total", "data-minor") == "2500000"
    check_page(buyer, codes, seen)
    buyer.check("#accept-terms")
    buyer.click("#confirm-purchase")
    buyer.wait_for_selector("#sandbox-pay-succeed")
    buyer.click("#sandbox-pay-succeed")
    buyer.wait_for_selector('#order-status[data-status="licensed"]', timeout=30_000)
    check_page(buyer, codes, seen)
    buyer.click("#licence-link")
    buyer.wait_for_selector("#receipt")
    check_page(buyer, codes, seen)
    licence = Licence.objects.get(listing=star)
    assert licence.amount_minor == 2_500_000
    assert buyer.get_attribute("#receipt-hold-status", "data-status") == "pending"
    escrow = buyer.request.get(f"/api/v1/licences/{licence.reference}/escrow/")
    assert escrow.status == 200 and escrow.json()["status"] == "pending"
    buyer_context.close()
    assert len(seen) >= 14
