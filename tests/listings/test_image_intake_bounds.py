"""One image intake for every upload, with bounded memory: a pixel cap (16 MP) checked from the
header before anything is decoded, JPEGs decoded at 1/8 scale to find truncation, and usage stills
through the same checks (a truncated JPEG is refused there too)."""

from __future__ import annotations

import io
import time

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from listings.conf import listings_settings
from listings.images import image_inspect
from marketplace.usage.input import stills_clean


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def _jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(out, format="JPEG", quality=80)
    return out.getvalue()


def test_the_default_pixel_cap_is_16_megapixels():
    assert listings_settings.LISTING_PHOTO_MAX_PIXELS == 16_000_000


def test_a_small_file_with_too_many_pixels_is_refused_before_decoding():
    bomb = _png(6300, 6300)  # the case: ~40 MP of one colour in a small PNG
    assert len(bomb) < 300_000
    started = time.perf_counter()
    with pytest.raises(ValidationError) as refused:
        image_inspect(bomb, max_bytes=10_000_000, max_pixels=listings_settings.LISTING_PHOTO_MAX_PIXELS)
    assert refused.value.code == "image_too_many_pixels"
    assert time.perf_counter() - started < 0.5  # header only: nothing was decoded


def test_a_large_jpeg_under_the_cap_is_accepted_and_a_truncated_one_refused():
    good = _jpeg(4000, 3000)
    info = image_inspect(good, max_bytes=10_000_000, max_pixels=16_000_000)
    assert (info.format, info.width, info.height) == ("JPEG", 4000, 3000)
    with pytest.raises(ValidationError) as refused:
        image_inspect(good[: len(good) // 2], max_bytes=10_000_000, max_pixels=16_000_000)
    assert refused.value.code == "image_corrupt"


def test_usage_report_stills_use_the_same_intake():
    good = _jpeg(640, 480)
    assert stills_clean([good])[0][0] == good
    with pytest.raises(ValidationError) as truncated:
        stills_clean([good[: len(good) // 2]])
    assert "stills" in truncated.value.message_dict
    with pytest.raises(ValidationError) as bomb:
        stills_clean([_png(6300, 6300)])
    assert "stills" in bomb.value.message_dict
