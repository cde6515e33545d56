"""The verdict on an enrollment: liveness, then "whose face is this?" against the face index.

Runs in a Celery worker (``tasks.enrollment_decide_task``). Crash-safe and idempotent:

1. claim: ``frames_uploaded -> deciding`` (a conditional UPDATE: one claimant wins);
2. compute, outside any transaction (seconds of CPU; no row lock held);
3. in one transaction, under a lock that serialises all decisions, search the index and write the verdict
   with a conditional ``deciding -> <verdict>``. A second run of the same task (a redelivery after a
   worker died, or a duplicate message) recomputes and finds the status moved: it writes nothing.

The face index is searched with the reference photos whatever the liveness outcome: someone who uploads
another person's photos usually fails liveness too (their live face is not the photos' face), and that is
exactly the attempt a moderator must see. A match blocks the enrollment and raises a flag per matched
subject; otherwise a passed liveness verifies the seller and stores their template.
"""

from __future__ import annotations

import logging

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from kernel import outbox
from kernel.transitions import TransitionConflict, transition
from verification.conf import verification_settings

from ..engine_registry import get_face_engine, get_face_index
from ..engines.base import FaceEngine
from ..errors import VerificationError
from ..liveness import decide
from ..models import Enrollment, FaceMatchFlag, FaceTemplate
from ..photos import decode_frame, photo_embedding
from ..state import EnrollmentStatus
from .retention import raw_captures_delete
from .templates import face_template_enroll

S = EnrollmentStatus
logger = logging.getLogger(__name__)

#: pg_advisory_xact_lock key serialising index search + template insert (two copies of one face enrolling
#: at the same moment must not both pass); any constant unlikely to clash with a host's own locks
INDEX_LOCK_KEY = 0x464D5645  # "FMVE"
#: index hits examined per reference photo
SEARCH_K = 5


def enrollment_decide(*, enrollment_id: int) -> Enrollment | None:
    enrollment = Enrollment.objects.filter(pk=enrollment_id).first()
    if enrollment is None:
        return None
    if enrollment.status == S.FRAMES_UPLOADED:
        with transaction.atomic():
            try:
                transition(enrollment, to=S.DECIDING, reason="decision started")
            except TransitionConflict:  # another worker took it (or the seller withdrew)
                enrollment.refresh_from_db()
    if enrollment.status != S.DECIDING:
        return enrollment  # decided, withdrawn or not ready: nothing to do

    engine = get_face_engine()
    reasons: list[str] = []
    references = _reference_embeddings(enrollment, engine, reasons)
    metrics: dict[str, float] = {"reference_photos": float(len(references))}
    if references:
        frames = [decode_frame(bytes(f.jpeg)) for f in enrollment.frames.order_by("index")]
        prompts = (
            [step["frame"] for step in enrollment.challenge_steps] if enrollment.challenge_guided else None
        )
        verdict = decide(
            frames,
            list(enrollment.challenge_actions),
            engine=engine,
            reference_embeddings=references,
            prompt_frames=prompts,
        )
        reasons.extend(r for r in verdict.reasons if r not in reasons)
        metrics.update(_plain_numbers(verdict.metrics))
    else:
        reasons.append("no_usable_reference_photo")
    if len(references) > 1 and not _references_agree(references, engine):
        reasons.append("reference_photos_differ")

    with transaction.atomic():
        _serialise_decisions()
        locked = Enrollment.objects.select_for_update(no_key=True).get(pk=enrollment.pk)
        if locked.status != S.DECIDING:
            return locked
        matches = _index_matches(references, engine, exclude_user_id=locked.user_id)
        fields = {"metrics": metrics, "decided_at": timezone.now(), "engine_id": engine.engine_id}
        if matches:
            for hit, evidence in matches.values():
                _flag(locked, hit, evidence, engine)
            kinds = {hit.kind for hit, _e in matches.values()}
            reasons = [*(_MATCH_REASON[k] for k in sorted(kinds)), *reasons]
            transition(locked, to=S.BLOCKED, reasons=reasons, reason="face index match", **fields)
        elif reasons:
            transition(locked, to=S.REJECTED, reasons=reasons, **fields)
        else:
            transition(locked, to=S.VERIFIED, reasons=[], **fields)
            face_template_enroll(
                kind=FaceTemplate.Kind.SELLER,
                embedding=_centre(references),
                engine=engine,
                subject_user=locked.user,
                source_enrollment=locked,
            )
        if locked.status in (S.VERIFIED, S.BLOCKED):  # the deal and hosts hear of it (kernel outbox)
            outbox.event_emit(
                f"verification.{locked.status}",
                subject=f"seller:{locked.user_id}",
                payload={"enrollment": locked.pk, "seller": locked.user_id},
            )
        if float(verification_settings.RAW_CAPTURE_RETENTION_HOURS) <= 0:
            raw_captures_delete(enrollment=locked)
    logger.info("enrollment %s decided: %s", locked.pk, locked.status)  # status only, never scores
    return locked


_MATCH_REASON = {
    FaceTemplate.Kind.SELLER: "face_matches_other_seller",
    FaceTemplate.Kind.PROTECTED: "face_matches_protected_person",
}


def _reference_embeddings(enrollment: Enrollment, engine: FaceEngine, reasons: list[str]) -> list[np.ndarray]:
    embeddings = []
    for photo in enrollment.reference_photos.order_by("pk"):
        try:
            _clean, embedding = photo_embedding(bytes(photo.jpeg), engine=engine)
        except VerificationError:
            # passed intake at upload; a different engine since then may not find the face
            if "reference_photo_unusable" not in reasons:
                reasons.append("reference_photo_unusable")
            continue
        embeddings.append(embedding)
    return embeddings


def _references_agree(references: list[np.ndarray], engine: FaceEngine) -> bool:
    return all(
        engine.is_match(engine.score(a, b)) for i, a in enumerate(references) for b in references[i + 1 :]
    )


def _centre(references: list[np.ndarray]) -> np.ndarray:
    """The seller's template: the normalised mean of their reference embeddings."""
    mean = np.mean(np.stack(references), axis=0)
    return (mean / np.linalg.norm(mean)).astype(np.float32)


def _index_matches(references, engine: FaceEngine, *, exclude_user_id) -> dict:
    """Best matching hit per matched subject, with per-photo scores as evidence (numbers only)."""
    index = get_face_index()
    matches: dict[tuple, tuple] = {}
    for position, embedding in enumerate(references):
        hits = index.search(
            embedding,
            engine_id=engine.engine_id,
            model_hash=engine.model_hash,
            metric=engine.metric,
            k=SEARCH_K,
            exclude_user_id=exclude_user_id,
        )
        for hit in hits:
            if not engine.is_match(hit.score):
                continue
            subject = (hit.kind, hit.subject_user_id, hit.protected_person_id)
            best, evidence = matches.get(subject, (hit, {"photos": []}))
            evidence["photos"].append(
                {"photo": position, "template": hit.template_id, "score": round(hit.score, 4)}
            )
            closer = hit.score > best.score if engine.metric == "cosine" else hit.score < best.score
            matches[subject] = (hit if closer else best, evidence)
    return matches


def _flag(enrollment: Enrollment, hit, evidence: dict, engine: FaceEngine) -> FaceMatchFlag:
    protected = hit.kind == FaceTemplate.Kind.PROTECTED
    return FaceMatchFlag.objects.create(
        kind=FaceMatchFlag.Kind.PROTECTED if protected else FaceMatchFlag.Kind.DUPLICATE,
        enrollment=enrollment,
        subject_user_id=enrollment.user_id,
        matched_template_id=hit.template_id,
        matched_user_id=hit.subject_user_id,
        matched_protected_person_id=hit.protected_person_id,
        score=hit.score,
        threshold=engine.threshold,
        metric=engine.metric,
        engine_id=engine.engine_id,
        model_hash=engine.model_hash,
        evidence={**evidence, "photos_compared": len({p["photo"] for p in evidence["photos"]})},
    )


def _serialise_decisions() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INDEX_LOCK_KEY])
    # SQLite: one writer at a time already; the final conditional UPDATE keeps a decision single


def _plain_numbers(metrics: dict) -> dict[str, float]:
    """Only finite scalar numbers from the liveness metrics: nothing array-like reaches the database."""
    clean = {}
    for key, value in metrics.items():
        if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
            continue
        if np.isfinite(value):
            clean[str(key)] = round(float(value), 4)
    return clean
