"""Image intake: every uploaded photo or frame passes here before anything else looks at it.

Order matters for safety and cost: size in bytes, then the format *by content* (the file name and the
declared content type are never trusted), then the pixel count read from the header *before* any
pixel is decoded (decompression bombs), then a full decode (truncated or corrupt data), then EXIF
orientation. The output is re-encoded from pixels, so no metadata (EXIF, GPS, XMP, ICC, comments)
survives. Only then do the face checks run: exactly one face, all of it inside the picture, big
enough (eye distance), roughly frontal, bright enough, sharp enough (relative to the face's own size
and contrast), each with its own code and a message saying what to do.

Error messages are fixed sentences per code (plus configured limits): they never carry embeddings,
landmarks or any other measurement of the face.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace

import cv2
import numpy as np
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .engines.base import DetectedFace, FaceEngine

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
# Pillow reports multi-picture JPEGs from phones and cameras as "MPO"; the first picture is the photo.
_OPENED_AS = (*ACCEPTED_FORMATS, "MPO")


@dataclass(frozen=True)
class IntakeLimits:
    """What a photo must satisfy. Face measures are relative to the face, not to the photo.

    Calibration (dlib engine, ``bench/intake_quality.py``) on the project's photo sets: the 25 pair photos,
    the single-person photos of people/, every 4th frame of the real clip, and 150 x 150 px crops of all
    of them (face boxes 75-125 px, eye distances 23-59 px). The sharpness ratio of sharp faces was
    2.07-6.3 in every set; the same images Gaussian-blurred with sigma = eye distance / 25 (about face
    width / 60) fell to 1.40-2.01, with sigma = eye distance / 40 to 1.61-2.64 (a mild softening that
    still recognises well). Mean face luminance of the sets: 88-188.
    """

    max_bytes: int = 10 * 1024 * 1024
    #: width x height as declared by the header, checked before decoding: 16 MP, the cap of every other
    #: upload (a 6300 x 6300 one-colour PNG is a 100 KB file that would decode to about 120 MB of RGB)
    max_pixels: int = 16_000_000
    #: the working copy (and the re-encoded JPEG) is shrunk to this long side
    working_max_side: int = 1024
    #: inter-ocular distance (between the eye centres of the 5 landmarks), in pixels of the working copy.
    #: 30 px is a face box of about 70 px: a 150 x 150 px crop of a face with some margin (see above)
    min_eye_distance_px: float = 30.0
    #: a second face whose box is at least this wide makes the photo ``multiple_faces``
    min_face_px: int = 40
    #: ``face_sharpness`` (re-blur ratio, scale- and contrast-free), see the calibration above
    min_sharpness: float = 1.9
    #: mean luminance (0-255) of the face box
    min_brightness: float = 50.0
    #: fraction of the expected face area (from the eyes, see ``face_cut_off_fraction``) outside the image
    max_cut_off_fraction: float = 0.10
    #: |nose offset from the eye midline| / eye distance, from the 5 landmarks (0 = frontal)
    max_yaw_ratio: float = 0.35
    max_roll_deg: float = 25.0
    jpeg_quality: int = 90
    # Frontal photos have |yaw| <= 0.14, the clip's 30-degree turns 0.32-0.34 (dlib's nose point is the
    # base of the nose; SCRFD's nose tip moves further, so an insightface deployment may want a higher
    # yaw limit).


#: for the frames of a liveness session: the head turns by design, the camera is a webcam (softer)
FRAME_LIMITS = IntakeLimits(
    max_bytes=2 * 1024 * 1024,
    max_pixels=4_000_000,
    working_max_side=640,
    min_eye_distance_px=24.0,
    min_face_px=32,
    min_sharpness=1.6,
    min_brightness=35.0,
    max_cut_off_fraction=0.25,
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
    """A rejected image. ``code`` is stable (API clients switch on it); ``message`` is for people
    (translated when read, in the active language)."""

    def __init__(self, code: str, message):
        super().__init__(code)
        self.code = code
        self._message = message

    @property
    def message(self) -> str:
        return str(self._message)

    def __repr__(self) -> str:
        return f"IntakeError({self.code!r})"


def _open(data: bytes, limits: IntakeLimits) -> Image.Image:
    if not data:
        raise IntakeError("corrupt_image", _("The file is empty."))
    if len(data) > limits.max_bytes:
        raise IntakeError(
            "file_too_large",
            _("The file is larger than %(mb)d MB.") % {"mb": limits.max_bytes // (1024 * 1024)},
        )
    try:
        # ``formats`` stops Pillow from trying any other decoder (TIFF, BMP, GIF, PSD, EPS, ...).
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError as exc:
        raise IntakeError("too_many_pixels", _("The image has too many pixels.")) from exc
    except UnidentifiedImageError as exc:
        raise IntakeError("unsupported_format", _("Only JPEG, PNG and WebP images are accepted.")) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise IntakeError("corrupt_image", _("The image data is damaged or incomplete.")) from exc
    if image.format not in _OPENED_AS:  # belt and braces
        raise IntakeError("unsupported_format", _("Only JPEG, PNG and WebP images are accepted."))
    width, height = image.size
    if width < 1 or height < 1 or width * height > limits.max_pixels:
        raise IntakeError("too_many_pixels", _("The image has too many pixels."))
    if image.format != "MPO" and getattr(image, "n_frames", 1) > 1:
        raise IntakeError("unsupported_format", _("Animated images are not accepted."))
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
        raise IntakeError("too_many_pixels", _("The image has too many pixels.")) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise IntakeError("corrupt_image", _("The image data is damaged or incomplete.")) from exc
    if max(rgb.size) > limits.working_max_side:
        rgb.thumbnail((limits.working_max_side, limits.working_max_side), Image.Resampling.LANCZOS)
    return rgb


def eye_distance(face: DetectedFace) -> float:
    """Inter-ocular distance in pixels: between the eye centres of the 5 landmarks."""
    return float(np.linalg.norm(np.asarray(face.landmarks[1], float) - np.asarray(face.landmarks[0], float)))


def _face_grey(rgb: np.ndarray, face: DetectedFace) -> np.ndarray:
    height, width = rgb.shape[:2]
    left, top, right, bottom = face.box
    left, top, right, bottom = max(left, 0), max(top, 0), min(right, width), min(bottom, height)
    crop = np.ascontiguousarray(rgb[top:bottom, left:right])
    if crop.size == 0:
        return np.zeros((0, 0), np.float32)
    return cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY).astype(np.float32)


#: faces are compared at (at most) this eye distance: larger faces are shrunk, smaller never enlarged
SHARPNESS_EYE_DISTANCE_PX = 32.0


def face_sharpness(rgb: np.ndarray, face: DetectedFace) -> float:
    """How much detail the face holds beyond a 1-pixel blur: std of the Laplacian of the face box over
    the std of the Laplacian of the same box blurred with sigma 1 (the "re-blur" idea of Crete et al.).

    Relative to the face: the box is first shrunk so the eyes are ``SHARPNESS_EYE_DISTANCE_PX`` apart
    (never enlarged: enlarging a small sharp face is what made it look blurred), and the ratio does not
    change with contrast or brightness. A sharp face scores above 2, a blurred one tends to 1.
    """
    grey = _face_grey(rgb, face)
    if grey.size == 0 or min(grey.shape) < 8:
        return 0.0
    scale = min(1.0, SHARPNESS_EYE_DISTANCE_PX / max(eye_distance(face), 1.0))
    if scale < 1.0:
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    detail = float(cv2.Laplacian(grey, cv2.CV_32F).std())
    reblurred = float(cv2.Laplacian(cv2.GaussianBlur(grey, (0, 0), 1.0), cv2.CV_32F).std())
    return detail / max(reblurred, 1e-3)


def face_brightness(rgb: np.ndarray, face: DetectedFace) -> float:
    """Mean luminance (0-255) of the face box."""
    grey = _face_grey(rgb, face)
    return float(grey.mean()) if grey.size else 0.0


def face_cut_off_fraction(rgb: np.ndarray, face: DetectedFace) -> float:
    """Fraction of the face expected from the eyes that lies outside the image.

    The detector clips its box at the edges, so the expected face is built from the eyes instead:
    1.2 eye distances either side of their midpoint, 1.0 above and 1.7 below (forehead to chin).
    """
    left_eye, right_eye = (np.asarray(p, dtype=np.float64) for p in face.landmarks[:2])
    iod = max(eye_distance(face), 1.0)
    mid = (left_eye + right_eye) / 2
    x0, x1 = mid[0] - 1.2 * iod, mid[0] + 1.2 * iod
    y0, y1 = mid[1] - 1.0 * iod, mid[1] + 1.7 * iod
    height, width = rgb.shape[:2]
    inside = max(0.0, min(x1, width) - max(x0, 0.0)) * max(0.0, min(y1, height) - max(y0, 0.0))
    return 1.0 - inside / ((x1 - x0) * (y1 - y0))


def face_pose(face: DetectedFace) -> tuple[float, float]:
    """(yaw ratio, roll degrees) from the 5 landmarks: the nose's offset from the eyes' midline in
    eye distances (0 when frontal; about 0.3 at 30 degrees), and the tilt of the line between the eyes."""
    left_eye, right_eye, nose = (np.asarray(p, dtype=np.float64) for p in face.landmarks[:3])
    axis = right_eye - left_eye
    iod = float(np.linalg.norm(axis)) or 1.0
    yaw = float(np.dot(nose - (left_eye + right_eye) / 2, axis / iod) / iod)
    roll = float(np.degrees(np.arctan2(axis[1], axis[0])))
    return yaw, roll


def photo_limits() -> IntakeLimits:
    """The limits for a still photo, with the configured pixel cap (``PHOTO_MAX_PIXELS``)."""
    from .conf import verification_settings

    return replace(IntakeLimits(), max_pixels=int(verification_settings.PHOTO_MAX_PIXELS))


def image_intake(
    data: bytes,
    *,
    engine: FaceEngine,
    limits: IntakeLimits | None = None,
    require_single_face: bool = True,
    embed: bool = False,
) -> IntakeResult:
    """Validate, clean and check one uploaded image; raises IntakeError with a stable code.

    ``embed``: also compute the unit-length embedding (frames of a liveness session skip it).
    ``require_single_face``: reject a second face of at least half the minimum face size; when False
    the largest face is used.
    """
    limits = limits or photo_limits()
    rgb = np.asarray(_decode(_open(data, limits), limits), dtype=np.uint8)
    buffer = io.BytesIO()
    # A new image from bare pixels: Pillow would otherwise carry ``info`` entries (the JPEG comment,
    # for one) of the upload into the saved file.
    Image.fromarray(rgb).save(buffer, "JPEG", quality=limits.jpeg_quality)

    faces = engine.detect(rgb)
    if not faces:
        raise IntakeError("no_face", _("No face was found in the image."))
    face = faces[0]
    if require_single_face and sum(1 for f in faces if f.width >= limits.min_face_px) > 1:
        raise IntakeError("multiple_faces", _("More than one face is in the image; only yours should be."))
    quality = _face_quality(rgb, face)
    _check_quality(quality, limits)
    embedding = engine.embed(rgb, face) if embed else None
    return IntakeResult(buffer.getvalue(), rgb, face, embedding, quality)


def _face_quality(rgb: np.ndarray, face: DetectedFace) -> dict[str, float]:
    yaw, roll = face_pose(face)
    return {
        "eye_distance_px": eye_distance(face),
        "cut_off_fraction": face_cut_off_fraction(rgb, face),
        "yaw_ratio": yaw,
        "roll_deg": roll,
        "brightness": face_brightness(rgb, face),
        "sharpness": face_sharpness(rgb, face),
        "face_px": float(face.width),
    }


def _check_quality(quality: dict[str, float], limits: IntakeLimits) -> None:
    """One code per problem, in the order a person can fix them: framing, size, pose, light, focus."""
    if quality["cut_off_fraction"] > limits.max_cut_off_fraction:
        raise IntakeError(
            "face_cut_off",
            _(
                "Part of the face is outside the photo. Take a photo with your whole face, "
                "from forehead to chin, inside the frame."
            ),
        )
    if quality["eye_distance_px"] < limits.min_eye_distance_px:
        raise IntakeError(
            "face_too_small",
            _(
                "The face is too small in this photo (the eyes must be at least %(px)d pixels apart). "
                "Move closer to the camera, or upload the original photo instead of a reduced copy."
            )
            % {"px": round(limits.min_eye_distance_px)},
        )
    if abs(quality["yaw_ratio"]) > limits.max_yaw_ratio or abs(quality["roll_deg"]) > limits.max_roll_deg:
        raise IntakeError("pose_out_of_range", _("Please face the camera with your head upright."))
    if quality["brightness"] < limits.min_brightness:
        raise IntakeError(
            "too_dark",
            _("The face is too dark. Take the photo in brighter, even light, facing the light."),
        )
    if quality["sharpness"] < limits.min_sharpness:
        raise IntakeError(
            "too_blurry",
            _(
                "The face is not sharp enough. Hold the camera still, "
                "let it focus on your face and try again."
            ),
        )
