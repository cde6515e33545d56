"""Keyboard only: a seller logs in and fills the seller profile form with Tab, typing, Space and Enter.

Each Tab must land on the next field of the form in reading order, and the focused field must show
a visible focus indicator (an outline or a box shadow): without a mouse, that is where you are.
"""

from __future__ import annotations

import pytest

from .journey_helpers import LANGUAGES
from .page_checks import check_page, internal_codes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a sturdy pass phrase 42"

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const ring = outline || style.boxShadow !== "none";
  return {name: el.name || el.id || el.tagName, type: el.type || "", ring: ring};
}"""


def _tab_to(page, name: str, limit: int = 40) -> dict:
    """Press Tab until the field ``name`` has the focus; fail if it never comes (not reachable)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["name"] == name:
            assert focused["ring"], f"{name} has no visible focus indicator"
            return focused
    raise AssertionError(f"{name} cannot be reached with Tab")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_seller_logs_in_and_saves_the_profile_with_the_keyboard_only(browser, live_server, make_user, lang):
    from listings.models import SellerProfile

    make_user("keyboard_seller", "seller", password=PASSWORD)
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 1100, "height": 900}
    )
    context.add_cookies([{"name": "django_language", "value": LANGUAGES[lang], "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    codes, seen = internal_codes(), []

    page.goto("/accounts/login/")
    _tab_to(page, "username")
    page.keyboard.type("keyboard_seller")
    _tab_to(page, "password")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector(".nav-user")

    page.goto("/listings/profile/")
    check_page(page, codes, seen)
    _tab_to(page, "display_name")
    page.keyboard.type("Mei Lin")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["name"] == "bio"  # the next field in reading order, not elsewhere
    page.keyboard.type("Calm, warm, 30s")
    _tab_to(page, "languages")
    page.keyboard.press("Space")
    _tab_to(page, "tags")
    page.keyboard.type("smile, short hair")
    _tab_to(page, "save_profile")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page, codes, seen)
    context.close()

    profile = SellerProfile.objects.get(user__username="keyboard_seller")
    assert profile.display_name == "Mei Lin" and profile.bio == "Calm, warm, 30s"
    assert len(profile.languages) == 1
