"""The public verify page, the printable certificate, the buyer's labelling page, the seller's checks page
(English and Chinese, no internal codes or personal data), and labelled stills matched in usage reports."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.models import ContentLabel, LabelledStill
from marketplace.trust.models import LicenceCredential
from tests.conftest import DATA_DIR

from ..usage_helpers import file_report
from .conftest import api

pytestmark = pytest.mark.django_db
STILL = DATA_DIR / "faces" / "people" / "rose_leslie1.jpg"
INTERNAL_CODES = ("drama_", "up_to_", "short_video_app", "ad_supported", "ai_training", "None")


def page(client, url, language="en"):
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language)


def test_the_verify_page_is_public_and_shows_no_personal_data(client, licence):
    response = page(client, f"/verify/{licence.reference}")
    html = response.content.decode()
    assert response.status_code == 200 and 'data-valid="true"' in html
    assert "Valid now" in html and "Never allowed" in html
    for private in (licence.seller.username, licence.seller.email, licence.buyer.email):
        assert private not in html
    for code in INTERNAL_CODES:
        assert code not in html, code
    chinese = page(client, f"/verify/{licence.reference}", "zh-hans").content.decode()
    assert "当前有效" in chinese and "Valid now" not in chinese


def test_the_verify_page_takes_a_credential_and_says_when_it_is_not_valid(
    client, licence, moderator, django_capture_on_commit_callbacks
):
    from marketplace.moderation.services import moderation_case_act, moderation_case_open
    from marketplace.moderation.state import CaseAction, CaseSource, Severity

    token = LicenceCredential.objects.get(licence=licence).token
    assert 'data-valid="true"' in page(client, f"/verify/{token}").content.decode()
    case = moderation_case_open(
        source=CaseSource.USER_REPORT, severity=Severity.HIGH, listing=licence.listing, summary="stolen"
    )
    with django_capture_on_commit_callbacks(execute=True):
        moderation_case_act(case=case, moderator=moderator, action=CaseAction.TAKE_DOWN, reason="stolen face")
    html = page(client, f"/verify/{token}").content.decode()
    assert 'data-status="revoked"' in html and 'data-valid="false"' in html
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert page(client, f"/verify/{tampered}").status_code == 404
    assert page(client, "/verify/FL-NOSUCHLICENCE").status_code == 404


def test_the_certificate_carries_a_qr_code_of_the_verify_link(client, licence, make_user):
    client.force_login(licence.buyer)
    html = page(client, f"/licences/{licence.reference}/certificate/").content.decode()
    assert "<svg" in html and f"http://localhost/verify/{licence.reference}" in html
    assert "trust.css" in html  # the print stylesheet
    assert "打印" in page(client, f"/licences/{licence.reference}/certificate/", "zh-hans").content.decode()
    client.force_login(make_user("stranger", "buyer"))
    assert page(client, f"/licences/{licence.reference}/certificate/").status_code == 404
    client.logout()
    assert page(client, f"/licences/{licence.reference}/certificate/").status_code == 302


def test_the_licence_page_links_to_verify_certificate_and_labels(client, licence):
    client.force_login(licence.buyer)
    html = page(client, f"/licences/{licence.reference}/").content.decode()
    for url in ("/verify/", "/certificate/", "/labels/"):
        assert f"/licences/{licence.reference}{url}" in html or f"{url}{licence.reference}" in html


def test_the_labels_page_returns_the_labelled_file_to_the_buyer(client, licence):
    client.force_login(licence.buyer)
    assert page(client, f"/licences/{licence.reference}/labels/").status_code == 200
    upload = SimpleUploadedFile("still.jpg", STILL.read_bytes(), content_type="image/jpeg")
    response = client.post(f"/licences/{licence.reference}/labels/", {"file": upload})
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert ContentLabel.objects.count() == 1
    bad = client.post(
        f"/licences/{licence.reference}/labels/",
        {"file": SimpleUploadedFile("x.txt", b"hello", content_type="text/plain")},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert bad.status_code == 400 and 'id="label-error"' in bad.content.decode()
    client.force_login(licence.seller)
    assert page(client, f"/licences/{licence.reference}/labels/").status_code == 404


def test_the_seller_sees_who_checked_their_face(client, licence, platform):
    api(platform).post(
        "/api/v1/consent-checks/",
        {
            "reference": licence.reference,
            "use_category": "games",
            "medium": licence.scope["media"][0],
            "territory": licence.scope["territories"][0],
        },
        format="json",
    )
    client.force_login(licence.seller)
    html = page(client, "/trust/checks/").content.decode()
    assert "genai_tool" in html and "Outside the licence: use category" in html and "Games" in html
    chinese = page(client, "/trust/checks/", "zh-hans").content.decode()
    assert "谁查询了我的肖像" in chinese


def test_a_labelled_still_in_a_usage_report_is_matched_to_its_licence(
    licence, buy, published_listing, django_capture_on_commit_callbacks
):
    labelled = api(licence.buyer).post(
        f"/api/v1/licences/{licence.reference}/labels/",
        {"file": SimpleUploadedFile("s.jpg", STILL.read_bytes(), content_type="image/jpeg")},
        format="multipart",
    )
    other = buy(published_listing)
    report = file_report(
        licence, django_capture_on_commit_callbacks, stills=[labelled.content, STILL.read_bytes()]
    )
    matches = list(LabelledStill.objects.filter(still__report=report))
    assert len(matches) == 1
    match = matches[0]
    assert match.still.position == 0 and match.licence == licence and match.same_licence
    assert match.credential_valid and match.unmodified and match.label == ContentLabel.objects.get()
    stills = api(licence.buyer).get(f"/api/v1/usage/reports/{report.reference}/").json()["stills"]
    assert stills[0]["content_label"] == {
        "licence": licence.reference,
        "same_licence": True,
        "credential_valid": True,
        "unmodified": True,
    }
    assert stills[1]["content_label"] is None
    # the same still filed against another licence is matched to the licence it was labelled for
    elsewhere = file_report(other, django_capture_on_commit_callbacks, stills=[labelled.content])
    mismatch = LabelledStill.objects.get(still__report=elsewhere)
    assert mismatch.licence == licence and mismatch.same_licence is False
