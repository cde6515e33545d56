"""The verification API: the whole enrollment over HTTP, permissions, errors, and no biometric output."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from verification.consent import current_version
from verification.models import Enrollment, FaceMatchFlag, FaceTemplate, LivenessFrame, ReferencePhoto

from .conftest import CLIP_ACTIONS, CLIP_PERSON_PHOTO

pytestmark = pytest.mark.django_db
API = "/api/v1/verification"
#: words that must never appear as keys (or inside values) of any response
BIOMETRIC_WORDS = ("embedding", "landmark", "vector", "descriptor", "jpeg")


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def assert_no_biometrics(body) -> None:
    text = json.dumps(body).lower()
    for word in BIOMETRIC_WORDS:
        assert word not in text, f"{word!r} in API output"

    def no_long_number_lists(value):
        if isinstance(value, list):
            assert not (len(value) >= 16 and all(isinstance(v, float) for v in value)), "a vector leaked"
            for item in value:
                no_long_number_lists(item)
        elif isinstance(value, dict):
            for item in value.values():
                no_long_number_lists(item)

    no_long_number_lists(body)


def start_over_api(client) -> int:
    assert client.post(f"{API}/consent/", {"version": current_version()}, format="json").status_code == 201
    response = client.post(f"{API}/enrollments/")
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.mark.faces
def test_whole_enrollment_over_the_api(
    seller, photo, clip_frames, decisions_inline, django_capture_on_commit_callbacks
):
    client = client_for(seller)
    consent = client.get(f"{API}/consent/").json()
    assert consent["version"] == current_version() and consent["accepted"] is False
    assert "biometric" in consent["text"]
    enrollment_id = start_over_api(client)

    response = client.post(
        f"{API}/enrollments/{enrollment_id}/photos/",
        {"photo": upload("me.jpg", photo(CLIP_PERSON_PHOTO))},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert_no_biometrics(response.json())

    challenge = client.post(f"{API}/enrollments/{enrollment_id}/challenge/").json()
    assert len(challenge["actions"]) == 3 and challenge["nonce"] and challenge["expires_at"]
    Enrollment.objects.filter(pk=enrollment_id).update(challenge_actions=CLIP_ACTIONS)  # the clip's motion

    frames = [upload(f"f{i}.jpg", data) for i, data in enumerate(clip_frames)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{API}/enrollments/{enrollment_id}/frames/",
            {"nonce": challenge["nonce"], "frames": frames},
            format="multipart",
        )
    assert response.status_code == 202, response.content

    status = client.get(f"{API}/enrollments/{enrollment_id}/").json()
    assert status["status"] == "verified" and status["decided"] is True and status["reasons"] == []
    assert_no_biometrics(status)
    assert_no_biometrics(client.get(f"{API}/enrollments/").json())
    assert FaceTemplate.objects.filter(subject_user=seller).count() == 1


@pytest.mark.faces
def test_photo_errors_are_code_and_message(started, seller, photo):
    client = client_for(seller)
    url = f"{API}/enrollments/{started.pk}/photos/"
    corrupt = client.post(url, {"photo": upload("x.jpg", b"\xff\xd8\xff\xe0 broken")}, format="multipart")
    assert corrupt.status_code == 400
    assert set(corrupt.json()) == {"code", "message", "fields"} and corrupt.json()["code"] == "corrupt_image"
    pdf = client.post(url, {"photo": upload("x.jpg", b"%PDF-1.4 ...", "image/jpeg")}, format="multipart")
    assert pdf.json()["code"] == "unsupported_format"
    crowd = client.post(url, {"photo": upload("x.jpg", photo("two_people.jpg"))}, format="multipart")
    assert crowd.status_code == 400 and crowd.json()["code"] == "multiple_faces"
    missing = client.post(url, {}, format="multipart")
    assert missing.status_code == 400 and missing.json()["code"] == "photo_missing"
    assert ReferencePhoto.objects.filter(enrollment=started).count() == 1


def small_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 90, 90)).save(out, "JPEG")
    return out.getvalue()


def test_frame_errors_expired_replayed_and_too_many(started, seller, monkeypatch):
    from verification import tasks

    monkeypatch.setattr(tasks.enrollment_decide_task, "delay", lambda enrollment_id: None)
    client = client_for(seller)
    url = f"{API}/enrollments/{started.pk}/frames/"
    challenge = client.post(f"{API}/enrollments/{started.pk}/challenge/").json()

    def send(count=12, nonce=challenge["nonce"]):
        files = [upload(f"f{i}.jpg", small_jpeg()) for i in range(count)]
        return client.post(url, {"nonce": nonce, "frames": files}, format="multipart")

    assert send(61).json()["code"] == "too_many_frames"
    assert send(nonce="forged").json()["code"] == "nonce_mismatch"
    past = timezone.now() - timedelta(seconds=1)
    Enrollment.objects.filter(pk=started.pk).update(challenge_expires_at=past)
    expired = send()
    assert expired.status_code == 409 and expired.json()["code"] == "challenge_expired"
    assert not LivenessFrame.objects.exists()

    challenge = client.post(f"{API}/enrollments/{started.pk}/challenge/").json()
    assert send(nonce=challenge["nonce"]).status_code == 202
    replay = send(nonce=challenge["nonce"])
    assert replay.status_code == 409 and replay.json()["code"] == "challenge_used"
    assert LivenessFrame.objects.filter(enrollment=started).count() == 12


def test_another_seller_cannot_read_or_act_on_my_enrollment(started, make_user):
    intruder = client_for(make_user("intruder", "seller"))
    for method, path in [("get", ""), ("post", "photos/"), ("post", "challenge/"), ("post", "frames/")]:
        response = getattr(intruder, method)(f"{API}/enrollments/{started.pk}/{path}")
        assert response.status_code == 404, (method, path)
    assert intruder.get(f"{API}/enrollments/").json()["results"] == []
    assert Enrollment.objects.get(pk=started.pk).status == "photos"


def test_buyers_cannot_enroll_and_anonymous_users_are_refused(buyer):
    client = client_for(buyer)
    assert client.get(f"{API}/consent/").status_code == 403
    assert client.post(f"{API}/consent/", {"version": current_version()}, format="json").status_code == 403
    assert client.post(f"{API}/enrollments/").status_code == 403
    assert APIClient().get(f"{API}/enrollments/").status_code in (401, 403)
    assert not Enrollment.objects.exists()


def test_consent_version_mismatch_and_withdrawal(seller):
    client = client_for(seller)
    stale = client.post(f"{API}/consent/", {"version": "1999-01"}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "consent_version_changed"
    assert client.post(f"{API}/enrollments/").json()["code"] == "consent_required"
    start_over_api(client)
    assert client.delete(f"{API}/consent/").status_code == 204
    assert client.get(f"{API}/consent/").json()["accepted"] is False
    assert Enrollment.objects.get(user=seller).status == "withdrawn"


@pytest.mark.faces
def test_only_moderators_manage_protected_persons_and_read_flags(moderator, seller, buyer, photo):
    for user in (seller, buyer):
        client = client_for(user)
        assert client.get(f"{API}/protected-persons/").status_code == 403
        assert (
            client.post(
                f"{API}/protected-persons/", {"name": "X", "reason": "opted_out"}, format="json"
            ).status_code
            == 403
        )
        assert client.get(f"{API}/flags/").status_code == 403

    mod = client_for(moderator)
    created = mod.post(
        f"{API}/protected-persons/", {"name": "Barack Obama", "reason": "public_figure"}, format="json"
    )
    assert created.status_code == 201, created.content
    person_id = created.json()["id"]
    added = mod.post(
        f"{API}/protected-persons/{person_id}/photos/",
        {"photo": upload("o.jpg", photo("obama.jpg"))},
        format="multipart",
    )
    assert added.status_code == 201 and added.json()["templates"] == 1
    assert_no_biometrics(added.json())
    bad = mod.post(
        f"{API}/protected-persons/{person_id}/photos/",
        {"photo": upload("two.jpg", photo("two_people.jpg"))},
        format="multipart",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "multiple_faces"
    assert mod.get(f"{API}/flags/").json()["results"] == []


def test_moderators_read_flags_with_evidence_but_no_embeddings(moderator, seller, make_user):
    from verification.models import BiometricConsent

    owner = make_user("owner", "seller")
    consent = BiometricConsent.objects.create(user=seller, text_version="2026-11", text="t")
    enrollment = Enrollment.objects.create(user=seller, consent=consent, status="blocked")
    template = FaceTemplate.objects.create(
        kind="seller",
        subject_user=owner,
        engine_id="e",
        model_hash="h",
        metric="euclidean",
        dimensions=2,
        embedding=b"\0" * 8,
    )
    FaceMatchFlag.objects.create(
        kind="duplicate",
        enrollment=enrollment,
        subject_user=seller,
        matched_template=template,
        matched_user=owner,
        score=0.2,
        threshold=0.36,
        metric="euclidean",
        engine_id="e",
        model_hash="h",
        evidence={"photos": [{"photo": 0, "template": template.pk, "score": 0.2}]},
    )
    body = client_for(moderator).get(f"{API}/flags/?status=open").json()
    assert body["count"] == 1
    flag = body["results"][0]
    assert flag["matched_user"] == owner.pk and flag["score"] == 0.2 and flag["evidence"]["photos"]
    assert_no_biometrics(body)
