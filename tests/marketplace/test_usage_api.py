"""The usage-report API: filing (multipart and JSON), seller decisions, disputes, notifications;
object-level permissions (404 unseen, 403 wrong role) and bad input refused with nothing written."""

from __future__ import annotations

import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from marketplace.models import Dispute, DisputeAttachment, EvidenceStill, Notification, UsageReport
from payouts.models import Refund
from payouts.selectors import hold_status
from tests.marketplace.purchase_helpers import assert_ledger_balanced
from tests.marketplace.usage_helpers import enroll_face, licensed, photo, report_data

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/usage/reports/"
DISPUTES = "/api/v1/usage/disputes/"


@pytest.fixture
def licence(buyer, published_listing, django_capture_on_commit_callbacks):
    return licensed(buyer, published_listing, django_capture_on_commit_callbacks)


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def multipart(licence, stills=(), **overrides) -> dict:
    data = report_data(licence, **overrides)
    form = {k: v for k, v in data.items() if k not in ("media", "territories", "sensitive_uses")}
    form.update(
        licence=licence.reference,
        shot_list=json.dumps(data["shot_list"]),
        no_training_statement="true",
        media=data["media"],  # repeated fields
        territories=json.dumps(data["territories"]),  # or one JSON list
        stills=[SimpleUploadedFile(f"still{i}.jpg", raw, "image/jpeg") for i, raw in enumerate(stills)],
    )
    return form


def file_json(client, licence, capture, **overrides):
    body = {"licence": licence.reference, **report_data(licence), **overrides}
    with capture(execute=True):
        return client.post(REPORTS, body, format="json")


def test_buyer_files_multipart_with_stills_seller_sees_and_approves(
    licence, buyer, make_user, django_capture_on_commit_callbacks
):
    enroll_face(licence.seller, "obama.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        response = api(buyer).post(REPORTS, multipart(licence, [photo("obama2.jpg")]), format="multipart")
    assert response.status_code == 201, response.json()
    ref = response.json()["reference"]
    body = api(buyer).get(f"{REPORTS}{ref}/").json()
    assert body["status"] == "awaiting_seller" and body["checks"]["in_scope"] is True
    still = body["stills"][0]
    assert still["identity_matched"] is True and still["check_code"] == "licensed_face"
    assert "embedding" not in json.dumps(body)

    seller = api(licence.seller)
    assert [r["reference"] for r in seller.get(REPORTS, {"role": "seller"}).json()["results"]] == [ref]
    assert seller.get(REPORTS, {"role": "buyer"}).json()["count"] == 0
    image = seller.get(still["url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert "no-store" in image["Cache-Control"]

    stranger = api(make_user("stranger", "buyer", "seller"))
    assert stranger.get(f"{REPORTS}{ref}/").status_code == 404
    assert stranger.get(still["url"]).status_code == 404
    assert stranger.post(f"{REPORTS}{ref}/approve/", {}).status_code == 404
    assert stranger.get(REPORTS).json()["count"] == 0
    denied = api(buyer).post(f"{REPORTS}{ref}/approve/", {}, format="json")
    assert denied.status_code == 403 and denied.json()["code"] == "not_the_seller"
    assert hold_status(reference=licence.reference).status == "pending"

    approved = seller.post(f"{REPORTS}{ref}/approve/", {"note": "Fine"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["released_at"] is not None
    assert hold_status(reference=licence.reference).status == "released"
    again = seller.post(f"{REPORTS}{ref}/approve/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "refused"
    assert_ledger_balanced()


def test_json_filing_with_base64_stills(licence, buyer, django_capture_on_commit_callbacks):
    encoded = base64.b64encode(photo("obama2.jpg")).decode()
    response = file_json(api(buyer), licence, django_capture_on_commit_callbacks, stills=[encoded])
    assert response.status_code == 201, response.json()
    report = UsageReport.objects.get()
    assert report.stills.count() == 1 and bytes(report.stills.get().image) == photo("obama2.jpg")
    listed = api(buyer).get(REPORTS, {"role": "buyer"}).json()
    assert listed["count"] == 1 and listed["results"][0]["licence"] == licence.reference


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"reach_views": "many"}, "invalid_report", "reach_views"),
        ({"reach_views": True}, "invalid_report", "reach_views"),
        ({"media": "tv"}, "invalid_report", "media"),
        ({"shot_list": [{"start": "1 minute", "end": "00:00:02"}]}, "invalid_report", "shot_list"),
        ({"no_training_statement": "maybe"}, "invalid_report", "no_training_statement"),
        ({"production_title": 42}, "invalid_report", "production_title"),
        ({"first_used_on": "2999-01-01"}, "invalid_report", "first_used_on"),
        ({"stills": ["!!not base64!!"]}, "invalid_stills", "stills"),
        ({"stills": "abc"}, "invalid_stills", "stills"),
        ({"stills": [base64.b64encode(b"\xff\xd8\xff\xe0 bad").decode()]}, "invalid_report", "stills"),
    ],
)
def test_bad_json_input_is_refused_with_field_errors_and_nothing_written(
    licence, buyer, overrides, code, field, django_capture_on_commit_callbacks
):
    response = file_json(api(buyer), licence, django_capture_on_commit_callbacks, **overrides)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code and body["message"] and field in body["fields"], body
    assert not UsageReport.objects.exists() and not EvidenceStill.objects.exists()


def test_huge_or_corrupt_multipart_stills_are_refused(licence, buyer, settings):
    settings.FACE_MARKET = {**getattr(settings, "FACE_MARKET", {}), "LISTING_PHOTO_MAX_BYTES": 150_000}
    client = api(buyer)
    huge = client.post(REPORTS, multipart(licence, [photo("obama.jpg")]), format="multipart")  # 175 kB
    assert huge.status_code == 400 and huge.json()["code"] == "invalid_stills"
    corrupt = client.post(REPORTS, multipart(licence, [b"GIF89a not really"]), format="multipart")
    assert corrupt.status_code == 400 and "stills" in corrupt.json()["fields"]
    too_many = client.post(REPORTS, multipart(licence, [photo("obama2.jpg")] * 11), format="multipart")
    assert too_many.status_code == 400 and too_many.json()["code"] == "invalid_stills"
    assert not UsageReport.objects.exists() and not EvidenceStill.objects.exists()


def test_filing_permissions(licence, buyer, make_user, django_capture_on_commit_callbacks):
    assert api().post(REPORTS, {}, format="json").status_code == 401
    assert api().get(REPORTS).status_code == 401
    as_seller = file_json(api(licence.seller), licence, django_capture_on_commit_callbacks)
    assert as_seller.status_code == 403 and as_seller.json()["code"] == "not_a_buyer"
    other = file_json(api(make_user("other", "buyer")), licence, django_capture_on_commit_callbacks)
    assert other.status_code == 404 and other.json()["code"] == "not_found"
    unknown = api(buyer).post(REPORTS, {**report_data(licence), "licence": "FL-NOPE"}, format="json")
    assert unknown.status_code == 404
    not_an_object = api(buyer).post(REPORTS, [1, 2], format="json")
    assert not_an_object.status_code == 400
    assert not UsageReport.objects.exists()


def test_reject_needs_a_reason_and_opens_a_dispute_a_moderator_resolves(
    licence, buyer, moderator, make_user, django_capture_on_commit_callbacks
):
    ref = file_json(api(buyer), licence, django_capture_on_commit_callbacks).json()["reference"]
    seller = api(licence.seller)
    blank = seller.post(f"{REPORTS}{ref}/reject/", {"reason": ""}, format="json")
    assert blank.status_code == 400 and "reason" in blank.json()["fields"]
    assert not Dispute.objects.exists()
    rejected = seller.post(f"{REPORTS}{ref}/reject/", {"reason": "Not the drama I agreed to"}, format="json")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    dispute = Dispute.objects.get()

    # the buyer adds reasons and an attachment (multipart) to the same open dispute
    opened = api(buyer).post(
        DISPUTES,
        {
            "licence": licence.reference,
            "report": ref,
            "reasons": "It was in scope",
            "attachments": [SimpleUploadedFile("contract.pdf", b"%PDF-1.4 ...", "application/pdf")],
        },
        format="multipart",
    )
    assert opened.status_code == 201 and opened.json()["reference"] == dispute.reference
    assert opened.json()["opened_by"] == "seller"
    assert opened.json()["attachments"][0]["name"] == "contract.pdf"
    url = f"{DISPUTES}{dispute.reference}/"
    assert api(buyer).get(url).status_code == 200 and seller.get(url).status_code == 200
    stranger = api(make_user("stranger", "buyer"))
    assert stranger.get(url).status_code == 404 and stranger.get(DISPUTES).json()["count"] == 0
    stranger_opens = stranger.post(DISPUTES, {"licence": licence.reference, "reasons": "x"}, format="json")
    assert stranger_opens.status_code == 404
    assert (
        api(moderator)
        .post(DISPUTES, {"licence": licence.reference, "reasons": "x"}, format="json")
        .status_code
        == 403
    )

    resolve = f"{url}resolve/"
    body = {"resolution": "split", "amount_minor": 100_000, "note": "Half the shots were in scope"}
    assert api(buyer).post(resolve, body, format="json").status_code == 403
    assert stranger.post(resolve, body, format="json").status_code == 404
    mod = api(moderator)
    for bad in (
        {**body, "amount_minor": licence.amount_minor},  # not less than what is held
        {**body, "amount_minor": 10**14},
        {**body, "amount_minor": "lots"},
        {**body, "amount_minor": None},
        {**body, "resolution": "keep_it"},
        {**body, "note": ""},
    ):
        refused = mod.post(resolve, bad, format="json")
        assert refused.status_code == 400 and refused.json()["code"] == "invalid_input", (bad, refused.json())
    assert hold_status(reference=licence.reference).status == "pending" and not Refund.objects.exists()

    decided = mod.post(resolve, body, format="json")
    assert decided.status_code == 200, decided.json()
    assert decided.json()["refunded"]["amount_minor"] == 100_000
    assert decided.json()["released"]["amount_minor"] == licence.amount_minor - 100_000
    assert hold_status(reference=licence.reference).status == "released"
    assert mod.post(resolve, body, format="json").status_code == 409
    assert mod.get(DISPUTES, {"status": "resolved"}).json()["count"] == 1
    assert_ledger_balanced()


def test_dispute_attachments_json_and_limits(licence, buyer):
    client = api(buyer)
    item = {"name": "a.txt", "content_type": "text/plain", "data": base64.b64encode(b"hello").decode()}
    bad = client.post(
        DISPUTES, {"licence": licence.reference, "reasons": "x", "attachments": [item] * 6}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_attachments"
    no_reason = client.post(DISPUTES, {"licence": licence.reference, "reasons": " "}, format="json")
    assert no_reason.status_code == 400 and "reasons" in no_reason.json()["fields"]
    assert not Dispute.objects.exists()
    ok = client.post(
        DISPUTES, {"licence": licence.reference, "reasons": "x", "attachments": [item]}, format="json"
    )
    assert ok.status_code == 201 and bytes(DisputeAttachment.objects.get().data) == b"hello"


def test_notifications_list_and_mark_read(licence, buyer, django_capture_on_commit_callbacks):
    file_json(api(buyer), licence, django_capture_on_commit_callbacks)
    seller = api(licence.seller)
    unread = seller.get("/api/v1/notifications/", {"unread": "1"}).json()
    assert unread["count"] >= 1 and {"id", "kind", "text", "link"} <= set(unread["results"][0])
    buyers_own = Notification.objects.filter(user=buyer).first() or Notification.objects.create(
        user=buyer, kind="x", text="x"
    )
    assert seller.post("/api/v1/notifications/read/", {"id": buyers_own.pk}, format="json").status_code == 404
    assert seller.post("/api/v1/notifications/read/", {"id": "one"}, format="json").status_code == 400
    one = seller.post("/api/v1/notifications/read/", {"id": unread["results"][0]["id"]}, format="json")
    assert one.json() == {"marked": 1}
    seller.post("/api/v1/notifications/read/", {}, format="json")
    assert seller.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 0
    assert Notification.objects.get(pk=buyers_own.pk).read_at is None
