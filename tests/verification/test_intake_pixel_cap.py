"""Verification's uploads go through the same bounded intake as the others: a 16 MP cap read from the
header before any pixel is decoded. The issue's case, a 6300 x 6300 one-colour PNG (about 100 KB that
decodes to about 120 MB of RGB), is a clear 400 on every verification upload endpoint, and the process
does not grow by what a decode would take."""

from __future__ import annotations

import io
import os
import resource
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from verification import services
from verification.conf import verification_settings
from verification.consent import current_version
from verification.intake import IntakeError, image_intake
from verification.models import FaceTemplate, LivenessFrame, ReferencePhoto

pytestmark = pytest.mark.django_db
API = "/api/v1/verification"
#: what one decode of the bomb would take (6300 * 6300 * 3 bytes is 119 MB): the growth must stay far below
GROWTH_LIMIT_BYTES = 40 * 1024 * 1024


def bomb_png(side: int = 6300) -> bytes:
    """A one-colour RGB PNG written row by row (making it never holds the picture in memory)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\x00" + bytes((180, 40, 40)) * side  # filter type 0, then the pixels
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = bomb_png()
    assert len(data) < 300_000  # a small file: only the pixel count can refuse it
    assert Image.open(io.BytesIO(data)).size == (6300, 6300)
    return data


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


class _NoEngine:
    def detect(self, rgb):  # never reached: the photo is refused before decoding
        raise AssertionError("the bomb reached the face engine")


def test_the_photo_cap_is_16_megapixels_and_configurable(bomb):
    assert verification_settings.PHOTO_MAX_PIXELS == 16_000_000
    with pytest.raises(IntakeError) as refused:
        image_intake(bomb, engine=_NoEngine())
    assert refused.value.code == "too_many_pixels"


def _upload(data: bytes, name="bomb.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_every_verification_upload_endpoint_refuses_the_bomb_with_a_400(bomb, seller, moderator, client):
    services.biometric_consent_record(user=seller, text_version=current_version())
    enrollment = services.enrollment_start(user=seller)
    seller_api, moderator_api = APIClient(), APIClient()
    seller_api.force_authenticate(seller)
    moderator_api.force_authenticate(moderator)
    person = services.protected_person_add(name="Someone Famous", reason="opted_out", added_by=moderator)

    rss_before, peak_before = rss_bytes(), peak_rss_bytes()
    answers = {}
    answers["api reference photo"] = seller_api.post(
        f"{API}/enrollments/{enrollment.pk}/photos/", {"photo": _upload(bomb)}, format="multipart"
    )
    answers["api protected face"] = moderator_api.post(
        f"{API}/protected-persons/{person.pk}/photos/", {"photo": _upload(bomb)}, format="multipart"
    )
    # camera frames are JPEG only, 2 MP at most: the PNG is refused from its first bytes
    answers["api frames"] = seller_api.post(
        f"{API}/enrollments/{enrollment.pk}/frames/",
        {"nonce": "x", "frames": [_upload(bomb, "f.jpg")]},
        format="multipart",
    )
    answers["api guided frames"] = seller_api.post(
        f"{API}/enrollments/{enrollment.pk}/guided/frames/",
        {"nonce": "x", "frames": [_upload(bomb, "f.jpg")]},
        format="multipart",
    )
    client.force_login(seller)
    page = client.post(reverse("verification:photos"), {"photo": _upload(bomb)})
    rss_after, peak_after = rss_bytes(), peak_rss_bytes()

    for where, answer in answers.items():
        assert answer.status_code == 400, (where, answer.status_code, answer.content[:300])
        assert answer.json()["code"], where
    assert answers["api reference photo"].json()["code"] == "too_many_pixels"
    assert answers["api protected face"].json()["code"] == "too_many_pixels"
    # the page answers in words (a redirect back to the form with the message, or the form again)
    shown = client.get(reverse("verification:photos")).content.decode() if page.status_code == 302 else ""
    assert page.status_code in (200, 302, 400)
    assert "too many pixels" in (page.content.decode() + shown)
    assert not ReferencePhoto.objects.filter(enrollment=enrollment).exists()
    assert not LivenessFrame.objects.exists()
    assert not FaceTemplate.objects.filter(protected_person=person).exists()

    growth, peak_growth = rss_after - rss_before, peak_after - peak_before
    print(
        f"\nbomb x5 endpoints: RSS growth {growth / 2**20:.1f} MiB, peak growth {peak_growth / 2**20:.1f} MiB"
    )
    assert growth < GROWTH_LIMIT_BYTES and peak_growth < GROWTH_LIMIT_BYTES
