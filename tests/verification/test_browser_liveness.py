"""The webcam page end to end in headless Chromium, its camera fed from the real clip.

Chromium's fake capture device plays a Y4M file written here from tests/data/faces/video_frames (the
real clip, about 10 frames a second): a still lead-in, the performer's real head motion (right, left,
right), then a still tail so the file's loop never restarts the motion inside the capture window.

The page runs the guided check: it streams frames in batches, shows the server's live feedback, and
gets each next action only once the server has seen the current one. Test-only hook: each next action
is random in production, and a fixed recording cannot follow random actions (that is the point). So
this test monkeypatches ``guided_next_action`` in ``verification.services.guided`` for the live server,
which runs in a thread of this test process, to follow the clip's real action order. Nothing in the
shipped code can force an action.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from django.db import connections

from .conftest import CLIP_ACTIONS, CLIP_FRAMES_DIR, CLIP_START

pytestmark = [pytest.mark.browser, pytest.mark.faces, pytest.mark.django_db(transaction=True)]
PASSWORD = "a sturdy pass phrase 42"
FPS = 10
LEAD_IN_SECONDS = 2.5
TAIL_SECONDS = 6.0
#: a sharp, frontal frame of the clip just before the captured motion: the seller's reference photo
REFERENCE_FRAME = "frame_094.jpg"


def write_y4m(path, frames_bgr: list[np.ndarray], fps: int) -> None:
    """YUV4MPEG2, 4:2:0 planar (what cv2's BGR2YUV_I420 produces), one 'FRAME' header per picture."""
    height, width = frames_bgr[0].shape[:2]
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames_bgr:
            out.write(b"FRAME\n")
            out.write(cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420).tobytes())


@pytest.fixture
def fake_camera_file(tmp_path):
    paths = sorted(CLIP_FRAMES_DIR.glob("frame_*.jpg"))[CLIP_START:]
    motion = [cv2.imread(str(p)) for p in paths]
    # the still lead-in is the performer's resting pose just before he moves (the clip's 2nd frame here,
    # yaw about -4 degrees: the neutral pose the liveness baseline also finds on the raw clip)
    frames = ([motion[1]] * int(LEAD_IN_SECONDS * FPS)) + motion + ([motion[-1]] * int(TAIL_SECONDS * FPS))
    path = tmp_path / "clip.y4m"
    write_y4m(path, frames, FPS)
    return path


@pytest.fixture
def camera_page(fake_camera_file, live_server, playwright_driver):
    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={fake_camera_file}",
    ]
    # its own browser: the fake camera is a launch flag
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=args)
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="en-US")
    context.grant_permissions(["camera"])
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    # The test body ran inside Playwright's sync context, whose ORM connection is not the one the
    # test database teardown later uses: close it here, or PostgreSQL refuses to drop the database
    connections.close_all()
    context.close()
    browser.close()


#: reports every text the live feedback line and the step line show to the test (the page replaces
#: them quickly, and leaves for the progress page at the end)
WATCH_FEEDBACK = """() => {
  const watch = (id) => new MutationObserver(() => {
    window.recordShown(id, document.getElementById(id).textContent);
  }).observe(document.getElementById(id), {childList: true, characterData: true, subtree: true});
  watch("feedback"); watch("liveness-step");
}"""


def test_guided_check_follows_the_clip_with_live_feedback_and_shows_the_verdict(
    camera_page, make_user, monkeypatch
):
    from verification import services, tasks
    from verification.consent import current_version
    from verification.models import Enrollment, LivenessFrame
    from verification.services import guided

    monkeypatch.setattr(guided, "guided_next_action", lambda issued, rng: CLIP_ACTIONS[len(issued)])
    # the test plays the worker: it runs the queued decision itself while the progress page polls
    queued: list[int] = []
    monkeypatch.setattr(tasks.enrollment_decide_task, "delay", queued.append)
    seller = make_user("webcam_seller", "seller", password=PASSWORD)
    services.biometric_consent_record(user=seller, text_version=current_version())
    enrollment = services.enrollment_start(user=seller)
    services.reference_photo_add(
        enrollment=enrollment, data=(CLIP_FRAMES_DIR / REFERENCE_FRAME).read_bytes(), actor=seller
    )

    page = camera_page
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "webcam_seller")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector(".nav-user")

    shown: dict[str, list[str]] = {"feedback": [], "liveness-step": []}
    page.expose_function("recordShown", lambda element, text: shown[element].append(text))
    page.goto("/verification/camera/")
    page.evaluate(WATCH_FEEDBACK)
    page.click("#start-check")
    # each action is shown when the server asks for it, with its step number
    page.wait_for_function("document.getElementById('liveness').dataset.step === 'turn_right'")
    assert page.inner_text("#prompt") == "Turn your head to your right"
    page.wait_for_function("document.getElementById('liveness').dataset.step === 'turn_left'")
    assert page.inner_text("#prompt") == "Turn your head to your left"
    page.wait_for_url("**/verification/status/", timeout=60_000)
    # live feedback was on screen while the person moved, and the steps advanced one by one
    assert "Hold still while the camera gets ready." in shown["feedback"], shown
    assert [t for t in dict.fromkeys(shown["liveness-step"]) if t] == [
        "Step 1 of 3",
        "Step 2 of 3",
        "Step 3 of 3",
    ], shown
    assert page.is_visible("#progress")  # all actions seen, the decision is pending: the page polls
    assert queued == [enrollment.pk]
    enrollment.refresh_from_db()
    assert enrollment.challenge_guided and enrollment.challenge_actions == CLIP_ACTIONS
    prompts = [step["frame"] for step in enrollment.challenge_steps]
    assert prompts == sorted(prompts) and prompts[0] >= 2  # the first action came after the baseline
    tasks.enrollment_decide_task.apply(args=[queued[0]])
    page.wait_for_selector("#verdict-text", timeout=30_000)  # progress.js saw the verdict and reloaded

    enrollment.refresh_from_db()
    verdict = page.inner_text("#verdict-text")
    assert enrollment.status == "verified", (enrollment.status, enrollment.reasons, enrollment.metrics)
    assert "You are verified." in verdict
    assert 20 <= enrollment.frames_count <= 240
    assert not LivenessFrame.objects.filter(enrollment=enrollment).exists()  # deleted after the verdict
    assert Enrollment.objects.get(pk=enrollment.pk).challenge_actions == CLIP_ACTIONS
