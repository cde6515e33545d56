"""Parties open disputes (with attachments) from the licence and report pages; navigation per role."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.models import Dispute, DisputeAttachment
from marketplace.navigation import nav_for_roles
from tests.marketplace.usage_helpers import file_report, licensed

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence(buyer, published_listing, django_capture_on_commit_callbacks):
    return licensed(buyer, published_listing, django_capture_on_commit_callbacks)


def test_a_party_opens_a_dispute_with_attachments_from_the_report_page(
    client, licence, buyer, make_user, moderator, django_capture_on_commit_callbacks
):
    report = file_report(licence, django_capture_on_commit_callbacks)
    client.force_login(buyer)
    assert b"open-dispute-link" in client.get(f"/licences/{licence.reference}/").content
    assert b"open-dispute-link" in client.get(f"/usage/{report.reference}/").content
    form_url = f"/licences/{licence.reference}/dispute/"
    page = client.get(form_url, {"report": report.reference})
    assert page.status_code == 200 and report.reference.encode() in page.content

    blank = client.post(form_url, {"reasons": " ", "report": report.reference})
    assert blank.status_code == 400
    too_many = client.post(
        form_url,
        {"reasons": "x", "attachments": [SimpleUploadedFile(f"{i}.txt", b"x") for i in range(6)]},
    )
    assert too_many.status_code == 400
    assert not Dispute.objects.exists()

    response = client.post(
        form_url,
        {
            "reasons": "The seller blocks a use inside the scope",
            "report": report.reference,
            "attachments": [SimpleUploadedFile("contract.pdf", b"%PDF-1.4 ...", "application/pdf")],
        },
    )
    dispute = Dispute.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/disputes/{dispute.reference}/"
    assert dispute.report == report and dispute.opened_by == buyer
    attachment = DisputeAttachment.objects.get()
    download = f"/disputes/{dispute.reference}/attachments/{attachment.pk}/"

    client.force_login(licence.seller)
    assert download.encode() in client.get(f"/disputes/{dispute.reference}/").content
    served = client.get(download)
    assert served.status_code == 200 and served.content == b"%PDF-1.4 ..."
    assert served["Content-Disposition"].startswith("attachment") and "no-store" in served["Cache-Control"]

    client.force_login(make_user("stranger", "buyer", "seller"))
    assert client.get(form_url).status_code == 404
    assert client.get(download).status_code == 404
    assert client.get(f"/disputes/{dispute.reference}/").status_code == 404
    client.force_login(moderator)
    assert client.get(form_url).status_code == 403  # sees the licence, is no party to it
    assert client.get(download).status_code == 200
    assert dispute.reference.encode() in client.get("/disputes/").content


def test_sellers_review_queue_page(client, licence, django_capture_on_commit_callbacks):
    report = file_report(licence, django_capture_on_commit_callbacks)
    client.force_login(licence.seller)
    page = client.get("/usage/review/").content
    assert report.reference.encode() in page and b"filed-reports" not in page


def test_navigation_per_role_shows_notifications_once():
    def labels(*roles):
        return [str(item["label"]) for item in nav_for_roles(list(roles))]

    assert {"Usage reports", "Notifications"} <= set(labels("buyer"))
    assert {"Reports to review", "Notifications"} <= set(labels("seller"))
    assert {"Disputes", "Notifications"} <= set(labels("moderator"))
    assert labels("seller", "buyer", "moderator").count("Notifications") == 1
