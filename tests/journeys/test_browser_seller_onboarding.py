"""Journey (a) in headless Chromium, in English and Chinese: a person signs up as a seller, makes a
profile, verifies their face on the webcam page (Chromium's fake camera plays the real clip), uploads a
portfolio photo, creates a listing from a terms template and publishes it.

No demo data here: the demo seller is the clip's performer, so a second enrollment of the same face
would (rightly) be held as a duplicate. The tiers and terms templates come from their seed migration.
Test-only hook, as in tests/verification/test_browser_liveness.py: the clip is a recording and cannot
follow random actions, so ``guided_next_action`` follows the clip's real order; the test plays the
Celery worker and runs the queued decision itself.
"""

from __future__ import annotations

import cv2
import pytest
from django.db import connections

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.verification.conftest import CLIP_ACTIONS, CLIP_FRAMES_DIR, CLIP_START
from tests.verification.test_browser_liveness import (
    FPS,
    LEAD_IN_SECONDS,
    REFERENCE_FRAME,
    TAIL_SECONDS,
    write_y4m,
)

from .journey_helpers import LANGUAGES
from .page_checks import check_page, internal_codes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.faces,
    pytest.mark.django_db(transaction=True),
]
PASSWORD = "a sturdy pass phrase 42"
PORTFOLIO_PHOTO = CLIP_FRAMES_DIR.parent / "people" / "lin_manuel_miranda.jpg"


@pytest.fixture(scope="module")
def camera_browser(playwright_driver, tmp_path_factory):
    """One browser for this module's journeys: the fake camera is a launch flag."""
    paths = sorted(CLIP_FRAMES_DIR.glob("frame_*.jpg"))[CLIP_START:]
    motion = [cv2.imread(str(p)) for p in paths]
    frames = [motion[1]] * int(LEAD_IN_SECONDS * FPS) + motion + [motion[-1]] * int(TAIL_SECONDS * FPS)
    clip = tmp_path_factory.mktemp("camera") / "clip.y4m"
    write_y4m(clip, frames, FPS)
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={clip}",
    ]
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=args)
    yield browser
    browser.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_seller_signs_up_verifies_and_publishes_a_listing(
    camera_browser, live_server, lang, monkeypatch, settings, tmp_path
):
    from listings.models import Listing
    from verification import tasks
    from verification.selectors import seller_is_verified
    from verification.services import guided

    settings.MEDIA_ROOT = str(tmp_path / "media")
    monkeypatch.setattr(guided, "guided_next_action", lambda issued, rng: CLIP_ACTIONS[len(issued)])
    queued: list[int] = []
    monkeypatch.setattr(tasks.enrollment_decide_task, "delay", queued.append)
    codes, seen = internal_codes(), []
    context = camera_browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 1100, "height": 900}
    )
    context.add_cookies([{"name": "django_language", "value": LANGUAGES[lang], "url": live_server.url}])
    context.grant_permissions(["camera"])
    page = context.new_page()
    page.set_default_timeout(30_000)

    page.goto("/accounts/signup/")
    check_page(page, codes, seen)
    page.check("input[name=role][value=seller]")
    page.fill("input[name=username]", "meilin")
    page.fill("input[name=email]", "meilin@example.test")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("#signup-form button[type=submit]")
    page.wait_for_selector(".nav-user")

    page.goto("/listings/profile/")
    check_page(page, codes, seen)
    page.fill("input[name=display_name]", "Mei Lin")
    page.click("#profile-form button[type=submit]")
    page.wait_for_load_state()

    page.goto("/verification/")
    check_page(page, codes, seen)
    page.click("#start")
    page.wait_for_selector("#consent-form")
    check_page(page, codes, seen)
    page.check("#agree")
    page.click("#accept")
    page.wait_for_selector("#photo-form")
    page.set_input_files("#photo", str(PORTFOLIO_PHOTO))
    page.click("#upload")
    page.wait_for_selector('#photo-count[data-count="1"]')
    page.set_input_files("#photo", str(CLIP_FRAMES_DIR / REFERENCE_FRAME))
    page.click("#upload")
    page.wait_for_selector('#photo-count[data-count="2"]')
    check_page(page, codes, seen)
    # the seller sees their photos before the decision and takes the first one back
    assert page.locator("#reference-photos img").count() == 2
    page.locator("#reference-photos .remove-photo").first.click()
    page.wait_for_selector('#photo-count[data-count="1"]')
    page.click("#to-camera")
    page.wait_for_selector("#start-check")
    check_page(page, codes, seen)
    page.click("#start-check")
    page.wait_for_url("**/verification/status/", timeout=60_000)
    assert len(queued) == 1
    tasks.enrollment_decide_task.apply(args=[queued[0]])
    page.wait_for_selector("#verdict-text", timeout=30_000)
    check_page(page, codes, seen)
    from django.contrib.auth import get_user_model

    seller = get_user_model().objects.get(username="meilin")
    assert seller_is_verified(seller)

    page.goto("/listings/profile/")
    page.set_input_files("#photo-form input[type=file]", str(PORTFOLIO_PHOTO))
    page.click("#photo-form button[name=upload_photo]")
    page.wait_for_selector(".photos figure")
    check_page(page, codes, seen)

    page.goto("/listings/new/")
    check_page(page, codes, seen)
    page.fill("input[name=title]", "Mei Lin, featured in dramas")
    page.select_option(
        "select[name=tier]", label=page.locator("select[name=tier] option").nth(1).inner_text()
    )
    page.select_option("select[name=template]", index=1)
    page.fill("input[name=annual_price]", "3000")
    page.click("#listing-form button[type=submit]")
    page.wait_for_selector("#terms-form")
    check_page(page, codes, seen)
    page.goto("/listings/dashboard/")
    check_page(page, codes, seen)
    page.click("button.publish")
    page.wait_for_load_state()
    check_page(page, codes, seen)
    listing = Listing.objects.get(seller=seller)
    assert listing.status == "published"
    page.goto(f"/listings/{listing.pk}/")
    check_page(page, codes, seen)
    context.close()
    connections.close_all()
    assert len(seen) == 13
