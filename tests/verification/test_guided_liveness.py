"""The guided camera check over the API with the real clip's frames, and the attacks it must refuse.

The clip's frames are uploaded 4 at a time, as the page does, after a "hold still" lead-in of the
performer's neutral pose. Each next action is random in production; a recording cannot follow it, so
the flow tests make ``guided_next_action`` follow the clip's order (as test_browser_liveness does).
"""

from __future__ import annotations

import random
import secrets

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tests.verification import face_sequences as fs
from tests.verification import replay_attacks as ra
from verification.engines.dlib_engine import DlibFaceEngine
from verification.liveness import ACTIONS, check_prompted, decide
from verification.services import guided

from .conftest import CLIP_ACTIONS

API = "/api/v1/verification"
BATCH = 4


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def send(client, pk, nonce, frames):
    files = [
        SimpleUploadedFile(f"f{i}.jpg", data, content_type="image/jpeg") for i, data in enumerate(frames)
    ]
    return client.post(f"{API}/enrollments/{pk}/guided/frames/", {"nonce": nonce, "frames": files})


def test_next_action_is_random_and_never_repeats():
    rng = secrets.SystemRandom()
    seen = {guided.guided_next_action(["turn_left"], rng) for _ in range(200)}
    assert seen == set(ACTIONS) - {"turn_left"}


def test_an_action_begun_before_its_prompt_is_refused():
    events = [("turn_right", 5, 9), ("turn_left", 12, 15), ("turn_right", 20, 24)]
    assert check_prompted(CLIP_ACTIONS, events, [4, 10, 18]) is None
    assert check_prompted(CLIP_ACTIONS, events, [4, 13, 18]) == "response_timing"  # left began before
    assert check_prompted(CLIP_ACTIONS, events, [4, 10, 21]) == "response_timing"


@pytest.mark.faces
@pytest.mark.django_db
def test_guided_check_over_the_api_with_the_real_clip(
    seller, started, clip_frames, monkeypatch, decisions_inline, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(guided, "guided_next_action", lambda issued, rng: CLIP_ACTIONS[len(issued)])
    client = client_for(seller)
    check = client.post(f"{API}/enrollments/{started.pk}/guided/")
    assert check.status_code == 201, check.content
    nonce = check.json()["nonce"]
    assert check.json()["steps"] == 3
    assert send(client, started.pk, "not-the-nonce", clip_frames[:4]).json()["code"] == "nonce_mismatch"
    refused = client.post(f"{API}/enrollments/{started.pk}/frames/", {"nonce": nonce, "frames": []})
    assert refused.status_code in (400, 409)  # the one-shot upload is not for a guided check

    frames = [clip_frames[0]] * 6 + clip_frames
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(0, len(frames), BATCH):
            response = send(client, started.pk, nonce, frames[i : i + BATCH])
            assert response.status_code == 200, response.content
            answers.append(response.json())
            if answers[-1]["done"]:
                break
    assert (
        answers[0]
        == {"action": None, "hint": "hold_still", "fraction": 0.0, "step": 0, "steps": 3, "done": False}
        or answers[0]["action"] == "turn_right"
    )
    actions = [a["action"] for a in answers if a["action"]]
    assert list(dict.fromkeys(actions)) == CLIP_ACTIONS[:2]  # right, left, then right again
    assert [a["step"] for a in answers] == sorted(a["step"] for a in answers)
    assert any(a["hint"] in ("further", "start") for a in answers)
    assert answers[-1]["done"]
    started.refresh_from_db()
    assert started.status == "verified", (started.reasons, started.metrics)
    assert started.challenge_actions == CLIP_ACTIONS
    assert send(client, started.pk, nonce, clip_frames[:4]).json()["code"] == "challenge_used"


@pytest.fixture(scope="module")
def engine():
    return DlibFaceEngine()


@pytest.fixture(scope="module")
def reference(engine):
    photo = fs.load_rgb(fs.DATA / "people" / "lin_manuel_miranda.jpg")
    return [engine.embed(photo, engine.detect(photo)[0])]


@pytest.mark.faces
def test_the_clip_replayed_on_a_screen_is_refused_even_when_cut_to_match(engine, reference):
    """The worst case: the replay performs the challenge in order; only the screen cues refuse it."""
    window = fs.video_frames()[fs.NEUTRAL_START :]
    replay = ra.screen_replay(window, np.random.default_rng(7), panel_px=480)
    verdict = decide(replay, CLIP_ACTIONS, engine=engine, reference_embeddings=reference)
    assert not verdict.passed and "screen_replay" in verdict.reasons, verdict.metrics
    genuine = decide(window, CLIP_ACTIONS, engine=engine, reference_embeddings=reference)
    assert genuine.passed and genuine.metrics["banding_score"] < 0.3 and genuine.metrics["moire_ratio"] < 3000


@pytest.mark.faces
def test_bent_prints_are_refused(engine, reference):
    photo = fs.load_rgb(fs.DATA / "people" / "lin_manuel_miranda.jpg")
    printed = fs.face_print(photo, engine.detect(photo)[0].box)
    rng = np.random.default_rng(11)
    for i in range(4):
        challenge = random.Random(i).sample(ACTIONS, 3)
        attack = ra.bent_photo_attack(printed, rng, mimic=challenge if i % 2 else None)
        assert not decide(attack, challenge, engine=engine, reference_embeddings=reference).passed


@pytest.mark.django_db
def test_the_one_shot_challenge_can_be_switched_off(seller, started, settings):
    settings.FACE_MARKET = {**settings.FACE_MARKET, "LIVENESS_GUIDED_REQUIRED": True}
    client = client_for(seller)
    response = client.post(f"{API}/enrollments/{started.pk}/challenge/")
    assert response.status_code == 409 and response.json()["code"] == "guided_required"
    assert client.post(f"{API}/enrollments/{started.pk}/guided/").status_code == 201
