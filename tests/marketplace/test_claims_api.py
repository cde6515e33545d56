""" "This is my face" and host reports through the API: the real person's claim (real clip, real engines)
opens an urgent case with the evidence scores; host platforms' reports are cases of source host_report."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from listings.state import ListingStatus
from marketplace.models import FaceClaim, ModerationCase
from marketplace.moderation.state import CaseSource, Severity
from tests.marketplace.test_moderation_claims import listed_face  # noqa: F401  (fixture)
from tests.verification.conftest import (  # noqa: F401  (fixtures)
    CLIP_PERSON_PHOTO,
    clip_frames,
    decisions_inline,
    enroll,
    photo,
)

pytestmark = pytest.mark.django_db
CLAIMS = "/api/v1/face-claims/"
HOST_REPORTS = "/api/v1/moderation/host-reports/"


def api_as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.faces
def test_the_real_persons_claim_through_the_api_opens_an_urgent_case_with_scores(
    listed_face,  # noqa: F811
    make_user,
    enroll,  # noqa: F811
):
    claimant = make_user("real_person")
    bad = api_as(claimant).post(CLAIMS, {"listing": 999_999}, format="json")
    assert bad.status_code == 400 and "listing" in bad.json()["fields"]
    made = api_as(claimant).post(
        CLAIMS, {"listing": listed_face.pk, "statement": "That is me"}, format="json"
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["status"] == "verifying" and body["case"] is None and body["verification_url"]
    assert api_as(make_user("other1")).get(f"{CLAIMS}{body['id']}/").status_code == 404

    enroll(claimant)  # the real liveness check with the real clip, as the verification API runs it
    decided = api_as(claimant).get(f"{CLAIMS}{body['id']}/").json()
    assert decided["status"] == "matched" and decided["case"]
    assert "score" not in decided  # no biometric score goes back to the claimant
    case = ModerationCase.objects.get(pk=decided["case"])
    assert case.source == CaseSource.FACE_CLAIM and case.severity == Severity.URGENT
    assert case.evidence["liveness_passed"] and "score" in case.evidence and "threshold" in case.evidence
    listed_face.refresh_from_db()
    assert listed_face.status == ListingStatus.PAUSED
    assert FaceClaim.objects.get(pk=body["id"]).case_id == case.pk


def test_host_reports_need_the_host_permission_and_open_a_host_report_case(make_user, published_listing):
    user = make_user("someone")
    body = {"listing": published_listing.pk, "reason": "stolen_face", "host_reference": "video 4711"}
    refused = api_as(user).post(HOST_REPORTS, body, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_a_host"

    host = make_user("host_platform")
    host.user_permissions.add(Permission.objects.get(codename="report_as_host"))
    assert api_as(host).post(HOST_REPORTS, {**body, "reason": "nonsense"}, format="json").status_code == 400
    assert not ModerationCase.objects.exists()
    made = api_as(host).post(HOST_REPORTS, body, format="json")
    assert made.status_code == 201, made.content
    case = ModerationCase.objects.get(pk=made.json()["id"])
    assert case.source == CaseSource.HOST_REPORT and case.severity == Severity.HIGH
    assert "video 4711" in case.evidence["details"]
    assert set(made.json()) == {"id", "status"}  # the host learns it is in, not what moderators know
