"""Pages of usage reports, disputes and notifications: who sees what, and the raw stills stay private."""

from __future__ import annotations

import pytest

from marketplace.services import dispute_open
from tests.marketplace.usage_helpers import licensed, photo

pytestmark = pytest.mark.django_db


def test_buyer_files_on_the_page_seller_reviews_strangers_see_nothing(
    client, buyer, make_user, moderator, published_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    client.force_login(buyer)
    assert client.get(f"/licences/{licence.reference}/report/").status_code == 200
    form = {
        "production_title": "Palace",
        "episodes": "1",
        "shot_list": "1 00:00:01 00:00:05 close-up",
        "use_category": licence.scope["use_categories"][0],
        "media": licence.scope["media"],
        "territories": licence.scope["territories"],
        "reach_views": "1000",
        "monetisation": licence.scope["monetisation"],
        "first_used_on": licence.starts_at.date().isoformat(),
        "no_training_statement": "on",
    }
    bad = client.post(f"/licences/{licence.reference}/report/", {**form, "reach_views": "many"})
    assert bad.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        from io import BytesIO

        upload = BytesIO(photo("obama2.jpg"))
        upload.name = "still.jpg"
        response = client.post(f"/licences/{licence.reference}/report/", {**form, "stills": upload})
    assert response.status_code == 302
    report_url = response["Location"]
    reference = report_url.rstrip("/").split("/")[-1]
    assert client.get(report_url).status_code == 200
    still = client.get(f"{report_url}stills/0/")
    assert still.status_code == 200 and "no-store" in still["Cache-Control"]

    client.force_login(make_user("stranger", "buyer"))
    assert client.get(report_url).status_code == 404
    assert client.get(f"{report_url}stills/0/").status_code == 404

    client.force_login(licence.seller)
    page = client.get(report_url)
    assert b"approve-report" in page.content and b"licensed-scope" in page.content
    assert client.get("/usage/").status_code == 200
    assert client.post(f"{report_url}decide/", {"action": "approve"}).status_code == 302
    assert client.get("/notifications/").status_code == 200

    dispute = dispute_open(user=buyer, licence=licence, reasons="test")
    assert client.get("/disputes/").status_code == 403
    client.force_login(moderator)
    assert reference and client.get("/disputes/").status_code == 200
    assert client.get(f"/disputes/{dispute.reference}/").status_code == 200
