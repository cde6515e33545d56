"""Liveness decisions on real frames (tests/data/faces/video_frames) and on generated photo attacks.

What the clip contains (measured with frame_signals, yaw relative to frontal): from clip frame 097 the
performer turns to HIS right (yaw down to about -34 degrees at frame 133), comes back through frontal to
a slight turn to his left (about +12 degrees at frame 157, +16 relative to the start of the window),
then turns to his right again (-29 degrees at frame 208). No deliberate blink or nod. So the genuine
challenge this clip can answer is turn_right, turn_left, turn_right (mirrored: left, right, left).
"""

from __future__ import annotations

import random
from itertools import permutations

import numpy as np
import pytest

from tests.verification import face_sequences as fs
from verification.engines.dlib_engine import DlibFaceEngine
from verification.liveness import (
    ACTIONS,
    FrameSignals,
    LivenessConfig,
    challenge_actions,
    check_order,
    decide,
    detect_actions,
    frame_signals,
)

RIGHT_LEFT_RIGHT = ["turn_right", "turn_left", "turn_right"]


# -- pure logic ----------------------------------------------------------------------------------


def test_challenge_actions():
    seen = set()
    for _ in range(600):
        challenge = challenge_actions()
        assert len(challenge) == 3 and len(set(challenge)) == 3 and set(challenge) <= set(ACTIONS)
        seen.add(tuple(challenge))
    assert seen == set(permutations(ACTIONS, 3))  # all 24 orders occur (p of a miss < 1e-9)
    assert challenge_actions(random.Random(5)) == challenge_actions(random.Random(5))


def signals(*segments: tuple[int, float, float, float]) -> list[FrameSignals]:
    """(frames, yaw, pitch, ear) segments."""
    return [FrameSignals(yaw, pitch, ear) for n, yaw, pitch, ear in segments for _ in range(n)]


def test_detect_actions_with_hysteresis():
    seq = signals(
        (4, 0, 0, 0.35),
        (3, 20, 0, 0.35),
        (2, 12, 0, 0.35),
        (1, 16, 0, 0.35),
        (3, 0, 0, 0.35),
        (2, 0, 0, 0.1),
        (3, 0, 0, 0.35),
        (3, 0, 15, 0.35),
        (3, 0, 0, 0.35),
        (3, -25, 0, 0.35),
    )
    seq.insert(9, None)  # a frame without a face changes nothing
    events = detect_actions(seq)
    # the dip to 12 degrees stays above the 8-degree release: one turn, not two
    assert [e[0] for e in events] == ["turn_left", "blink", "nod", "turn_right"]
    assert events[0][1:] == (4, 10)


def test_blinks_must_be_short_and_seen_with_the_head_straight():
    long_closure = signals((4, 0, 0, 0.35), (10, 0, 0, 0.1), (3, 0, 0, 0.35))
    assert detect_actions(long_closure) == []
    while_turned = signals(
        (4, 0, 0, 0.35), (3, 30, 0, 0.35), (2, 30, 0, 0.1), (3, 30, 0, 0.35), (3, 0, 0, 0.35)
    )
    assert [e[0] for e in detect_actions(while_turned)] == ["turn_left"]


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        (["turn_right", "turn_left", "blink"], None),
        (["nod", "turn_right", "nod", "turn_left", "turn_left", "blink"], None),  # extra movement tolerated
        (["blink", "turn_right", "turn_left", "blink"], None),  # a spontaneous early blink is tolerated
        (["turn_left", "turn_right", "blink"], "actions_out_of_order"),
        (["blink", "turn_left", "turn_right"], "actions_out_of_order"),
        (["turn_right", "blink"], "actions_missing"),
        ([], "actions_missing"),
    ],
)
def test_check_order(events, expected):
    assert (
        check_order(["turn_right", "turn_left", "blink"], [(e, i, i) for i, e in enumerate(events)])
        == expected
    )


def test_repeated_actions_in_a_challenge_need_every_repeat():
    def events(*names):
        return [(e, i, i) for i, e in enumerate(names)]

    assert check_order(RIGHT_LEFT_RIGHT, events("turn_right", "turn_left")) == "actions_missing"
    # turning right twice before the left turn repeats a performed action: not out of order, but missing
    assert check_order(RIGHT_LEFT_RIGHT, events("turn_right", "turn_right")) == "actions_missing"
    assert (
        check_order(RIGHT_LEFT_RIGHT, events("turn_right", "turn_right", "turn_left", "turn_right")) is None
    )
    assert (
        check_order(RIGHT_LEFT_RIGHT, events("turn_left", "turn_right", "turn_right"))
        == "actions_out_of_order"
    )


# -- real frames -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine() -> DlibFaceEngine:
    return DlibFaceEngine()


@pytest.fixture(scope="module")
def frames() -> list[np.ndarray]:
    return fs.video_frames()


@pytest.fixture(scope="module")
def embed_photo(engine):
    def embed(name: str) -> np.ndarray:
        rgb = fs.load_rgb(fs.DATA / "people" / name)
        return engine.embed(rgb, engine.detect(rgb)[0])

    return embed


@pytest.fixture(scope="module")
def reference(embed_photo) -> list[np.ndarray]:
    return [embed_photo("lin_manuel_miranda.jpg")]  # the performer in the clip


@pytest.mark.faces
def test_yaw_sign_convention(engine, frames):
    """Clip frame 133: he has turned to HIS right, so his nose points to the image's left: yaw < 0."""
    turned = frames[17]
    assert frame_signals(engine.dense_landmarks(turned)).yaw < -20
    assert frame_signals(engine.dense_landmarks(np.ascontiguousarray(turned[:, ::-1]))).yaw > 20


@pytest.mark.faces
@pytest.mark.parametrize("mirrored", [False, True])
def test_genuine_head_motion_is_accepted(engine, frames, reference, mirrored):
    window = frames[fs.NEUTRAL_START :]
    challenge = RIGHT_LEFT_RIGHT
    if mirrored:
        window = [np.ascontiguousarray(f[:, ::-1]) for f in window]
        challenge = ["turn_left", "turn_right", "turn_left"]
    verdict = decide(window, challenge, engine=engine, reference_embeddings=reference)
    assert verdict.passed, verdict.reasons
    assert verdict.metrics["parallax_score"] > 1.5 * LivenessConfig().min_parallax  # measured 0.43-0.48
    assert verdict.metrics["actions_matched"] == 3
    assert all(isinstance(v, float) for v in verdict.metrics.values())


@pytest.mark.faces
def test_genuine_time_scaled_and_trimmed(engine, frames, reference):
    """5 and 6.7 frames/s, slow motion and a trimmed end. bench/liveness_decide.py runs all 24 variants
    (all pass at the configured thresholds; with the old mesh-only yaw and 15 degrees, 14 did)."""
    wanted = {"097-43/every2nd", "097-41/x1/mirrored", "097-42/drop3rd", "097-41/every2nd/mirrored"}
    for name, window, challenge in fs.genuine_variants(frames):
        if name in wanted:
            verdict = decide(window, challenge, engine=engine, reference_embeddings=reference)
            assert verdict.passed, (name, verdict.reasons)


@pytest.mark.faces
def test_a_session_must_start_from_the_neutral_pose(engine, frames, reference):
    """Known limit: starting 20 degrees into the first right turn, that turn is not seen (the baseline is
    the starting pose) and coming back to frontal reads as a left turn before it (out of order), or,
    with the 10-degree threshold on the fused yaw, the remaining turns do not add up (missing)."""
    verdict = decide(frames[10:], RIGHT_LEFT_RIGHT, engine=engine, reference_embeddings=reference)
    assert verdict.reasons in (["actions_out_of_order"], ["actions_missing"])


@pytest.mark.faces
@pytest.mark.parametrize(
    "challenge", [["turn_left", "turn_right", "turn_left"], ["turn_left", "turn_right", "nod"]]
)
def test_actions_in_the_wrong_order_are_rejected(engine, frames, reference, challenge):
    verdict = decide(frames[5:], challenge, engine=engine, reference_embeddings=reference)
    assert not verdict.passed and "actions_out_of_order" in verdict.reasons
    assert "flat_motion" not in verdict.reasons and "reference_mismatch" not in verdict.reasons


@pytest.mark.faces
def test_photo_attacks_are_rejected(engine, frames, reference):
    """20 printed-photo attacks (half of them tilting the print to mimic the challenge), from photos of
    other people, of the performer himself and from one of the clip's own frames."""
    rng = np.random.default_rng(2024)
    sources = [
        fs.load_rgb(fs.DATA / "people" / n)
        for n in ("lin_manuel_miranda.jpg", "obama.jpg", "biden.jpg", "rose_leslie1.jpg")
    ] + [frames[20]]
    prints = [fs.face_print(img, engine.detect(img)[0].box) for img in sources]
    scores = []
    for i in range(20):
        challenge = challenge_actions(random.Random(i))
        attack = fs.photo_attack(prints[i % len(prints)], rng, mimic=challenge if i % 2 else None)
        verdict = decide(attack, challenge, engine=engine, reference_embeddings=reference)
        assert not verdict.passed
        # measured on these 20: every one is flat (parallax 0.01-0.17) and misses actions
        assert "flat_motion" in verdict.reasons, (i, verdict.metrics)
        assert {"actions_missing", "actions_out_of_order"} & set(verdict.reasons)
        scores.append(verdict.metrics["parallax_score"])
    assert max(scores) < LivenessConfig().min_parallax


@pytest.mark.faces
def test_still_photo_is_rejected(engine, frames, reference):
    still = [frames[20]] * 30
    verdict = decide(still, RIGHT_LEFT_RIGHT, engine=engine, reference_embeddings=reference)
    assert {"flat_motion", "actions_missing"} <= set(verdict.reasons)


@pytest.mark.faces
def test_identity_change_midway_is_rejected(engine, frames, reference):
    """The first half is the real performer; the second half is a moving print of someone else."""
    other = fs.load_rgb(fs.DATA / "people" / "obama.jpg")
    fake = fs.photo_attack(fs.face_print(other, engine.detect(other)[0].box), np.random.default_rng(3), n=19)
    verdict = decide(frames[5:24] + fake, RIGHT_LEFT_RIGHT, engine=engine, reference_embeddings=reference)
    assert not verdict.passed and "identity_changed" in verdict.reasons


@pytest.mark.faces
def test_reference_mismatch(engine, frames, embed_photo):
    others = [embed_photo("obama.jpg"), embed_photo("biden.jpg"), embed_photo("alex_lacamoire1.jpg")]
    verdict = decide(frames[5:], RIGHT_LEFT_RIGHT, engine=engine, reference_embeddings=others)
    assert verdict.reasons == ["reference_mismatch"]


@pytest.mark.faces
def test_too_few_frames_and_no_faces(engine, frames, reference):
    assert decide(frames[5:10], RIGHT_LEFT_RIGHT, engine=engine, reference_embeddings=reference).reasons == [
        "too_few_frames"
    ]
    blank = [np.full((360, 480, 3), 90, np.uint8)] * 20
    verdict = decide(blank, RIGHT_LEFT_RIGHT, engine=engine, reference_embeddings=reference)
    assert not verdict.passed and "no_face_in_frames" in verdict.reasons
    with pytest.raises(ValueError):
        decide(frames, ["jump"], engine=engine, reference_embeddings=reference)
