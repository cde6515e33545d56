"""Glue between the services and the image intake: photos in, cleaned JPEG / embedding out.

Turns the intake's ``IntakeError`` into the app's ``VerificationError`` (same code and message), and
checks camera frames cheaply at upload (the liveness decision reads them properly later).
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from .engines.base import FaceEngine
from .errors import VerificationError, refused
from .intake import IntakeError, IntakeResult, image_intake

#: a webcam frame larger than this is not what the page sends
MAX_FRAME_PIXELS = 1920 * 1080
JPEG_MAGIC = b"\xff\xd8\xff"


def photo_clean(data: bytes, *, engine: FaceEngine) -> IntakeResult:
    """Validate a photo (type, size, one clear face) and return the intake result (cleaned JPEG, face)."""
    try:
        return image_intake(data, engine=engine)
    except IntakeError as exc:
        raise VerificationError(exc.code, exc.message) from None


def photo_embedding(data: bytes, *, engine: FaceEngine) -> tuple[bytes, np.ndarray]:
    """Like ``photo_clean`` and also the face's embedding."""
    try:
        result = image_intake(data, engine=engine, embed=True)
    except IntakeError as exc:
        raise VerificationError(exc.code, exc.message) from None
    return result.clean_jpeg, result.embedding


def check_frame(data: bytes) -> None:
    """A camera frame must be a JPEG within the size limits (no face detection here: that is the task's)."""
    from verification.conf import verification_settings

    if len(data) > int(verification_settings.LIVENESS_FRAME_MAX_BYTES):
        raise refused("frame_too_large")
    if not data.startswith(JPEG_MAGIC):
        raise refused("frame_not_jpeg")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "JPEG" or image.width * image.height > MAX_FRAME_PIXELS:
                raise refused("frame_not_jpeg" if image.format != "JPEG" else "frame_too_large")
            image.load()  # a full decode: a truncated or corrupt frame fails here, not in the task
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refused("frame_not_jpeg") from None


def decode_frame(data: bytes) -> np.ndarray:
    """A stored JPEG frame as an RGB uint8 array (as captured: never mirrored)."""
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError("stored frame does not decode")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
