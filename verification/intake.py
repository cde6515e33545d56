"""Image intake: every uploaded photo or frame passes here before anything else looks at it.

Order matters for safety and cost: size in bytes, then the format *by content* (the file name and the
declared content type are never trusted), then the pixel count read from the header *before* any
pixel is decoded (decompression bombs), then a full decode (truncated or corrupt data), then EXIF
orientation. The output is re-encoded from pixels, so no metadata (EXIF, GPS, XMP, ICC, comments)
survives. Only then do the face checks run: exactly one face, big enough, sharp enough, roughly
frontal.

Error messages are fixed sentences per code (plus configured limits): they never carry embeddings,
landmarks or any other measurement of the face.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .engines.base import DetectedFace, FaceEngine

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
# Pillow reports multi-picture JPEGs from phones and cameras as "MPO"; the first picture is the photo.
_OPENED_AS = (*ACCEPTED_FORMATS, "MPO")


@dataclass(frozen=True)
class IntakeLimits:
    max_bytes: int = 10 * 1024 * 1024
    #: width x height as declared by the header, checked before decoding
    max_pixels: int = 40_000_000
    #: the working copy (and the re-encoded JPEG) is shrunk to this long side
    working_max_side: int = 1024
    min_face_px: int = 80
    #: variance of the Laplacian of the face crop resized to 128 px wide (see ``face_sharpness``)
    min_sharpness: float = 60.0
    #: |nose offset from the eye midline| / eye distance, from the 5 landmarks (0 = frontal)
    max_yaw_ratio: float = 0.35
    max_roll_deg: float = 25.0
    jpeg_quality: int = 90
    # Calibrated with the dlib engine on tests/data/faces: sharpness of the photos 215-1470, of the video
    # frames 97-315; the same photos Gaussian-blurred with sigma = face width / 100 fall to 18-57 (one
    # 118), with sigma = face width / 60 to 6-25. Frontal photos have |yaw| <= 0.14,
    # the clip's 30-degree turns 0.32-0.34 (dlib's nose point is the base of the nose; SCRFD's nose tip
    # moves further, so an insightface deployment may want a higher yaw limit).


#: for the frames of a liveness session: the head turns by design, the camera is a webcam
FRAME_LIMITS = IntakeLimits(
    max_bytes=2 * 1024 * 1024,
    max_pixels=4_000_000,
    working_max_side=640,
    min_face_px=64,
    min_sharpness=30.0,
    max_yaw_ratio=float("inf"),
    max_roll_deg=45.0,
)


@dataclass(frozen=True)
class IntakeResult:
    clean_jpeg: bytes
    rgb: np.ndarray
    face: DetectedFace
    embedding: np.ndarray | None
    #: non-biometric quality numbers, for diagnostics
    quality: dict[str, float] = field(default_factory=dict)


class IntakeError(Exception):
    """A rejected image. ``code`` is stable (API clients switch on it); ``message`` is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"IntakeError({self.code!r})"


def _open(data: bytes, limits: IntakeLimits) -> Image.Image:
    if not data:
        raise IntakeError("corrupt_image", "The file is empty.")
    if len(data) > limits.max_bytes:
        raise IntakeError(
            "file_too_large", f"The file is larger than {limits.max_bytes // (1024 * 1024)} MB."
        )
    try:
        # ``formats`` stops Pillow from trying any other decoder (TIFF, BMP, GIF, PSD, EPS, ...).
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError as exc:
        raise IntakeError("too_many_pixels", "The image has too many pixels.") from exc
    except UnidentifiedImageError as exc:
        raise IntakeError("unsupported_format", "Only JPEG, PNG and WebP images are accepted.") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise IntakeError("corrupt_image", "The image data is damaged or incomplete.") from exc
    if image.format not in _OPENED_AS:  # belt and braces
        raise IntakeError("unsupported_format", "Only JPEG, PNG and WebP images are accepted.")
    width, height = image.size
    if width < 1 or height < 1 or width * height > limits.max_pixels:
        raise IntakeError("too_many_pixels", "The image has too many pixels.")
    if image.format != "MPO" and getattr(image, "n_frames", 1) > 1:
        raise IntakeError("unsupported_format", "Animated images are not accepted.")
    return image


def _decode(image: Image.Image, limits: IntakeLimits) -> Image.Image:
    """Full decode to an upright RGB image no larger than the working size."""
    try:
        if image.format in ("JPEG", "MPO"):
            # decode at a reduced DCT scale when the photo is much larger than needed (faster, less memory)
            image.draft("RGB", (limits.working_max_side, limits.working_max_side))
        image.load()
        upright = ImageOps.exif_transpose(image)
        if upright.mode.startswith("I"):  # 16-bit greyscale PNG (mode I or I;16): keep the top 8 bits
            upright = Image.fromarray(
                (np.asarray(upright, dtype=np.uint32) >> 8).clip(0, 255).astype(np.uint8)
            )
        if upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info):
            rgba = upright.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            upright = flat
        rgb = upright.convert("RGB")
    except Image.DecompressionBombError as exc:
        raise IntakeError("too_many_pixels", "The image has too many pixels.") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise IntakeError("corrupt_image", "The image data is damaged or incomplete.") from exc
    if max(rgb.size) > limits.working_max_side:
        rgb.thumbnail((limits.working_max_side, limits.working_max_side), Image.Resampling.LANCZOS)
    return rgb


def face_sharpness(rgb: np.ndarray, face: DetectedFace) -> float:
    """Variance of the Laplacian of the face crop, resized to 128 px wide so the value does not depend
    on the photo's resolution (a large blurred face would otherwise look as sharp as a small crisp one)."""
    left, top, right, bottom = face.box
    crop = cv2.cvtColor(np.ascontiguousarray(rgb[top:bottom, left:right]), cv2.COLOR_RGB2GRAY)
    if crop.size == 0:
        return 0.0
    height = max(1, round(crop.shape[0] * 128 / crop.shape[1]))
    crop = cv2.resize(crop, (128, height), interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(crop, cv2.CV_64F).var())


def face_pose(face: DetectedFace) -> tuple[float, float]:
    """(yaw ratio, roll degrees) from the 5 landmarks: the nose's offset from the eyes' midline in
    eye distances (0 when frontal; about 0.3 at 30 degrees), and the tilt of the line between the eyes."""
    left_eye, right_eye, nose = (np.asarray(p, dtype=np.float64) for p in face.landmarks[:3])
    axis = right_eye - left_eye
    iod = float(np.linalg.norm(axis)) or 1.0
    yaw = float(np.dot(nose - (left_eye + right_eye) / 2, axis / iod) / iod)
    roll = float(np.degrees(np.arctan2(axis[1], axis[0])))
    return yaw, roll


def image_intake(
    data: bytes,
    *,
    engine: FaceEngine,
    limits: IntakeLimits = IntakeLimits(),
    require_single_face: bool = True,
    embed: bool = False,
) -> IntakeResult:
    """Validate, clean and check one uploaded image; raises IntakeError with a stable code.

    ``embed``: also compute the unit-length embedding (frames of a liveness session skip it).
    ``require_single_face``: reject a second face of at least half the minimum face size; when False
    the largest face is used.
    """
    rgb = np.asarray(_decode(_open(data, limits), limits), dtype=np.uint8)
    buffer = io.BytesIO()
    # A new image from bare pixels: Pillow would otherwise carry ``info`` entries (the JPEG comment,
    # for one) of the upload into the saved file.
    Image.fromarray(rgb).save(buffer, "JPEG", quality=limits.jpeg_quality)

    faces = engine.detect(rgb)
    if not faces:
        raise IntakeError("no_face", "No face was found in the image.")
    face = faces[0]
    if require_single_face and sum(1 for f in faces if f.width >= limits.min_face_px / 2) > 1:
        raise IntakeError("multiple_faces", "More than one face is in the image; only yours should be.")
    if face.width < limits.min_face_px:
        raise IntakeError("face_too_small", f"The face must be at least {limits.min_face_px} pixels wide.")
    yaw, roll = face_pose(face)
    if abs(yaw) > limits.max_yaw_ratio or abs(roll) > limits.max_roll_deg:
        raise IntakeError("pose_out_of_range", "Please face the camera with your head upright.")
    sharpness = face_sharpness(rgb, face)
    if sharpness < limits.min_sharpness:
        raise IntakeError("too_blurry", "The face is not sharp enough.")
    embedding = engine.embed(rgb, face) if embed else None
    quality = {"sharpness": sharpness, "yaw_ratio": yaw, "roll_deg": roll, "face_px": float(face.width)}
    return IntakeResult(buffer.getvalue(), rgb, face, embedding, quality)
