"""Liveness: time to decide a 30-frame session, genuine acceptance and photo-attack rejection.

Genuine sessions are windows, time-scaled and mirrored versions of the real clip (tests/data/faces/
video_frames); attacks are generated from real photos (a flat print moved, rotated and tilted in 3-D,
half of them mimicking the challenge). See tests/verification/face_sequences.py.

    .venv/bin/python bench/liveness_decide.py [--attacks 24] [--runs 5]
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
from verification.engines.dlib_engine import DlibFaceEngine  # noqa: E402
from verification.liveness import (  # noqa: E402
    LivenessConfig,
    challenge_actions,
    check_order,
    decide,
    detect_actions,
    frame_signals,
)

TURN_THRESHOLDS = (10.0, 12.0, 15.0, 20.0)


def action_outcomes(engine, sequences) -> dict[float, int]:
    """How many (frames, challenge) pairs pass the action check alone, per turn threshold."""
    passed = dict.fromkeys(TURN_THRESHOLDS, 0)
    for frames, challenge in sequences:
        signals = [None if p is None else frame_signals(p) for p in engine.dense_landmarks_sequence(frames)]
        for threshold in TURN_THRESHOLDS:
            config = LivenessConfig(turn_on_deg=threshold, turn_off_deg=threshold / 2)
            passed[threshold] += check_order(challenge, detect_actions(signals, config)) is None
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attacks", type=int, default=24)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    engine = DlibFaceEngine()
    config = LivenessConfig()
    frames = fs.video_frames()
    reference_photo = fs.load_rgb(fs.DATA / "people" / "lin_manuel_miranda.jpg")
    reference = [engine.embed(reference_photo, engine.detect(reference_photo)[0])]

    # -- latency: 30 frames spread over the clip's head movement --------------------------------
    session = [frames[i] for i in np.linspace(5, len(frames) - 1, 30).round().astype(int)]
    challenge = ["turn_right", "turn_left", "turn_right"]
    decide(session, challenge, engine=engine, reference_embeddings=reference)  # warm-up (model loading)
    walls, cpus = [], []
    for _ in range(args.runs):
        wall, cpu = time.perf_counter(), time.process_time()
        verdict = decide(session, challenge, engine=engine, reference_embeddings=reference)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    print(
        f"30-frame session ({'passed' if verdict.passed else verdict.reasons}), {args.runs} runs, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs:"
    )
    print(
        f"  wall p50 {np.percentile(walls, 50):.2f} s, p95 {np.percentile(walls, 95):.2f} s; "
        f"CPU p50 {np.percentile(cpus, 50):.2f} s (all threads)"
    )

    # -- genuine acceptance -------------------------------------------------------------------------
    genuine_parallax, failures = [], []
    variants = fs.genuine_variants(frames)
    for name, window, expected in variants:
        verdict = decide(window, expected, engine=engine, reference_embeddings=reference)
        genuine_parallax.append(verdict.metrics.get("parallax_score", 0.0))
        if not verdict.passed:
            failures.append(f"{name} ({len(window)} frames): {', '.join(verdict.reasons)}")
    accepted = len(variants) - len(failures)
    print(f"\ngenuine sessions accepted: {accepted}/{len(variants)} ({accepted / len(variants):.0%})")
    for line in failures:
        print(f"  rejected {line}")
    genuine_actions = action_outcomes(engine, [(w, c) for _, w, c in variants])

    # -- photo attacks ------------------------------------------------------------------------------
    sources = [
        "lin_manuel_miranda.jpg",
        "obama.jpg",
        "biden.jpg",
        "kit_harington1.jpg",
        "rose_leslie1.jpg",
        "alex_lacamoire1.jpg",
    ]
    images = [fs.load_rgb(fs.DATA / "people" / name) for name in sources] + [frames[20], frames[30]]
    prints = [fs.face_print(img, engine.detect(img)[0].box) for img in images]
    rng = np.random.default_rng(12345)
    rejected, flat, attack_parallax, reasons_seen, attacks = 0, 0, [], {}, []
    for i in range(args.attacks):
        attack_challenge = challenge_actions(random.Random(1000 + i))
        attack = fs.photo_attack(prints[i % len(prints)], rng, mimic=attack_challenge if i % 2 else None)
        attacks.append((attack, attack_challenge))
        verdict = decide(attack, attack_challenge, engine=engine, reference_embeddings=reference)
        rejected += not verdict.passed
        flat += "flat_motion" in verdict.reasons
        attack_parallax.append(verdict.metrics.get("parallax_score", 0.0))
        for reason in verdict.reasons:
            reasons_seen[reason] = reasons_seen.get(reason, 0) + 1
    print(
        f"\nphoto attacks rejected: {rejected}/{args.attacks} ({rejected / args.attacks:.0%}); "
        f"flagged flat_motion: {flat}/{args.attacks}"
    )
    print("  reasons: " + ", ".join(f"{k} {v}" for k, v in sorted(reasons_seen.items())))
    print(
        f"\nparallax score (threshold {config.min_parallax}): attacks max {max(attack_parallax):.3f}, "
        f"p95 {np.percentile(attack_parallax, 95):.3f}; genuine min {min(genuine_parallax):.3f}, "
        f"median {np.median(genuine_parallax):.3f}"
    )

    attack_actions = action_outcomes(engine, attacks)
    print("\naction check alone, by turn threshold (degrees from the starting pose):")
    for threshold in TURN_THRESHOLDS:
        marker = "  <- configured" if threshold == config.turn_on_deg else ""
        print(
            f"  {threshold:4.0f}: genuine pass {genuine_actions[threshold]}/{len(variants)}, "
            f"attacks pass {attack_actions[threshold]}/{len(attacks)}{marker}"
        )


if __name__ == "__main__":
    main()
