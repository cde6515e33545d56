"""The verification app's settings (keys of ``FACE_MARKET``), read lazily through the kernel."""

from typing import Any

from kernel.conf import AppSettings

DEFAULTS: dict[str, Any] = {
    "FACE_ENGINE": "verification.engines.dlib_engine.DlibFaceEngine",
    "FACE_ENGINE_OPTIONS": {},
    "FACE_INDEX_BACKEND": "verification.index.exact.ExactFaceIndex",
    # -- face index at scale (perf): keywords of the backend, e.g. pgvector's storage ("halfvec" or
    # "vector"), ef_search and rerank_candidates (verification/index/pgvector.py)
    "FACE_INDEX_OPTIONS": {},
    "FACE_MODEL_DIR": "",
    "FACE_MODEL_LICENCE_CONFIRMED": False,
    "FACE_EXECUTION_PROVIDERS": ["CUDAExecutionProvider", "CPUExecutionProvider"],
    "BIOMETRIC_CONSENT_VERSION": "2026-11",
    "RAW_CAPTURE_RETENTION_HOURS": 0,  # raw photos and frames go as soon as a verdict exists
    "LIVENESS_CHALLENGE_TTL_SECONDS": 180,
    "REFERENCE_PHOTOS_MIN": 1,  # reference (listing) photos a seller uploads before the camera step
    "REFERENCE_PHOTOS_MAX": 5,
    "LIVENESS_FRAMES_MIN": 12,  # JPEG frames the webcam page uploads for one challenge
    "LIVENESS_FRAMES_MAX": 60,
    "LIVENESS_FRAME_MAX_BYTES": 600_000,
    # faults: width x height of a reference or protected-face photo, read from the header and refused
    # before decoding; the same 16 MP as the listings' uploads (bounded memory per upload)
    "PHOTO_MAX_PIXELS": 16_000_000,
    "ENROLLMENT_ABANDONED_HOURS": 24,  # an undecided enrollment expires and its captures go
    "LIVENESS_GUIDED_FRAMES_MAX": 240,  # frames one guided camera check may stream (30 s at 8 a second)
    "LIVENESS_GUIDED_BATCH_MAX": 8,  # frames in one upload of a guided check
    # refuse the one-shot challenge (all actions issued at once: a long recording can be cut to match);
    # off by default only because API clients, the demo and the test suite still use it
    "LIVENESS_GUIDED_REQUIRED": False,
    # -- facial-recognition filing (revoke branch): the rules in force since 2025-06-01 require a
    # filing once a service stores 100,000 faces; warn from the fraction below, well before the line
    "FACE_TEMPLATE_FILING_THRESHOLD": 100_000,
    "FACE_TEMPLATE_FILING_WARN_FRACTION": 0.5,
}

verification_settings = AppSettings(
    "verification", DEFAULTS, import_strings={"FACE_ENGINE", "FACE_INDEX_BACKEND"}
)
