"""Revocation with a pro-rata refund to the fen, expiry with renewal offers, report deadlines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from marketplace.models import Notification, Revocation
from marketplace.services import (
    licences_expire,
    revocation_request,
    revocations_apply,
    usage_overdue_escalate,
    usage_reminders_send,
)
from marketplace.usage.revocation import unused_days
from payouts.models import Refund
from payouts.selectors import hold_status
from tests.marketplace.purchase_helpers import assert_ledger_balanced
from tests.marketplace.usage_helpers import file_report, licensed

pytestmark = pytest.mark.django_db


def test_revocation_refunds_the_unused_time_pro_rata_to_the_fen(
    buyer, published_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    asked = licence.starts_at + timedelta(days=10)
    with pytest.raises(PermissionDenied):
        revocation_request(seller=buyer, listing=published_listing, now=asked)
    revocation = revocation_request(
        seller=licence.seller, listing=published_listing, reason="moving on", now=asked
    )

    published_listing.refresh_from_db()
    assert published_listing.status == "withdrawn"  # no new sales from now on
    assert revocation.effective_at == asked + timedelta(days=60)
    assert Notification.objects.filter(user=buyer, kind="licence_revocation_notice").exists()
    assert revocations_apply(now=revocation.effective_at - timedelta(seconds=1)) == 0

    assert revocations_apply(now=revocation.effective_at) == 1
    remaining, total = unused_days(licence, revocation.effective_at)
    assert total == (licence.ends_at.date() - licence.starts_at.date()).days
    assert remaining == total - 70
    # paid x remaining / total, rounded half up, computed here in integers
    expected = (licence.amount_minor * remaining * 2 + total) // (2 * total)
    refund = Refund.objects.get(reference=licence.reference)
    assert refund.amount == expected
    licence.refresh_from_db()
    assert licence.status == "revoked"
    held = hold_status(reference=licence.reference)
    assert held.status == "pending" and held.releasable.amount == licence.amount_minor - expected
    revocation.refresh_from_db()
    assert (
        revocation.status == "effective" and revocation.outcome[licence.reference]["refund_minor"] == expected
    )
    assert revocations_apply(now=revocation.effective_at + timedelta(days=1)) == 0  # once
    assert_ledger_balanced()


def test_pro_rata_rounding_is_half_up_on_exact_fen(
    buyer, published_listing, django_capture_on_commit_callbacks
):
    from marketplace.usage.revocation import pro_rata_refund

    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    licence.amount_minor = 1001
    total = (licence.ends_at.date() - licence.starts_at.date()).days
    # exactly half the days unused when total is even: 1001 / 2 = 500.5 -> 501
    if total % 2 == 0:
        at = licence.starts_at + timedelta(days=total // 2)
        assert pro_rata_refund(licence, at).amount == 501
    assert pro_rata_refund(licence, licence.ends_at).amount == 0
    assert pro_rata_refund(licence, licence.starts_at).amount == 1001


def test_second_revocation_request_returns_the_first(
    buyer, published_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    first = revocation_request(seller=licence.seller, listing=published_listing, reason="retiring")
    assert revocation_request(seller=licence.seller, listing=published_listing, reason="again") == first
    assert Revocation.objects.count() == 1


def test_licence_expires_at_its_end_with_a_renewal_offer(
    buyer, published_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    assert licences_expire(now=licence.ends_at - timedelta(seconds=1)) == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert licences_expire(now=licence.ends_at) == 1
    licence.refresh_from_db()
    assert licence.status == "expired"
    offer = Notification.objects.get(user=buyer, kind="licence_renewal_offer")
    assert offer.link == f"/listings/{published_listing.pk}/"  # the listing page, to buy again
    assert any(buyer.email in message.to for message in mail.outbox)
    assert licences_expire(now=licence.ends_at + timedelta(days=1)) == 0
    assert hold_status(reference=licence.reference).status == "pending"  # expiry moves no money
    assert_ledger_balanced()


def test_report_reminder_then_overdue_escalation_to_moderators(
    buyer, moderator, published_listing, django_capture_on_commit_callbacks
):
    from marketplace.moderation.models import ModerationCase

    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    assert usage_reminders_send(now=licence.ends_at - timedelta(days=20)) == 0
    assert usage_reminders_send(now=licence.ends_at - timedelta(days=10)) == 1
    assert usage_reminders_send(now=licence.ends_at - timedelta(days=9)) == 0  # once
    assert Notification.objects.filter(user=buyer, kind="usage_report_due").count() == 1

    assert usage_overdue_escalate(now=licence.ends_at + timedelta(days=1)) == 0
    assert usage_overdue_escalate(now=licence.ends_at + timedelta(days=8)) == 1
    assert usage_overdue_escalate(now=licence.ends_at + timedelta(days=9)) == 0
    assert ModerationCase.objects.filter(
        source="overdue_report", licence_reference=licence.reference
    ).exists()
    assert (
        hold_status(reference=licence.reference).status == "pending"
    )  # held funds never leave by themselves


def test_a_filed_report_stops_the_reminders(buyer, published_listing, django_capture_on_commit_callbacks):
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    file_report(licence, django_capture_on_commit_callbacks)
    assert usage_reminders_send(now=licence.ends_at - timedelta(days=10)) == 0
    assert usage_overdue_escalate(now=licence.ends_at + timedelta(days=30)) == 0
