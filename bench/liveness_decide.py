"""Liveness at the configured thresholds: BPCER on genuine sessions, APCER per attack type, decision time.

ISO/IEC 30107-3 terms: APCER = share of attack presentations (of one attack type) accepted as bona
fide; BPCER = share of bona fide presentations rejected. Every session is run as a guided session:
the protocol of the camera page (the server issues the next action only once it has seen the current
one, frames arriving in batches of 4) is replayed over the recorded frames by
``verification.guidance.prompt_schedule``; a recording that never shows the prompted action would
time out (rejected). The final verdict is ``verification.liveness.decide`` with the prompt frames.

- genuine: the 24 trimmed, time-scaled and mirrored variants of the real clip, each after a "hold
  still" lead-in of its first frame (the page asks for it until the first prompt); its performer does
  what he is asked: the server's choices are the clip's own order;
- printed photo: flat prints of real photos moved and tilted in 3-D, half mimicking the challenge;
- bent photo: the same prints bent round a cylinder (some parallax), flexed and moved;
- screen replay: each genuine variant played on a simulated phone or monitor (perspective, bezel,
  moire, glare, refresh banding) and, the worst case, cut to match the challenge: the server's
  choices are again the clip's order, so only the screen cues can refuse it;
- out-of-order replay: the real clip injected as it is (no screen) against the server's random
  choices: it shows its own movements on its own schedule.

    .venv/bin/python bench/liveness_decide.py [--prints 12] [--bent 8] [--replays 12] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.verification import face_sequences as fs  # noqa: E402
from tests.verification import replay_attacks as ra  # noqa: E402
from verification.engines.dlib_engine import DlibFaceEngine  # noqa: E402
from verification.guidance import prompt_schedule  # noqa: E402
from verification.liveness import (  # noqa: E402
    ACTIONS,
    LivenessConfig,
    check_order,
    decide,
    detect_actions,
    frame_signals,
)

TURN_THRESHOLDS = (10.0, 11.0, 12.0, 15.0, 20.0)
BATCH = 4  # frames per upload of the camera page (verification/views.py CAPTURE["batch"])
PRINT_SOURCES = (
    "lin_manuel_miranda.jpg",
    "obama.jpg",
    "biden.jpg",
    "kit_harington1.jpg",
    "rose_leslie1.jpg",
    "alex_lacamoire1.jpg",
)


def signals_of(engine, frames):
    return [None if p is None else frame_signals(p) for p in engine.dense_landmarks_sequence(frames)]


def scripted(order):
    """The server's choices when the person (or the attacker's cut) follows ``order``."""
    return lambda issued: order[len(issued)]


def random_choices(seed: int):
    """The server's choices: a random action not issued yet (as the service draws them)."""
    rng = random.Random(seed)
    return lambda issued: rng.choice([a for a in ACTIONS if a not in issued])


def held(window):
    """The window after the page's "hold still" phase: a person waits for the first prompt, so the
    first frame is repeated for one upload and the neutral pose (the page asks for it)."""
    return [window[0]] * (BATCH + LivenessConfig().baseline_frames) + list(window)


def guided(engine, frames, choose_next, reference, timings=None):
    """(accepted, reasons) of one guided session over ``frames``."""
    schedule = prompt_schedule(signals_of(engine, frames), choose_next, 3, batch=BATCH)
    if schedule is None:
        return False, ["timed_out (prompted action never seen)"]
    actions, prompts = schedule
    started = time.perf_counter()
    verdict = decide(frames, actions, engine=engine, reference_embeddings=reference, prompt_frames=prompts)
    if timings is not None:
        timings.append(time.perf_counter() - started)
    return verdict.passed, verdict.reasons


def drawn(seed: int) -> list[str]:
    """The 3 actions ``random_choices(seed)`` draws when each one is seen."""
    choose, issued = random_choices(seed), []
    for _ in range(3):
        issued.append(choose(issued))
    return issued


def direct(engine, frames, challenge, reference):
    """(accepted, reasons) of ``decide`` alone, without the guided protocol (no prompt timing): as if
    the attacker had known the whole challenge in advance. Shows what the other layers catch."""
    verdict = decide(frames, challenge, engine=engine, reference_embeddings=reference)
    return verdict.passed, verdict.reasons


def report(name, outcomes, *, genuine=False):
    accepted = sum(ok for ok, _ in outcomes)
    rate = (len(outcomes) - accepted) / len(outcomes) if genuine else accepted / len(outcomes)
    metric = "BPCER" if genuine else "APCER"
    counts = {}
    for ok, reasons in outcomes:
        for reason in reasons if not ok else ():
            counts[reason] = counts.get(reason, 0) + 1
    why = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "-"
    print(f"  {name:20s} {accepted:3d}/{len(outcomes):<3d} accepted   {metric} {rate:6.1%}   reasons: {why}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prints", type=int, default=12)
    parser.add_argument("--bent", type=int, default=8)
    parser.add_argument("--replays", type=int, default=12)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    engine, config = DlibFaceEngine(), LivenessConfig()
    frames = fs.video_frames()
    reference_photo = fs.load_rgb(fs.DATA / "people" / "lin_manuel_miranda.jpg")
    reference = [engine.embed(reference_photo, engine.detect(reference_photo)[0])]
    variants = fs.genuine_variants(frames)

    # -- genuine ------------------------------------------------------------------------------------
    timings: list[float] = []
    genuine = [guided(engine, held(w), scripted(c), reference, timings) for _, w, c in variants]
    # -- attacks ------------------------------------------------------------------------------------
    images = [fs.load_rgb(fs.DATA / "people" / n) for n in PRINT_SOURCES] + [frames[20], frames[30]]
    prints = [fs.face_print(img, engine.detect(img)[0].box) for img in images]
    rng = np.random.default_rng(12345)
    attacks: dict[str, list] = {"printed photo": [], "bent photo": [], "screen replay": []}
    unguided: dict[str, list] = {"printed photo": [], "bent photo": [], "screen replay": []}
    for i in range(args.prints):
        challenge = drawn(1000 + i)
        frames_i = fs.photo_attack(prints[i % len(prints)], rng, mimic=challenge if i % 2 else None)
        attacks["printed photo"].append(guided(engine, frames_i, random_choices(1000 + i), reference))
        unguided["printed photo"].append(direct(engine, frames_i, challenge, reference))
    for i in range(args.bent):
        challenge = drawn(2000 + i)
        frames_i = ra.bent_photo_attack(prints[i % len(prints)], rng, mimic=challenge if i % 2 else None)
        attacks["bent photo"].append(guided(engine, frames_i, random_choices(2000 + i), reference))
        unguided["bent photo"].append(direct(engine, frames_i, challenge, reference))
    picked = [variants[i] for i in np.linspace(0, len(variants) - 1, args.replays).round().astype(int)]
    for _, window, challenge in picked:
        replay = ra.screen_replay(held(window), rng)
        attacks["screen replay"].append(guided(engine, replay, scripted(challenge), reference))
        unguided["screen replay"].append(direct(engine, replay, challenge, reference))
    attacks["out-of-order replay"] = [
        guided(engine, window, random_choices(3000 + i), reference)
        for i, (_, window, _c) in enumerate(picked)
    ]

    print(
        f"liveness at the configured thresholds (turn {config.turn_on_deg} deg, parallax "
        f"{config.min_parallax}, moire {config.max_moire_ratio}, banding {config.max_banding_score}):"
    )
    report("genuine", genuine, genuine=True)
    for name, outcomes in attacks.items():
        report(name, outcomes)
    total = sum(len(o) for o in attacks.values())
    passed = sum(ok for o in attacks.values() for ok, _ in o)
    print(f"  all attacks: {passed}/{total} accepted")
    print("\nthe same attacks decided without the guided protocol (challenge known in advance, no timing):")
    for name, outcomes in unguided.items():
        report(name, outcomes)
    print(
        f"\ndecision time (decide, genuine sessions of {min(len(w) for _, w, _ in variants)}-"
        f"{max(len(w) for _, w, _ in variants)} frames), load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs: p50 {np.percentile(timings, 50):.2f} s, "
        f"p95 {np.percentile(timings, 95):.2f} s"
    )

    # -- the turn threshold, action check alone (no prompts), genuine vs printed photos --------------
    genuine_signals = [(signals_of(engine, w), c) for _, w, c in variants]
    print("\naction check alone, by turn threshold (degrees of fused yaw from the starting pose):")
    for threshold in TURN_THRESHOLDS:
        cfg = LivenessConfig(turn_on_deg=threshold, turn_off_deg=threshold / 2)
        ok = sum(check_order(c, detect_actions(s, cfg)) is None for s, c in genuine_signals)
        marker = "  <- configured" if threshold == config.turn_on_deg else ""
        print(f"  {threshold:4.0f}: genuine pass {ok}/{len(variants)}{marker}")


if __name__ == "__main__":
    main()
