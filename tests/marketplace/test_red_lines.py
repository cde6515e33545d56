"""Red lines: the seller's forbidden roles and themes are terms of the licence; a usage report or a
consent check that crosses one is flagged or refused; a red line cannot also be an opted-in use."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from listings.services import terms_version_create
from marketplace.services import usage_report_approve
from marketplace.trust.selectors import credential_check_local
from marketplace.usage.state import UsageReportStatus as S
from payouts.selectors import hold_status
from tests.marketplace.purchase_helpers import assert_ledger_balanced
from tests.marketplace.usage_helpers import file_report, licensed

pytestmark = pytest.mark.django_db


@pytest.fixture
def red_line_listing(verified_seller, make_listing):
    from listings.services import listing_publish

    listing = make_listing(verified_seller, tier="extra", template="extra-short-drama", price=10_000)
    terms_version_create(
        listing=listing, actor=verified_seller, terms={"red_lines": ["villain", "minors", "sexual"]}
    )
    return listing_publish(listing=listing, actor=verified_seller)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_red_lines_are_validated_and_cannot_be_opted_into(verified_seller, make_listing):
    listing = make_listing(verified_seller, tier="extra", template="extra-short-drama", price=10_000)
    before = listing.terms_versions.count()
    with pytest.raises(ValidationError) as unknown:
        terms_version_create(listing=listing, actor=verified_seller, terms={"red_lines": ["weapons"]})
    assert "red_lines" in unknown.value.message_dict
    with pytest.raises(ValidationError) as both:
        terms_version_create(
            listing=listing,
            actor=verified_seller,
            terms={"red_lines": ["political"], "sensitive_uses_allowed": ["political"]},
        )
    assert "Political content" in both.value.message_dict["red_lines"][0]
    assert listing.terms_versions.count() == before  # nothing half-written


def test_the_licence_carries_the_red_lines_in_its_api_page_and_credential(
    client, buyer, red_line_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, red_line_listing, django_capture_on_commit_callbacks)
    body = api(buyer).get("/api/v1/licences/").json()["results"][0]
    assert body["red_lines"] == ["villain", "sexual", "minors"] and body["project"] is None
    from marketplace.trust.models import LicenceCredential

    claims = credential_check_local(LicenceCredential.objects.get(licence=licence).token).claims
    assert claims["licence"]["red_lines"]["forbidden_themes"] == ["villain", "sexual", "minors"]
    client.force_login(buyer)
    page = client.get(reverse("marketplace:licence", args=[licence.reference])).content.decode()
    assert "Villain or antagonist roles" in page and "villain</li>" not in page
    verify = client.get(reverse("marketplace:trust_verify", args=[licence.reference])).content.decode()
    assert "Content involving or aimed at minors" in verify


def test_a_report_crossing_a_red_line_is_flagged_and_cannot_be_approved_as_is(
    buyer, red_line_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, red_line_listing, django_capture_on_commit_callbacks)
    report = file_report(licence, django_capture_on_commit_callbacks, themes=["villain", "death"])
    findings = [f for f in report.checks["findings"] if f["code"] == "red_line"]
    assert len(findings) == 1 and "Villain or antagonist roles" in findings[0]["message"]
    assert "death" not in findings[0]["message"]  # death is not one of this seller's red lines
    assert report.status == S.AWAITING_SELLER
    with pytest.raises(ValidationError):
        usage_report_approve(seller=licence.seller, report=report)
    report.refresh_from_db()
    assert report.status == S.AWAITING_SELLER
    assert hold_status(reference=licence.reference).status == "pending"
    assert_ledger_balanced()


def test_an_unknown_theme_in_a_report_is_refused(buyer, red_line_listing, django_capture_on_commit_callbacks):
    licence = licensed(buyer, red_line_listing, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as error:
        file_report(licence, django_capture_on_commit_callbacks, themes=["gore"])
    assert "themes" in error.value.message_dict


def test_a_consent_check_for_a_red_line_use_is_refused_with_a_reason_code(
    buyer, make_user, red_line_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, red_line_listing, django_capture_on_commit_callbacks)
    scope = licence.scope
    body = {
        "reference": licence.reference,
        "use_category": scope["use_categories"][0],
        "medium": scope["media"][0],
        "territory": scope["territories"][0],
    }
    allowed = api(buyer).post("/api/v1/consent-checks/", {**body, "themes": ["death"]}, format="json")
    assert allowed.status_code == 200 and allowed.json()["allowed"] is True, allowed.content
    refused = api(buyer).post("/api/v1/consent-checks/", {**body, "themes": ["minors"]}, format="json")
    answer = refused.json()
    assert answer["allowed"] is False
    assert [(r["code"], r["field"]) for r in answer["reasons"]] == [("red_line", "themes")]
    bad = api(buyer).post("/api/v1/consent-checks/", {**body, "themes": ["gore"]}, format="json")
    assert bad.status_code == 400
