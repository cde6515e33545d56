"""The guided (interactive) camera check: the page streams frames, the server answers each upload with
live feedback, and issues the next action, chosen at random, only once it has seen the current one.

1. ``guided_challenge_start``: a nonce and an expiry, no action yet;
2. ``guided_frames_add``, once per upload of a few frames: the frames are stored with their head pose
   (``LivenessFrame.signals``, measured once per frame); when the neutral pose is known the first
   action is drawn; while an action is pending the answer says how far it has got ("turn further");
   when it has been seen the next one is drawn, and after the last the enrollment moves to
   ``frames_uploaded`` and the decision is queued. The decision (``liveness.decide``) re-checks
   everything from the stored frames, including that each action began after its prompt.

Each upload holds the enrollment's row lock while it measures its own few frames (tens of
milliseconds): uploads of one session are serialised, which the page does anyway.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from kernel.transitions import transition
from verification.conf import verification_settings

from ..engine_registry import get_face_engine
from ..errors import refused
from ..guidance import action_progress, baseline_ready
from ..liveness import ACTIONS, FrameSignals, LivenessConfig, frame_signals
from ..models import Enrollment, LivenessFrame
from ..photos import check_frame, decode_frame
from ..state import EnrollmentStatus
from .enrollment import _require_owner, _require_step

S = EnrollmentStatus
#: actions in one guided check
GUIDED_STEPS = 3


@dataclass(frozen=True)
class GuidedProgress:
    """What the page shows after an upload. Codes only: the page has their words in every language."""

    action: str | None  # the action to perform now (None: hold still, the first one is coming)
    hint: str  # guidance.HINT_CODES
    fraction: float  # how far the current movement has got, 0-1
    step: int  # 1-based number of the current action (0 before the first)
    steps: int
    done: bool


def guided_next_action(issued: list[str], rng: secrets.SystemRandom) -> str:
    """A random action not issued yet in this check (cryptographic randomness)."""
    return rng.choice([a for a in ACTIONS if a not in issued])


@transaction.atomic
def guided_challenge_start(*, enrollment: Enrollment, actor) -> Enrollment:
    """Open a guided check (replaces an unanswered challenge and its frames)."""
    _require_owner(enrollment, actor)
    locked = Enrollment.objects.select_for_update(no_key=True).get(pk=enrollment.pk)
    _require_step(locked, S.PHOTOS, S.CHALLENGE_ISSUED)
    if locked.reference_photos.count() < int(verification_settings.REFERENCE_PHOTOS_MIN):
        raise refused("too_few_photos")
    locked.frames.all().delete()
    now = timezone.now()
    transition(
        locked,
        to=S.CHALLENGE_ISSUED,
        actor=actor,
        challenge_actions=[],
        challenge_steps=[],
        challenge_guided=True,
        challenge_nonce=secrets.token_urlsafe(32),
        challenge_issued_at=now,
        challenge_expires_at=now
        + timedelta(seconds=int(verification_settings.LIVENESS_CHALLENGE_TTL_SECONDS)),
        frames_count=0,
    )
    return locked


def _challenge_deadline(now):
    return now + timedelta(seconds=int(verification_settings.LIVENESS_CHALLENGE_TTL_SECONDS))


def _signals(row_signals) -> FrameSignals | None:
    return None if row_signals is None else FrameSignals(**row_signals)


def _measure(frames: list[bytes]) -> list[dict | None]:
    engine = get_face_engine()
    landmarks = engine.dense_landmarks_sequence([decode_frame(data) for data in frames])
    out = []
    for points in landmarks:
        if points is None:
            out.append(None)
            continue
        s = frame_signals(points)
        out.append({"yaw": round(s.yaw, 3), "pitch": round(s.pitch, 3), "ear": round(s.ear, 4)})
    return out


def guided_frames_add(*, enrollment: Enrollment, nonce: str, frames: list[bytes], actor) -> GuidedProgress:
    """Store one upload of a guided check and answer with the current action and live feedback."""
    _require_owner(enrollment, actor)
    if not frames:
        raise refused("too_few_frames")
    if len(frames) > int(verification_settings.LIVENESS_GUIDED_BATCH_MAX):
        raise refused("too_many_frames")
    for data in frames:
        check_frame(data)
    with transaction.atomic():
        locked = Enrollment.objects.select_for_update(no_key=True).get(pk=enrollment.pk)
        _require_current_guided(locked, nonce)
        start = locked.frames_count
        if start + len(frames) > int(verification_settings.LIVENESS_GUIDED_FRAMES_MAX):
            raise refused("too_many_frames")
        measured = _measure(frames)
        LivenessFrame.objects.bulk_create(
            LivenessFrame(
                enrollment=locked,
                index=start + i,
                jpeg=data,
                sha256=hashlib.sha256(data).hexdigest(),
                signals=signals,
            )
            for i, (data, signals) in enumerate(zip(frames, measured, strict=True))
        )
        total = start + len(frames)
        series = [_signals(s) for s in locked.frames.order_by("index").values_list("signals", flat=True)]
        progress = _advance(locked, series, total)
        fields = {"frames_count": total, "challenge_steps": locked.challenge_steps}
        fields["challenge_actions"] = [step["action"] for step in locked.challenge_steps]
        if progress.done:
            transition(locked, to=S.FRAMES_UPLOADED, actor=actor, **fields)
            from ..tasks import enrollment_decide_task  # tasks import services: import here

            enrollment_id = locked.pk
            transaction.on_commit(lambda: enrollment_decide_task.delay(enrollment_id))
        else:
            Enrollment.objects.filter(pk=locked.pk).update(updated_at=timezone.now(), **fields)
    return progress


def _advance(enrollment: Enrollment, series: list[FrameSignals | None], total: int) -> GuidedProgress:
    """Issue the first or the next action when due (mutates ``enrollment.challenge_steps``)."""
    steps = enrollment.challenge_steps
    rng = secrets.SystemRandom()
    if not steps:
        if not baseline_ready(series, LivenessConfig()):
            return GuidedProgress(None, "hold_still", 0.0, 0, GUIDED_STEPS, False)
        steps.append({"action": guided_next_action([], rng), "frame": total})
        return GuidedProgress(steps[-1]["action"], "start", 0.0, 1, GUIDED_STEPS, False)
    current = steps[-1]
    progress = action_progress(series, current["action"], current["frame"], LivenessConfig())
    if not progress.seen:
        return GuidedProgress(
            current["action"], progress.hint, progress.fraction, len(steps), GUIDED_STEPS, False
        )
    if len(steps) == GUIDED_STEPS:
        return GuidedProgress(None, "seen", 1.0, len(steps), GUIDED_STEPS, True)
    steps.append({"action": guided_next_action([s["action"] for s in steps], rng), "frame": total})
    return GuidedProgress(steps[-1]["action"], "start", 0.0, len(steps), GUIDED_STEPS, False)


def _require_current_guided(enrollment: Enrollment, nonce: str) -> None:
    nonce_matches = bool(enrollment.challenge_nonce) and secrets.compare_digest(
        str(nonce).encode(), enrollment.challenge_nonce.encode()
    )
    if enrollment.status != S.CHALLENGE_ISSUED:
        raise refused("challenge_used" if nonce_matches else "wrong_step", 409)
    if not nonce_matches:
        raise refused("nonce_mismatch", 409)
    if not enrollment.challenge_guided:
        raise refused("wrong_step", 409)
    if enrollment.challenge_expires_at is None or timezone.now() >= enrollment.challenge_expires_at:
        raise refused("challenge_expired", 409)
