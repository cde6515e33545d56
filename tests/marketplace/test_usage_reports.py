"""Usage reports: checks, seller review, auto-approval after the window, top-ups; the ledger after each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from marketplace.models import Notification
from marketplace.services import (
    usage_report_approve,
    usage_report_file,
    usage_report_reject,
    usage_report_top_up_start,
    usage_reports_auto_approve,
)
from marketplace.usage.state import UsageReportStatus as S
from payouts.selectors import hold_status
from tests.marketplace.purchase_helpers import assert_ledger_balanced
from tests.marketplace.usage_helpers import (
    enroll_face,
    file_report,
    licensed,
    pay_reference,
    photo,
    protect_face,
    report_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pre_approved_listing(verified_seller, make_listing):
    from listings.services import listing_publish

    listing = make_listing(verified_seller, tier="extra", template="extra-short-drama", price=10_000)
    return listing_publish(listing=listing, actor=verified_seller)


def test_in_scope_pre_approved_report_is_approved_when_the_window_passes(
    buyer, pre_approved_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, pre_approved_listing, django_capture_on_commit_callbacks)
    enroll_face(licence.seller, "obama.jpg")
    report = file_report(licence, django_capture_on_commit_callbacks, stills=[photo("obama2.jpg")])

    assert report.status == S.REVIEW_WINDOW, report.checks
    assert report.checks["in_scope"] is True and report.checks["findings"] == []
    assert len(report.identity_scores) == 1 and report.identity_scores[0] < 0.55
    assert Notification.objects.filter(user=licence.seller, kind="usage_report_review").exists()

    assert usage_reports_auto_approve(now=report.review_deadline - timedelta(seconds=1)) == 0
    assert hold_status(reference=licence.reference).status == "pending"
    assert usage_reports_auto_approve(now=report.review_deadline + timedelta(seconds=1)) == 1
    report.refresh_from_db()
    assert report.status == S.APPROVED and report.released_at is not None
    held = hold_status(reference=licence.reference)
    assert held.status == "released" and held.released == licence.amount
    assert usage_reports_auto_approve(now=report.review_deadline + timedelta(days=1)) == 0  # idempotent
    assert_ledger_balanced()


def test_per_use_report_waits_for_the_seller_and_approval_releases_escrow(
    buyer, published_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    report = file_report(licence, django_capture_on_commit_callbacks)
    assert report.status == S.AWAITING_SELLER
    assert usage_reports_auto_approve(now=licence.ends_at) == 0  # per-use never approves itself

    with pytest.raises(PermissionDenied):
        usage_report_approve(seller=buyer, report=report)
    usage_report_approve(seller=licence.seller, report=report, note="Fine by me")
    report.refresh_from_db()
    assert report.status == S.APPROVED and report.decided_by == licence.seller
    assert hold_status(reference=licence.reference).status == "released"
    with pytest.raises(ValidationError):
        usage_report_approve(seller=licence.seller, report=report)
    assert_ledger_balanced()


def test_seller_rejection_opens_a_dispute_and_keeps_the_money_held(
    buyer, published_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    report = file_report(licence, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        usage_report_reject(seller=licence.seller, report=report, reason="  ")
    usage_report_reject(seller=licence.seller, report=report, reason="Not the drama I agreed to")
    report.refresh_from_db()
    assert report.status == S.REJECTED
    dispute = report.disputes.get()
    assert dispute.opened_by == licence.seller and dispute.status == "open"
    assert hold_status(reference=licence.reference).status == "pending"
    assert_ledger_balanced()


def test_out_of_scope_report_is_flagged_and_never_auto_approved(
    buyer, pre_approved_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, pre_approved_listing, django_capture_on_commit_callbacks)
    report = file_report(
        licence,
        django_capture_on_commit_callbacks,
        use_category="advertising",
        territories=["NA"],
        sensitive_uses=["political"],
        no_training_statement=False,
    )
    codes = {f["code"] for f in report.checks["findings"]}
    assert {
        "category_out_of_scope",
        "territory_out_of_scope",
        "sensitive_use",
        "training_not_allowed",
    } <= codes
    assert report.checks["in_scope"] is False
    assert report.status == S.AWAITING_SELLER
    assert usage_reports_auto_approve(now=licence.ends_at) == 0
    assert hold_status(reference=licence.reference).status == "pending"


def test_evidence_still_of_the_wrong_face_rejects_the_report(
    buyer, pre_approved_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, pre_approved_listing, django_capture_on_commit_callbacks)
    enroll_face(licence.seller, "obama.jpg")
    report = file_report(licence, django_capture_on_commit_callbacks, stills=[photo("biden.jpg")])
    assert report.status == S.REJECTED
    still = report.stills.get()
    assert still.check_code == "wrong_face" and still.identity_matched is False
    assert report.identity_scores[0] >= 0.55
    assert hold_status(reference=licence.reference).status == "pending"  # nothing leaves
    assert_ledger_balanced()


def test_unlicensed_protected_face_in_a_still_opens_a_moderation_case(
    buyer, pre_approved_listing, django_capture_on_commit_callbacks
):
    from marketplace.moderation.models import ModerationCase

    licence = licensed(buyer, pre_approved_listing, django_capture_on_commit_callbacks)
    enroll_face(licence.seller, "obama.jpg")
    person = protect_face("biden.jpg", "Joe Biden")
    report = file_report(licence, django_capture_on_commit_callbacks, stills=[photo("obama_and_biden.jpg")])

    assert report.checks["foreign_faces"] and report.checks["foreign_faces"][0]["kind"] == "protected"
    assert report.checks["foreign_faces"][0]["protected_person_id"] == person.pk
    assert report.checks["moderation_case"] == "opened"
    case = ModerationCase.objects.get(source="usage_still", source_ref=f"usage:{report.reference}")
    assert case.licence_reference == licence.reference
    assert report.status == S.AWAITING_SELLER  # a flagged report never approves itself


def test_reach_beyond_the_paid_band_needs_a_top_up_before_release(
    buyer, published_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks, reach_band="up_to_100k")
    report = file_report(licence, django_capture_on_commit_callbacks, reach_views=5_000_000)
    assert report.status == S.NEEDS_TOP_UP
    assert report.checks["reported_reach_band"] == "up_to_10m"
    # the lead terms price up_to_10m at x2.00 against x1.00 for up_to_100k: the top-up is what was paid again
    assert report.top_up_minor == licence.amount_minor
    with pytest.raises(ValidationError):
        usage_report_approve(seller=licence.seller, report=report)

    usage_report_top_up_start(buyer=buyer, report=report)
    pay_reference(report.top_up_reference, buyer, django_capture_on_commit_callbacks)
    report.refresh_from_db()
    assert report.status == S.AWAITING_SELLER and report.top_up_paid_at is not None

    usage_report_approve(seller=licence.seller, report=report)
    assert hold_status(reference=licence.reference).status == "released"
    top_up = hold_status(reference=report.top_up_reference)
    assert top_up.status == "released" and top_up.released.amount == report.top_up_minor
    assert_ledger_balanced()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"production_title": ""}, "production_title"),
        ({"shot_list": [{"episode": "1", "start": "00:02:00", "end": "00:01:00"}]}, "shot_list"),
        ({"shot_list": [{"episode": "1", "start": "1:2", "end": "00:01:00"}]}, "shot_list"),
        ({"shot_list": []}, "shot_list"),
        ({"media": ["carrier_pigeon"]}, "media"),
        ({"reach_views": -5}, "reach_views"),
        ({"no_training_statement": "yes"}, "no_training_statement"),
        ({"first_used_on": "2999-01-01"}, "first_used_on"),
        ({"use_category": "nope"}, "use_category"),
    ],
)
def test_bad_report_input_is_refused_by_field(
    buyer, published_listing, django_capture_on_commit_callbacks, overrides, field
):
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as caught:
        usage_report_file(buyer=buyer, licence=licence, data=report_data(licence, **overrides))
    assert field in caught.value.message_dict


def test_only_the_licence_buyer_files_and_stills_must_be_images(
    buyer, make_user, published_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    other = make_user("buyer2", "buyer")
    with pytest.raises(PermissionDenied):
        usage_report_file(buyer=other, licence=licence, data=report_data(licence))
    with pytest.raises(ValidationError) as caught:
        usage_report_file(buyer=buyer, licence=licence, data=report_data(licence), stills=[b"not an image"])
    assert "stills" in caught.value.message_dict
