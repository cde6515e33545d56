"""What the journeys share: a browser context per person in a language, logging in."""

from __future__ import annotations

from marketplace.demo import DEMO_PASSWORD

LANGUAGES = {"en": "en", "zh": "zh-hans"}


def person(browser, live_server, lang: str, username: str | None = None, password: str = DEMO_PASSWORD):
    """A fresh context (one person's cookies) showing pages in ``lang``; logged in if ``username``."""
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 1100, "height": 900}
    )
    context.add_cookies([{"name": "django_language", "value": LANGUAGES[lang], "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    if username:
        log_in(page, username, password)
    return context, page


def log_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector(".nav-user")
