"""Disputes: opened by either party, decided by a moderator through the ledger."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kernel.money import Money
from marketplace.models import Dispute, Notification
from marketplace.services import dispute_open, dispute_resolve
from payouts.models import Refund
from payouts.selectors import hold_status
from tests.marketplace.purchase_helpers import assert_ledger_balanced
from tests.marketplace.usage_helpers import licensed

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence(buyer, published_listing, django_capture_on_commit_callbacks):
    return licensed(buyer, published_listing, django_capture_on_commit_callbacks)


@pytest.mark.parametrize(
    ("resolution", "refund_minor", "hold_after"),
    [
        ("release", 0, "released"),
        ("refund_full", None, "voided"),
        ("refund_partial", 12_345, "pending"),
        ("split", 12_345, "released"),
    ],
)
def test_moderator_resolution_moves_money_through_the_ledger(
    licence, buyer, moderator, resolution, refund_minor, hold_after
):
    dispute = dispute_open(
        user=buyer,
        licence=licence,
        reasons="The seller refuses a fair use",
        attachments=[("contract.pdf", "application/pdf", b"%PDF-1.4 ...")],
    )
    assert dispute.attachments.count() == 1
    assert Notification.objects.filter(user=licence.seller, kind="dispute_opened").exists()
    amount = Money(refund_minor, licence.currency) if refund_minor else None
    dispute_resolve(
        moderator=moderator, dispute=dispute, resolution=resolution, amount=amount, note="Decided"
    )
    dispute.refresh_from_db()

    assert (
        dispute.status == "resolved" and dispute.resolution == resolution and dispute.decided_by == moderator
    )
    held = hold_status(reference=licence.reference)
    assert held.status == hold_after
    refunded = licence.amount_minor if refund_minor is None else refund_minor
    assert dispute.refunded_minor == refunded
    assert sum(r.amount for r in Refund.objects.filter(reference=licence.reference)) == refunded
    if resolution in ("release", "split"):
        assert dispute.released_minor == licence.amount_minor - refunded
        assert held.released.amount == licence.amount_minor - refunded
    assert Notification.objects.filter(user=buyer, kind="dispute_resolved").exists()
    with pytest.raises(ValidationError):
        dispute_resolve(moderator=moderator, dispute=dispute, resolution="release", note="again")
    assert_ledger_balanced()


def test_only_parties_open_and_only_moderators_decide(licence, make_user, moderator):
    stranger = make_user("stranger", "buyer")
    with pytest.raises(PermissionDenied):
        dispute_open(user=stranger, licence=licence, reasons="I want in")
    with pytest.raises(ValidationError):
        dispute_open(user=licence.seller, licence=licence, reasons=" ")
    dispute = dispute_open(user=licence.seller, licence=licence, reasons="Used outside scope")
    assert dispute_open(user=licence.buyer, licence=licence, reasons="It was in scope") == dispute  # one open
    with pytest.raises(PermissionDenied):
        dispute_resolve(moderator=licence.buyer, dispute=dispute, resolution="refund_full", note="x")


@pytest.mark.parametrize("refund_minor", [0, None, 10**12])
def test_partial_amounts_must_be_inside_what_is_held(licence, moderator, refund_minor):
    dispute = dispute_open(user=licence.buyer, licence=licence, reasons="Partial")
    amount = None if refund_minor is None else Money(refund_minor, licence.currency)
    with pytest.raises(ValidationError):
        dispute_resolve(moderator=moderator, dispute=dispute, resolution="split", amount=amount, note="x")
    assert hold_status(reference=licence.reference).status == "pending"


def _rejected_with_paid_top_up(licence, capture):
    from marketplace.services import usage_report_reject, usage_report_top_up_start
    from tests.marketplace.usage_helpers import file_report, pay_reference

    report = file_report(licence, capture, reach_views=5_000_000)
    assert report.status == "needs_top_up" and report.top_up_minor > 0
    usage_report_top_up_start(buyer=licence.buyer, report=report)
    pay_reference(report.top_up_reference, licence.buyer, capture)
    usage_report_reject(seller=licence.seller, report=report, reason="Not this drama")
    report.refresh_from_db()
    assert hold_status(reference=report.top_up_reference).status == "pending"
    return report, Dispute.objects.get(report=report, status="open")


@pytest.mark.parametrize(("resolution", "hold_after"), [("refund_full", "voided"), ("release", "released")])
def test_a_rejected_reports_paid_top_up_follows_the_dispute_decision(
    buyer, published_listing, moderator, resolution, hold_after, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks, reach_band="up_to_100k")
    report, dispute = _rejected_with_paid_top_up(licence, django_capture_on_commit_callbacks)

    dispute_resolve(moderator=moderator, dispute=dispute, resolution=resolution, note="Decided")
    dispute.refresh_from_db()
    assert hold_status(reference=licence.reference).status == hold_after
    assert hold_status(reference=report.top_up_reference).status == hold_after  # nothing stays held
    total = licence.amount_minor + report.top_up_minor
    if resolution == "refund_full":
        assert dispute.refunded_minor == total and dispute.released_minor == 0
        assert sum(r.amount for r in Refund.objects.all()) == total
    else:
        assert dispute.released_minor == total and dispute.refunded_minor == 0
    assert_ledger_balanced()


def test_a_top_up_is_decided_even_when_the_licence_money_was_already_released(
    buyer, published_listing, moderator, django_capture_on_commit_callbacks
):
    from marketplace.services import usage_report_approve
    from tests.marketplace.usage_helpers import file_report

    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks, reach_band="up_to_100k")
    first = file_report(licence, django_capture_on_commit_callbacks)
    usage_report_approve(seller=licence.seller, report=first)
    assert hold_status(reference=licence.reference).status == "released"
    report, dispute = _rejected_with_paid_top_up(licence, django_capture_on_commit_callbacks)

    with pytest.raises(ValidationError):  # only the top-up is held: nothing to split
        dispute_resolve(
            moderator=moderator,
            dispute=dispute,
            resolution="split",
            amount=Money(1, licence.currency),
            note="x",
        )
    dispute_resolve(moderator=moderator, dispute=dispute, resolution="refund_full", note="Out of scope")
    dispute.refresh_from_db()
    assert hold_status(reference=report.top_up_reference).status == "voided"
    assert dispute.refunded_minor == report.top_up_minor
    assert_ledger_balanced()
