"""Consent checks: every reason code, live status flips (revocation, expiry, suspension, takedown),
real face comparison, permissions, bad input and the seller's receipts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from marketplace.models import ConsentCheckReceipt
from marketplace.trust.models import CredentialStatus, LicenceCredential
from marketplace.trust.selectors import credential_check_local
from tests.conftest import DATA_DIR
from verification.selectors import seller_photo_match as real_seller_photo_match

from .conftest import api

pytestmark = pytest.mark.django_db
PEOPLE = DATA_DIR / "faces" / "people"


def use_for(licence, **overrides) -> dict:
    scope = licence.scope
    body = {
        "reference": licence.reference,
        "use_category": scope["use_categories"][0],
        "medium": scope["media"][0],
        "territory": scope["territories"][0],
        "expected_views": 50_000,
    }
    body.update(overrides)
    return body


def check(user, body, fmt="json"):
    return api(user).post("/api/v1/consent-checks/", body, format=fmt)


def codes(response) -> list[tuple[str, str | None]]:
    return [(reason["code"], reason["field"]) for reason in response.json()["reasons"]]


def test_an_in_scope_use_is_allowed_and_receipted_for_the_seller(platform, licence):
    response = check(platform, use_for(licence))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["allowed"] is True and body["reasons"] == [] and body["credential_status"] == "valid"
    assert body["face"] is None
    receipt = ConsentCheckReceipt.objects.get()
    assert receipt.caller == platform and receipt.allowed and receipt.intended_use["expected_views"] == 50_000
    seen = api(licence.seller).get("/api/v1/consent-checks/receipts/").json()["results"]
    assert [(item["caller"], item["allowed"]) for item in seen] == [("genai_tool", True)]


def test_the_credential_itself_can_be_the_question(platform, licence):
    token = LicenceCredential.objects.get(licence=licence).token
    body = use_for(licence, credential=token)
    body.pop("reference")
    assert check(platform, body).json()["allowed"] is True
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    refused = check(platform, {**body, "credential": tampered})
    assert refused.status_code == 400
    assert refused.json() == {
        "code": "credential_invalid",
        "message": refused.json()["message"],
        "fields": {"credential": ["bad_signature"]},
    }
    mismatch = check(platform, {**body, "reference": "FL-0000000000000000"})
    assert mismatch.status_code == 400 and mismatch.json()["code"] == "credential_mismatch"


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"use_category": "games"}, "use_category"),
        ({"medium": "cinema"}, "medium"),
        ({"territory": "EU"}, "territory"),
        ({"expected_views": 500_000_000}, "expected_views"),
        ({"ai_training": True}, "ai_training"),
        ({"sensitive_uses": ["political"]}, "sensitive_uses"),
        ({"monetisation": "paid"}, "monetisation"),
    ],
)
def test_outside_scope_names_the_field(platform, licence, override, field):
    scope = licence.scope
    assert scope["monetisation"] == "free"
    assert override.get("use_category") not in scope["use_categories"]
    assert (
        override.get("medium") not in scope["media"] and override.get("territory") not in scope["territories"]
    )
    response = check(platform, use_for(licence, **override))
    assert response.json()["allowed"] is False
    assert codes(response) == [("outside_scope", field)]


def test_dates_before_and_after_the_licence(platform, licence):
    before = (licence.starts_at - timedelta(days=2)).date().isoformat()
    after = (licence.ends_at + timedelta(days=2)).date().isoformat()
    assert codes(check(platform, use_for(licence, date=before))) == [("not_yet_valid", "date")]
    assert codes(check(platform, use_for(licence, date=after))) == [("expired", "date")]


def test_revocation_flips_the_status_entry_and_the_check_answers_revoked(
    platform, licence, django_capture_on_commit_callbacks
):
    from marketplace.usage.revocation import revocation_request, revocations_apply

    credential = LicenceCredential.objects.get(licence=licence)
    with django_capture_on_commit_callbacks(execute=True):
        revocation_request(seller=licence.seller, listing=licence.listing, reason="moving on")
    with django_capture_on_commit_callbacks(execute=True):
        assert revocations_apply(now=timezone.now() + timedelta(days=61)) == 1
    credential.refresh_from_db()
    assert credential.status == CredentialStatus.INVALID
    assert credential_check_local(credential.token).reason == "revoked"
    response = check(platform, use_for(licence))
    assert response.json()["credential_status"] == "revoked"
    assert ("revoked", None) in codes(response)


def test_expiry_flips_the_status_entry(platform, licence, django_capture_on_commit_callbacks):
    from marketplace.usage.deadlines import licences_expire

    with django_capture_on_commit_callbacks(execute=True):
        assert licences_expire(now=licence.ends_at + timedelta(seconds=1)) == 1
    assert LicenceCredential.objects.get(licence=licence).status == CredentialStatus.INVALID
    assert ("expired", None) in codes(check(platform, use_for(licence)))


def _case(listing):
    from marketplace.moderation.services import moderation_case_open
    from marketplace.moderation.state import CaseSource, Severity

    return moderation_case_open(
        source=CaseSource.USER_REPORT, severity=Severity.HIGH, listing=listing, summary="stolen face"
    )


def test_suspension_and_takedown_flip_the_entry(
    platform, licence, moderator, django_capture_on_commit_callbacks
):
    from marketplace.moderation.services import moderation_case_act
    from marketplace.moderation.state import CaseAction

    case = _case(licence.listing)
    with django_capture_on_commit_callbacks(execute=True):
        moderation_case_act(case=case, moderator=moderator, action=CaseAction.SUSPEND, reason="under review")
    credential = LicenceCredential.objects.get(licence=licence)
    assert credential.status == CredentialStatus.SUSPENDED
    assert credential_check_local(credential.token).reason == "suspended"
    response = check(platform, use_for(licence))
    assert response.json()["credential_status"] == "suspended" and ("suspended", None) in codes(response)

    with django_capture_on_commit_callbacks(execute=True):
        moderation_case_act(
            case=_case(licence.listing), moderator=moderator, action=CaseAction.TAKE_DOWN, reason="stolen"
        )
    credential.refresh_from_db()
    assert credential.status == CredentialStatus.INVALID
    assert ("revoked", None) in codes(check(platform, use_for(licence)))


def test_callers_without_rights_get_403_and_unknown_licences_404(platform, licence, make_user):
    stranger = make_user("stranger", "buyer")
    refused = check(stranger, use_for(licence))
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert set(refused.json()) == {"code", "message", "fields"}
    assert check(licence.seller, use_for(licence)).status_code == 403
    assert check(licence.buyer, use_for(licence)).status_code == 200  # a buyer may check their own licence
    assert api().post("/api/v1/consent-checks/", use_for(licence), format="json").status_code == 401
    missing = check(platform, use_for(licence, reference="FL-0000000000000000"))
    assert missing.status_code == 404 and missing.json()["code"] == "licence_not_found"
    assert ConsentCheckReceipt.objects.count() == 1  # only the buyer's own answered check


def test_bad_input_is_a_clear_400_and_writes_nothing(platform, licence):
    response = check(platform, use_for(licence, use_category="drama_everything"))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input" and "use_category" in response.json()["fields"]
    body = use_for(licence)
    body.pop("reference")
    assert "credential" in check(platform, body).json()["fields"]
    assert ConsentCheckReceipt.objects.count() == 0


def test_consent_checks_are_rate_limited_per_caller(platform, licence):
    cache.clear()
    with override_settings(FACE_MARKET={"CONSENT_CHECK_RATE": "2/min"}):
        assert [check(platform, use_for(licence)).status_code for _ in range(3)] == [200, 200, 429]
        assert check(platform, use_for(licence)).json()["code"] == "throttled"
    cache.clear()


@pytest.fixture
def real_faces(monkeypatch, licence):
    """The real face comparison (dlib engine): the seller's template is made from a real photo."""
    import verification.selectors
    from verification.engine_registry import get_face_engine
    from verification.models import FaceTemplate
    from verification.photos import photo_embedding
    from verification.services.templates import face_template_enroll

    monkeypatch.setattr(verification.selectors, "seller_photo_match", real_seller_photo_match)
    engine = get_face_engine()
    _clean, embedding = photo_embedding((PEOPLE / "obama.jpg").read_bytes(), engine=engine)
    face_template_enroll(
        kind=FaceTemplate.Kind.SELLER, embedding=embedding, engine=engine, subject_user=licence.seller
    )
    return licence


def _with_image(licence, name: str) -> dict:
    image = SimpleUploadedFile(name, (PEOPLE / name).read_bytes(), content_type="image/jpeg")
    return {**use_for(licence), "face_image": image}


def test_a_still_of_the_licensed_person_is_allowed_and_another_person_is_denied(platform, real_faces):
    licence = real_faces
    same = check(platform, _with_image(licence, "obama2.jpg"), fmt="multipart").json()
    assert same["allowed"] is True
    assert same["face"]["compared"] is True and same["face"]["matched"] is True
    assert isinstance(same["face"]["score"], float)
    other = check(platform, _with_image(licence, "biden.jpg"), fmt="multipart").json()
    assert other["allowed"] is False and other["reasons"][0]["code"] == "face_mismatch"
    assert other["face"]["matched"] is False
    assert set(other["face"]) <= {"compared", "matched", "score", "error"}  # a score, never an embedding
    receipts = ConsentCheckReceipt.objects.order_by("created_at", "id")
    assert [(r.allowed, r.face_compared) for r in receipts] == [(True, True), (False, True)]


def test_an_image_without_a_clear_face_and_a_face_never_enrolled(platform, licence, monkeypatch):
    import io

    from PIL import Image

    import verification.selectors

    monkeypatch.setattr(verification.selectors, "seller_photo_match", real_seller_photo_match)
    # the seller has no template of this engine: nothing to compare with
    answer = check(platform, _with_image(licence, "obama2.jpg"), fmt="multipart").json()
    assert [r["code"] for r in answer["reasons"]] == ["face_not_comparable"]
    assert answer["face"] == {"compared": False, "matched": False, "score": None}
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (90, 120, 160)).save(buffer, "JPEG")
    blank = SimpleUploadedFile("blank.jpg", buffer.getvalue(), content_type="image/jpeg")
    from verification.engine_registry import get_face_engine
    from verification.models import FaceTemplate
    from verification.photos import photo_embedding
    from verification.services.templates import face_template_enroll

    engine = get_face_engine()
    _clean, embedding = photo_embedding((PEOPLE / "obama.jpg").read_bytes(), engine=engine)
    face_template_enroll(
        kind=FaceTemplate.Kind.SELLER, embedding=embedding, engine=engine, subject_user=licence.seller
    )
    unreadable = check(platform, {**use_for(licence), "face_image": blank}, fmt="multipart").json()
    assert [r["code"] for r in unreadable["reasons"]] == ["face_unreadable"]
    assert unreadable["face"]["compared"] is False and "error" in unreadable["face"]
