"""Headless Chromium walks the main pages under the site's Content-Security-Policy and fails on any
``securitypolicyviolation`` event or CSP console error: home, catalogue, listing, checkout (through the
sandbox payment to the order page), the seller's verification pages and the moderation pages."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def csp_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.add_init_script(COLLECT_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and page.console_errors.append(message.text)
        ),
    )
    yield page
    context.close()


def log_in(page, user, live_server) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def visit(page, url: str, seen: list[str]) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    seen.append(url)
    assert_clean(page)


def assert_clean(page) -> None:
    violations = page.evaluate("window.__cspViolations")
    assert not violations and not page.console_errors, (page.url, violations, page.console_errors)


def test_the_main_pages_raise_no_csp_violation(
    csp_page, live_server, make_user, published_listing, seller, moderator
):
    page, seen = csp_page, []
    for url in ("/", "/listings/", f"/listings/{published_listing.pk}/", "/tiers/", "/faq/"):
        visit(page, url, seen)

    log_in(page, make_user("csp_studio", "buyer"), live_server)
    visit(page, f"/listings/{published_listing.pk}/", seen)
    for field in ("use_categories", "media", "territories"):
        page.locator(f'[data-field="{field}"] input[type=checkbox]').first.check()
    page.select_option('[data-field="duration_months"] select', "6")
    # a selector, not wait_for_function: Playwright's polling evaluates strings, which the policy forbids
    page.wait_for_selector("#quote-total[data-minor]:not([data-minor=''])")
    page.click("#buy-licence")
    page.wait_for_selector("#checkout-total")
    assert_clean(page)
    page.check("#accept-terms")
    page.click("#confirm-purchase")
    page.wait_for_selector("#sandbox-pay-succeed")
    assert_clean(page)
    page.click("#sandbox-pay-succeed")
    page.wait_for_selector('#order-status[data-status="licensed"]', timeout=20_000)
    assert_clean(page)
    page.click("#licence-link")
    page.wait_for_selector("#receipt")
    assert_clean(page)
    with page.expect_navigation():  # the language menu's script, now a static file, submits the form
        page.select_option("#language-select", "zh-hans")
    assert page.evaluate("document.documentElement.lang").startswith("zh")
    assert_clean(page)

    log_in(page, seller, live_server)
    for url in ("/verification/", "/verification/consent/", "/verification/photos/", "/verification/status/"):
        visit(page, url, seen)

    log_in(page, moderator, live_server)
    for url in (
        "/moderation/",
        "/moderation/mine/",
        "/moderation/audit/",
        f"/moderation/report/{published_listing.pk}/",
    ):
        visit(page, url, seen)
    assert len(seen) == 14
