"""Identity within a liveness session: the same person throughout, and the reference photos' person.

Split from liveness.py (which decides the whole session); pure functions, no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .engines.base import DetectedFace, FaceEngine

if TYPE_CHECKING:  # liveness.py imports this module
    from .liveness import FrameSignals, LivenessConfig

#: MediaPipe FaceMesh index of the nose tip
_NOSE_TIP = 1


def _loosened(engine: FaceEngine, slack: float) -> float:
    """The engine threshold loosened by ``slack`` of its distance scale (cosine: 1 - similarity)."""
    if engine.metric == "cosine":
        return 1.0 - (1.0 - engine.threshold) * (1.0 + slack)
    return engine.threshold * (1.0 + slack)


def _sample_frames(signals: Sequence[FrameSignals | None], k: int, baseline: int) -> list[list[int]]:
    """Split the frames with a face into ``k`` runs; in each, candidates nearest the neutral pose first."""
    valid = [i for i, s in enumerate(signals) if s is not None]
    if not valid:
        return []
    base = [signals[i] for i in valid[:baseline]]
    yaw0, pitch0 = np.median([s.yaw for s in base]), np.median([s.pitch for s in base])
    runs = [r for r in np.array_split(np.array(valid), min(k, len(valid))) if r.size]
    return [
        sorted(r.tolist(), key=lambda i: abs(signals[i].yaw - yaw0) + abs(signals[i].pitch - pitch0))
        for r in runs
    ]


def _tracked_face(faces: list[DetectedFace], landmarks: np.ndarray) -> DetectedFace | None:
    """The detection that holds the tracked face's nose tip."""
    x, y = landmarks[_NOSE_TIP, :2]
    inside = [f for f in faces if f.box[0] <= x <= f.box[2] and f.box[1] <= y <= f.box[3]]
    return inside[0] if inside else None


def session_identity(
    frames: Sequence[np.ndarray],
    landmarks: Sequence[np.ndarray | None],
    signals: Sequence[FrameSignals | None],
    engine: FaceEngine,
    references: Sequence[np.ndarray],
    config: LivenessConfig,
) -> tuple[list[str], dict[str, float]]:
    """Same person throughout (sampled frames against each other), and the reference photos' person.

    Frames near the neutral pose are sampled from ``identity_samples`` stretches of the session, so a
    substitution that lasts longer than a stretch is always sampled.
    """
    reasons: list[str] = []
    embeddings = []
    for candidates in _sample_frames(signals, config.identity_samples, config.baseline_frames):
        for i in candidates[:2]:  # the detector may miss a face the tracker kept: try the next best
            faces = engine.detect(frames[i])  # whole frame: a second person is looked for too
            face = _tracked_face(faces, landmarks[i])
            if face is None:
                continue
            if (
                any(f is not face and f.width >= face.width / 2 for f in faces)
                and "multiple_faces" not in reasons
            ):
                reasons.append("multiple_faces")
            embeddings.append(engine.embed(frames[i], face))
            break
    metrics = {"identity_samples": float(len(embeddings))}
    if not embeddings:
        return [*reasons, "no_face_in_frames"], metrics
    cosine = engine.metric == "cosine"
    pair_scores = [engine.score(a, b) for j, a in enumerate(embeddings) for b in embeddings[j + 1 :]]
    if pair_scores:
        metrics["identity_worst_pair"] = float(min(pair_scores) if cosine else max(pair_scores))
        if not engine.is_match(metrics["identity_worst_pair"], _loosened(engine, config.frame_match_slack)):
            reasons.append("identity_changed")
    per_frame = [[engine.score(e, r) for r in references] for e in embeddings]
    metrics["reference_score"] = float(np.median([max(s) if cosine else min(s) for s in per_frame]))
    if not engine.is_match(metrics["reference_score"]):
        reasons.append("reference_mismatch")
    return reasons, metrics
