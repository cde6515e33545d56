"""In a real browser: the public verify page (English and Chinese) and the buyer's printable certificate.

Set ``TRUST_SCREENSHOTS=<dir>`` to keep screenshots of each page in both languages.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def shot(page, name: str) -> None:
    folder = os.environ.get("TRUST_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def switch_to_chinese(page) -> None:
    page.select_option("#language-select", "zh-hans")
    page.wait_for_selector('html[lang="zh-hans"]')


def test_verify_page_and_certificate_in_both_languages(page, licence, platform):
    page.goto(f"/verify/{licence.reference}")
    assert page.get_attribute("#verify-result", "data-valid") == "true"
    assert "Valid now" in page.inner_text("#verify-status")
    shot(page, "verify-en")
    switch_to_chinese(page)
    assert "当前有效" in page.inner_text("#verify-status")
    shot(page, "verify-zh")

    page.goto("/accounts/login/")
    page.fill("input[name=username]", licence.buyer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector(".nav-user")
    page.goto(f"/licences/{licence.reference}/")
    shot(page, "licence-zh")
    page.click("#licence-certificate-link")
    page.wait_for_selector("#certificate-qr svg")
    assert "肖像授权证书" in page.inner_text("#certificate")
    shot(page, "certificate-zh")
    page.emulate_media(media="print")
    assert not page.is_visible(".topbar")  # the print stylesheet hides the site's chrome
    shot(page, "certificate-print-zh")
    page.emulate_media(media="screen")
    page.goto(f"/licences/{licence.reference}/labels/")
    shot(page, "labels-zh")
    page.select_option("#language-select", "en")
    page.wait_for_selector('html[lang="en"]')
    shot(page, "labels-en")
    page.goto(f"/licences/{licence.reference}/certificate/")
    shot(page, "certificate-en")


def test_the_seller_reads_who_checked_their_face(page, licence, platform):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(platform)
    scope = licence.scope
    for category in (scope["use_categories"][0], "games"):
        body = {
            "reference": licence.reference,
            "use_category": category,
            "medium": scope["media"][0],
            "territory": scope["territories"][0],
        }
        assert client.post("/api/v1/consent-checks/", body, format="json").status_code == 200
    page.goto("/accounts/login/")
    page.fill("input[name=username]", licence.seller.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector(".nav-user")
    page.goto("/trust/checks/")
    rows = page.locator("#consent-checks tr")
    assert rows.count() == 3
    assert "Outside the licence: use category" in page.inner_text("#consent-checks")
    shot(page, "checks-en")
    switch_to_chinese(page)
    assert "超出授权范围：用途类别" in page.inner_text("#consent-checks")
    shot(page, "checks-zh")
