"""A buyer searches, filters by tier and use category, opens a listing and gets a live quote (Chromium)."""

import pytest

from listings.services import listing_publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a sturdy pass phrase 42"


@pytest.fixture
def shop(make_user, faces, make_listing, make_profile):
    listings = {}
    for key, tier, template, price, title in [
        ("general", "lead", "lead-drama-advertising", 1_500_000, "Stern general for historical epics"),
        ("extra", "extra", "extra-short-drama", 10_000, "General crowd extra"),
        ("city", "featured", "featured-drama-social", 100_000, "Bright city smile"),
    ]:
        user = make_user(f"seller_{key}", "seller")
        faces.verify(user)
        make_profile(user, display_name=f"{key.title()} Person")
        listings[key] = listing_publish(
            listing=make_listing(user, tier=tier, template=template, price=price, title=title), actor=user
        )
    return listings


def test_buyer_searches_filters_opens_and_gets_a_quote(page, shop, make_user):
    make_user("studio", "buyer", password=PASSWORD)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "studio")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector(".nav-user")

    page.goto("/listings/")
    assert page.locator(".listing-card").count() == 3
    page.fill("#id_q", "general")
    page.check("input[name=tier][value=lead]")
    page.check("input[name=use_categories][value=advertising]")
    with page.expect_navigation():
        page.click("#catalogue-search")
    cards = page.locator(".listing-card")
    assert cards.count() == 1
    assert cards.first.get_attribute("data-tier") == "lead"
    assert page.is_checked("input[name=use_categories][value=advertising]")

    with page.expect_navigation():
        page.click(".listing-link")
    assert page.inner_text("#listing-title") == "Stern general for historical epics"
    total = page.locator("#quote-total")
    # the narrowest scope for a year: 15,000 yuan
    page.wait_for_function("document.getElementById('quote-total').dataset.minor === '1500000'")
    assert total.inner_text() == "CN¥15,000.00"

    page.select_option("select[name=duration_months]", "6")
    page.select_option("select[name=reach_band]", "up_to_10m")
    page.check("input[name=media][value=cinema]")
    # 15,000 x 6/12 = 7,500; x2.00 (1-10 million views) = 15,000; media cinema x2.00 + one more x0.25 = 33,750
    page.wait_for_function("document.getElementById('quote-total').dataset.minor === '3375000'")
    assert total.inner_text() == "CN¥33,750.00"
    rows = page.locator("#quote-lines tr")
    assert rows.count() == 6
    assert "Duration: 6 of 12 months" in rows.nth(1).inner_text()

    page.uncheck("input[name=use_categories][value=drama_romance]")
    page.wait_for_selector("#quote-errors:not([hidden])")
    assert "use_categories" in page.get_attribute("#quote-errors", "data-fields")  # for scripts, not people
    assert "use_categories" not in page.inner_text("#quote-errors") and page.inner_text("#quote-errors")
