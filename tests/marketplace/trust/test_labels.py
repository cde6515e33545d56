"""Content labels: C2PA manifest read back by c2pa.Reader, GB 45438-2025 XMP fields, the reader API and
command, and clear 4xx answers for bad uploads (with nothing written)."""

from __future__ import annotations

import io
import json

import c2pa
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from PIL import Image, ImageStat

from marketplace.models import ContentLabel
from marketplace.trust.labels import AIGC_NS, LICENCE_ASSERTION, TRAINED_ALGORITHMIC_MEDIA, labels_read
from marketplace.trust.models import LicenceCredential
from tests.conftest import DATA_DIR

from .conftest import api

pytestmark = pytest.mark.django_db
STILL = DATA_DIR / "faces" / "people" / "kit_harington1.jpg"


def upload(data: bytes, name: str = "still.jpg", content_type: str = "image/jpeg"):
    return {"file": SimpleUploadedFile(name, data, content_type=content_type)}


def label(user, licence, data: bytes, **kwargs):
    return api(user).post(
        f"/api/v1/licences/{licence.reference}/labels/", upload(data, **kwargs), format="multipart"
    )


def test_a_labelled_jpeg_carries_the_c2pa_manifest_and_the_xmp_label(licence):
    response = label(licence.buyer, licence, STILL.read_bytes())
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "image/jpeg"
    labelled = response.content
    record = ContentLabel.objects.get()
    assert response["X-Produce-Id"] == str(record.produce_id)

    with c2pa.Reader("image/jpeg", io.BytesIO(labelled)) as reader:
        store = json.loads(reader.json())
    manifest = store["manifests"][store["active_manifest"]]
    assertions = {item["label"]: item["data"] for item in manifest["assertions"]}
    actions = next(data for name, data in assertions.items() if name.startswith("c2pa.actions"))
    assert actions["actions"][0]["digitalSourceType"] == TRAINED_ALGORITHMIC_MEDIA
    assert assertions[LICENCE_ASSERTION]["reference"] == licence.reference
    assert assertions[LICENCE_ASSERTION]["credential"] == LicenceCredential.objects.get(licence=licence).token
    # signed by the platform's own CA: valid signature, not on the C2PA trust list (documented)
    assert [item["code"] for item in store["validation_status"]] == ["signingCredential.untrusted"]

    assert AIGC_NS.encode() in labelled
    fields = labels_read(labelled).aigc
    assert set(fields) == {
        "Label",
        "ContentProducer",
        "ProduceID",
        "ReservedCode1",
        "ContentPropagator",
        "PropagateID",
        "ReservedCode2",
    }
    assert fields["Label"] == "1" and fields["ProduceID"] == str(record.produce_id)
    assert fields["ReservedCode1"] == f"fm-licence:{licence.reference}"
    assert fields["ContentProducer"].startswith("org:")
    image = Image.open(io.BytesIO(labelled))
    original = Image.open(STILL)
    assert image.size == original.size
    band = image.convert("L").crop((0, image.height - 10, image.width, image.height))
    assert ImageStat.Stat(band).mean[0] < 90  # the visible label's dark band


def test_the_reader_api_and_command_find_both_labels_and_verify_the_credential(
    licence, make_user, tmp_path, capsys
):
    labelled = label(licence.buyer, licence, STILL.read_bytes()).content
    reviewer = make_user("platform_reviewer")
    report = api(reviewer).post("/api/v1/labels/read/", upload(labelled), format="multipart").json()
    assert report["aigc"]["ReservedCode1"] == f"fm-licence:{licence.reference}"
    assert report["c2pa"]["licence"]["reference"] == licence.reference
    assert "credential" not in report["c2pa"]["licence"]
    assert report["c2pa"]["validation_codes"] == ["signingCredential.untrusted"]
    assert report["credential"] == {
        "valid": True,
        "reason": None,
        "status": "valid",
        "reference": licence.reference,
    }

    path = tmp_path / "labelled.jpg"
    path.write_bytes(labelled)
    call_command("label_read", str(path))
    assert json.loads(capsys.readouterr().out)["credential"]["valid"] is True

    plain = api(reviewer).post("/api/v1/labels/read/", upload(STILL.read_bytes()), format="multipart").json()
    assert plain["aigc"] is None and plain["c2pa"]["licence"] is None and plain["credential"] is None


def _png_bytes(size=(64, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 40, 60)).save(out, "PNG")
    return out.getvalue()


def test_bad_uploads_get_a_clear_4xx_and_nothing_is_written(licence):
    data = STILL.read_bytes()
    corrupt = label(licence.buyer, licence, data[: len(data) // 3])
    assert corrupt.status_code == 400 and corrupt.json()["code"] == "image_unreadable"
    text = label(
        licence.buyer, licence, b"%PDF-1.4 not an image at all", name="x.pdf", content_type="application/pdf"
    )
    assert text.status_code == 400 and text.json()["code"] == "not_an_image"
    with override_settings(FACE_MARKET={"LABEL_IMAGE_MAX_BYTES": 10_000}):
        huge = label(licence.buyer, licence, data)
    assert huge.status_code == 413 and huge.json()["code"] == "file_too_large"
    with override_settings(FACE_MARKET={"LABEL_IMAGE_MAX_PIXELS": 1_000}):
        many = label(licence.buyer, licence, _png_bytes())
    assert many.status_code == 413 and many.json()["code"] == "image_too_large"
    missing = api(licence.buyer).post(f"/api/v1/licences/{licence.reference}/labels/", {}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["fields"]
    assert ContentLabel.objects.count() == 0
    assert label(licence.buyer, licence, _png_bytes()).status_code == 200  # a PNG is fine


def test_only_the_buyer_labels_and_only_while_the_licence_holds(
    licence, make_user, django_capture_on_commit_callbacks
):
    from marketplace.usage.deadlines import licences_expire

    assert label(licence.seller, licence, _png_bytes()).status_code == 403
    assert label(make_user("stranger", "buyer"), licence, _png_bytes()).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        licences_expire(now=licence.ends_at)
    refused = label(licence.buyer, licence, _png_bytes())
    assert refused.status_code == 409 and refused.json()["code"] == "licence_not_valid"
    assert ContentLabel.objects.count() == 0


def _mp4(path, frames: int = 12) -> bytes:
    """A short real MP4 written with OpenCV (a runtime dependency already)."""
    import cv2
    import numpy as np

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, (160, 120))
    for i in range(frames):
        writer.write(np.full((120, 160, 3), i * 20, np.uint8))
    writer.release()
    return path.read_bytes()


def test_a_labelled_video_keeps_its_frames_and_carries_both_labels(licence, tmp_path):
    import cv2

    from marketplace.trust.labels_video import XMP_UUID

    response = label(
        licence.buyer, licence, _mp4(tmp_path / "in.mp4"), name="clip.mp4", content_type="video/mp4"
    )
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Disposition"].endswith('-labelled.mp4"')
    labelled = response.content
    with c2pa.Reader("video/mp4", io.BytesIO(labelled)) as reader:
        store = json.loads(reader.json())
    manifest = store["manifests"][store["active_manifest"]]
    assertions = {item["label"]: item["data"] for item in manifest["assertions"]}
    assert assertions[LICENCE_ASSERTION]["reference"] == licence.reference
    assert [item["code"] for item in store["validation_status"]] == ["signingCredential.untrusted"]
    assert XMP_UUID in labelled
    found = labels_read(labelled)
    assert found.aigc["ReservedCode1"] == f"fm-licence:{licence.reference}"
    assert found.c2pa_digital_source_type == TRAINED_ALGORITHMIC_MEDIA
    out = tmp_path / "out.mp4"
    out.write_bytes(labelled)
    capture = cv2.VideoCapture(str(out))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 12  # nothing re-encoded or dropped
    capture.release()
    assert ContentLabel.objects.get().media_type == "video/mp4"

    report = api(licence.buyer).post(
        "/api/v1/labels/read/", upload(labelled, name="x.mp4"), format="multipart"
    )
    assert report.json()["credential"]["valid"] is True


def test_a_damaged_video_is_refused(licence, tmp_path):
    data = _mp4(tmp_path / "in.mp4")
    broken = label(licence.buyer, licence, data[: len(data) // 2], name="clip.mp4", content_type="video/mp4")
    assert broken.status_code == 400 and broken.json()["code"] == "video_unreadable"
    with override_settings(FACE_MARKET={"LABEL_VIDEO_MAX_BYTES": 1_000}):
        huge = label(licence.buyer, licence, data, name="clip.mp4", content_type="video/mp4")
    assert huge.status_code == 413
    assert ContentLabel.objects.count() == 0
