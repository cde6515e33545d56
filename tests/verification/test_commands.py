"""Management commands: face_compare (operators, moderators) and protected_faces_import."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from django.core.management import call_command
from PIL import Image

from verification.models import FaceTemplate, ProtectedPerson

from .conftest import PEOPLE

pytestmark = pytest.mark.faces


def run(*args) -> dict:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def test_face_compare_prints_scores_thresholds_and_verdicts(tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff not a jpeg")
    report = run(
        "face_compare",
        str(PEOPLE / "obama.jpg"),
        str(PEOPLE / "obama2.jpg"),
        str(PEOPLE / "biden.jpg"),
        str(broken),
        str(tmp_path / "missing.jpg"),
    )
    assert report["engine"] == "dlib-resnet-v1" and report["metric"] == "euclidean"
    pairs = {(p["a"].rsplit("/", 1)[-1], p["b"].rsplit("/", 1)[-1]): p for p in report["pairs"]}
    assert set(pairs) == {
        ("obama.jpg", "obama2.jpg"),
        ("obama.jpg", "biden.jpg"),
        ("obama2.jpg", "biden.jpg"),
    }
    same = pairs[("obama.jpg", "obama2.jpg")]
    assert same["same_person"] is True and same["distance"] < same["threshold"]
    assert pairs[("obama.jpg", "biden.jpg")]["same_person"] is False
    failed = {f["image"].rsplit("/", 1)[-1]: f["code"] for f in report["failed"]}
    assert failed == {"broken.jpg": "unsupported_format", "missing.jpg": "unreadable"}
    assert "embedding" not in json.dumps(report)


@pytest.mark.django_db
def test_protected_faces_import_makes_one_person_per_photo_and_reports_skips(tmp_path):
    for name in ("obama.jpg", "biden.jpg", "two_people.jpg"):
        shutil.copy(PEOPLE / name, tmp_path / name)
    with Image.open(PEOPLE / "biden.jpg") as image:
        image.resize((image.width // 8, image.height // 8)).save(tmp_path / "tiny_face.jpg")
    (tmp_path / "notes.txt").write_text("not a photo")

    report = run("protected_faces_import", str(tmp_path), "--reason", "public_figure")

    assert sorted(a["file"] for a in report["added"]) == ["biden.jpg", "obama.jpg"]
    skipped = {s["file"]: s["code"] for s in report["skipped"]}
    assert skipped.pop("tiny_face.jpg") in {"face_too_small", "no_face"}
    assert skipped == {"two_people.jpg": "multiple_faces", "notes.txt": "not_an_image"}
    assert set(ProtectedPerson.objects.values_list("name", flat=True)) == {"Obama", "Biden"}
    assert FaceTemplate.objects.filter(kind="protected", is_active=True).count() == 2
    assert ProtectedPerson.objects.filter(reason="public_figure").count() == 2
