"""Image intake on real photos and on hostile files (wrong formats, bombs, truncation, metadata)."""

from __future__ import annotations

import io
import re
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageFile, ImageFilter

from tests.verification.face_sequences import DATA, load_rgb
from verification.engines.dlib_engine import DlibFaceEngine
from verification.intake import FRAME_LIMITS, IntakeError, IntakeLimits, image_intake

pytestmark = pytest.mark.faces
PHOTO = DATA / "pairs" / "img1.jpg"  # one frontal face, 322 px wide


@pytest.fixture(scope="module")
def engine() -> DlibFaceEngine:
    return DlibFaceEngine()


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def reject(data: bytes, engine, **kwargs) -> IntakeError:
    with pytest.raises(IntakeError) as info:
        image_intake(data, engine=engine, **kwargs)
    error = info.value
    # messages are fixed sentences: no measurements (embedding values, scores, coordinates) inside
    assert re.search(r"\d\.\d", error.message) is None
    assert re.fullmatch(r"[a-z_]+", error.code)
    return error


def png_claiming(width: int, height: int) -> bytes:
    """A valid PNG signature and header declaring a huge image, with almost no pixel data behind it."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def test_happy_path(engine):
    result = image_intake(PHOTO.read_bytes(), engine=engine, embed=True)
    assert result.rgb.dtype == np.uint8 and result.rgb.ndim == 3
    assert max(result.rgb.shape[:2]) <= IntakeLimits().working_max_side
    assert result.face.width >= IntakeLimits().min_face_px
    assert result.embedding is not None and result.embedding.shape == (128,)
    assert np.linalg.norm(result.embedding) == pytest.approx(1.0, abs=1e-5)
    with Image.open(io.BytesIO(result.clean_jpeg)) as clean:
        assert clean.format == "JPEG" and clean.size == result.rgb.shape[1::-1]
    assert image_intake(PHOTO.read_bytes(), engine=engine).embedding is None  # only when asked


def test_webp_and_transparent_png_are_accepted(engine):
    upright = Image.open(PHOTO).convert("RGB")
    assert image_intake(encode(upright, "WEBP", quality=90), engine=engine).face.width >= 80
    rgba = upright.convert("RGBA")
    assert image_intake(encode(rgba, "PNG"), engine=engine).rgb.shape[2] == 3


def test_exif_orientation_is_applied(engine):
    """A phone stores the sensor's pixels sideways plus an Orientation tag; intake must stand it up."""
    upright = Image.open(PHOTO).convert("RGB")
    sideways = upright.transpose(Image.Transpose.ROTATE_90)  # stored rotated 90 degrees anticlockwise
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    result = image_intake(encode(sideways, "PNG", exif=exif), engine=engine)
    assert result.rgb.shape[:2] == (upright.height, upright.width)
    difference = np.abs(result.rgb.astype(int) - np.asarray(upright, dtype=int)).mean()
    assert difference < 3.0
    # without the tag the same pixels hold no upright face
    assert reject(encode(sideways, "PNG"), engine).code == "no_face"


def test_metadata_is_stripped(engine):
    image = Image.open(PHOTO).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"
    exif[0x0131] = "SecretSoftware"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (48.0, 51.0, 29.0), "E", (2.0, 17.0, 40.0)
    data = encode(image, "JPEG", exif=exif, comment=b"SecretComment", quality=90)
    assert b"SecretCameraMaker" in data and b"SecretComment" in data
    clean = image_intake(data, engine=engine).clean_jpeg
    for marker in (b"Exif", b"Secret", b"GPS", b"ICC_PROFILE", b"http://ns.adobe.com"):
        assert marker not in clean
    with Image.open(io.BytesIO(clean)) as reopened:
        assert not reopened.getexif() and "exif" not in reopened.info and "comment" not in reopened.info


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO"])
def test_other_formats_are_rejected(engine, fmt):
    image = Image.open(PHOTO).convert("RGB").resize((256, 256))
    assert reject(encode(image, fmt), engine).code == "unsupported_format"


def test_content_decides_not_the_name(engine):
    """Intake never sees a file name: text or HTML that claims to be 'photo.jpg' is still text."""
    for payload in (b"hello, I am photo.jpg", b"<html><script>alert(1)</script></html>", b"\xff\xd8\xff"):
        assert reject(payload, engine).code in ("unsupported_format", "corrupt_image")
    assert reject(b"", engine).code == "corrupt_image"


def test_animated_png_is_rejected(engine):
    frame = Image.open(PHOTO).convert("RGB").resize((128, 128))
    data = encode(frame, "PNG", save_all=True, append_images=[frame.rotate(10)])
    assert reject(data, engine).code == "unsupported_format"


def test_truncated_jpeg_is_rejected(engine):
    data = PHOTO.read_bytes()
    assert reject(data[: len(data) * 6 // 10], engine).code == "corrupt_image"


def test_byte_limit(engine):
    assert reject(PHOTO.read_bytes(), engine, limits=IntakeLimits(max_bytes=10_000)).code == "file_too_large"


def test_decompression_bombs_are_rejected_before_decoding(engine, monkeypatch):
    def no_decoding(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    huge = png_claiming(50_000, 50_000)  # 2.5 gigapixels in 100 bytes: Pillow's own bomb guard
    assert len(huge) < 200
    assert reject(huge, engine).code == "too_many_pixels"
    big = png_claiming(7_000, 7_000)  # below Pillow's guard, above ours
    assert reject(big, engine).code == "too_many_pixels"


def test_no_face(engine):
    blank = Image.new("RGB", (640, 480), (128, 128, 128))
    assert reject(encode(blank, "JPEG"), engine).code == "no_face"
    rng = np.random.default_rng(0)
    landscape = np.cumsum(rng.normal(0, 4, (480, 640, 3)), axis=1).clip(0, 255).astype(np.uint8)
    assert reject(encode(Image.fromarray(landscape), "PNG"), engine).code == "no_face"


@pytest.mark.parametrize("name", ["two_people.jpg", "obama_and_biden.jpg"])
def test_multiple_faces(engine, name):
    data = (DATA / "people" / name).read_bytes()
    assert reject(data, engine).code == "multiple_faces"
    assert image_intake(data, engine=engine, require_single_face=False).face.width >= 80


def test_small_sharp_face_is_accepted_and_a_smaller_one_is_too_small(engine):
    """Size is the eye distance; a small face is told so (with what to do), never "too blurry"."""
    small = Image.open(PHOTO).convert("RGB")
    small.thumbnail((200, 200))  # the face is now about 60 px wide, the eyes about 30 px apart
    result = image_intake(encode(small, "JPEG", quality=95), engine=engine)
    assert result.quality["eye_distance_px"] >= IntakeLimits().min_eye_distance_px
    smaller = Image.open(PHOTO).convert("RGB")
    smaller.thumbnail((150, 150))  # eyes about 22 px apart
    error = reject(encode(smaller, "JPEG", quality=95), engine)
    assert error.code == "face_too_small"
    assert "Move closer" in error.message and "too_small" not in error.message


def test_face_cut_off(engine):
    error = reject((DATA / "people" / "obama_partial_face.jpg").read_bytes(), engine)
    assert error.code == "face_cut_off"


def test_too_dark(engine):
    dark = (np.asarray(Image.open(PHOTO).convert("RGB"), dtype=np.float32) * 0.25).astype(np.uint8)
    error = reject(encode(Image.fromarray(dark), "JPEG", quality=95), engine)
    assert error.code == "too_dark"


def test_too_blurry(engine):
    image = Image.open(PHOTO).convert("RGB")
    face_width = image_intake(PHOTO.read_bytes(), engine=engine).face.width
    blurred = image.filter(ImageFilter.GaussianBlur(face_width / 60))  # about 5 px on this face
    assert reject(encode(blurred, "JPEG", quality=90), engine).code == "too_blurry"


def test_pose_out_of_range(engine):
    tilted = Image.open(PHOTO).convert("RGB").rotate(32, resample=Image.Resampling.BICUBIC, expand=True)
    assert reject(encode(tilted, "JPEG", quality=90), engine).code == "pose_out_of_range"


def test_frame_limits_accept_a_turned_video_frame(engine):
    frame = (DATA / "video_frames" / "frame_133.jpg").read_bytes()  # head turned about 30 degrees
    result = image_intake(frame, engine=engine, limits=FRAME_LIMITS)
    assert result.embedding is None and result.face.width >= FRAME_LIMITS.min_face_px


def test_same_code_same_message(engine):
    """The message depends on the code only, never on the image."""
    a = reject(encode(Image.new("RGB", (300, 300)), "JPEG"), engine)
    b = reject(encode(Image.new("RGB", (500, 200), (200, 10, 10)), "PNG"), engine)
    assert (a.code, a.message) == (b.code, b.message)
    assert repr(a) == "IntakeError('no_face')"
    assert load_rgb(PHOTO).shape[2] == 3


@pytest.mark.parametrize("name", ["obama.jpg", "biden.jpg", "kit_harington1.jpg", "rose_leslie1.jpg"])
def test_150px_crops_of_sharp_faces_are_accepted_and_blurred_ones_refused(engine, name):
    """The size of a face in an evidence still (bench/intake_quality.py runs every photo set)."""
    import cv2

    from tests.verification.face_sequences import face_crop

    rgb = load_rgb(DATA / "people" / name)
    crop = face_crop(rgb, engine.detect(rgb)[0].box, 150)
    result = image_intake(encode(Image.fromarray(crop), "JPEG", quality=90), engine=engine)
    blurred = cv2.GaussianBlur(crop, (0, 0), result.quality["eye_distance_px"] / 15)
    assert reject(encode(Image.fromarray(blurred), "JPEG", quality=90), engine).code == "too_blurry"
