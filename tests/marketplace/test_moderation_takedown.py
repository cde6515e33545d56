"""Takedown: one atomic, idempotent service that revokes, refunds every buyer to the fen and freezes."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from listings.selectors.catalogue import catalogue_base
from listings.state import ListingStatus
from marketplace.models import AuditLogEntry, Licence, Notification
from marketplace.moderation.state import CaseAction, CaseSource, CaseStatus, Severity
from marketplace.purchases.state import LicenceStatus
from marketplace.services import (
    licence_escrow_release,
    listing_takedown,
    moderation_case_act,
    moderation_case_open,
)
from payouts.models import Refund, SandboxRecord, Transfer
from payouts.selectors import hold_status, is_frozen
from payouts.state import TransferStatus
from payouts.tasks import escrow_release_task
from tests.payouts.conftest import active_payout_account  # noqa: F401,F811  (fixture)

from .moderation_helpers import buy
from .purchase_helpers import assert_ledger_balanced

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyers(make_user):
    return [make_user(f"producer{i}", "buyer") for i in range(3)]


@pytest.fixture
def stolen_case(published_listing, moderator):
    return moderation_case_open(
        source=CaseSource.USER_REPORT,
        severity=Severity.HIGH,
        listing=published_listing,
        summary="stolen face",
        evidence={"reason": "stolen_face"},
    )


def test_takedown_refunds_every_buyer_to_the_fen_and_no_transfer_reaches_the_seller(
    published_listing,
    buyers,
    moderator,
    stolen_case,
    active_payout_account,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    seller = published_listing.seller
    active_payout_account(seller)
    licences = [buy(b, published_listing, django_capture_on_commit_callbacks) for b in buyers]
    held = {lic.reference: hold_status(reference=lic.reference).releasable for lic in licences}
    assert all(m.amount > 0 for m in held.values())

    # a release of the first licence is already queued (on commit of an earlier transaction) ...
    with django_capture_on_commit_callbacks() as queued:
        transaction.on_commit(lambda: escrow_release_task.delay(licences[0].reference, "release:queued"))
    # ... and the last licence was released before the takedown, its transfer to the seller queued
    with django_capture_on_commit_callbacks() as queued_transfer:
        licence_escrow_release(licence=licences[2])
    assert Transfer.objects.filter(reference=licences[2].reference, status=TransferStatus.PENDING).exists()

    with django_capture_on_commit_callbacks(execute=True):
        case = moderation_case_act(
            case=stolen_case,
            moderator=moderator,
            action=CaseAction.TAKE_DOWN,
            reason="Face belongs to someone else",
        )
    assert case.status == CaseStatus.TAKEN_DOWN

    # the queued work runs after the takedown: nothing reaches the seller
    for callback in queued + queued_transfer:
        callback()
    assert not SandboxRecord.objects.filter(kind="transfer").exists()
    assert Transfer.objects.get(reference=licences[2].reference).status == TransferStatus.PENDING

    published_listing.refresh_from_db()
    assert published_listing.status == ListingStatus.TAKEN_DOWN
    assert not catalogue_base().filter(pk=published_listing.pk).exists()
    for licence in licences[:2]:  # held funds: refunded in full, to the fen
        licence.refresh_from_db()
        assert licence.status == LicenceStatus.REVOKED
        refund = Refund.objects.get(reference=licence.reference)
        assert (refund.amount, refund.currency) == (held[licence.reference].amount, "CNY")
        assert hold_status(reference=licence.reference).status == "voided"
    assert Licence.objects.get(pk=licences[2].pk).status == LicenceStatus.REVOKED
    assert is_frozen(seller_id=seller.pk)
    assert all(is_frozen(reference=lic.reference) for lic in licences)

    # every money movement is in the audit log with its refund id and amount
    moved = [m for e in AuditLogEntry.objects.filter(action="escrow.refunded") for m in e.money]
    assert sorted((m["reference"], m["amount_minor"]) for m in moved) == sorted(
        (r.reference, r.amount) for r in Refund.objects.all()
    )
    assert AuditLogEntry.objects.filter(action="listing.taken_down", case=case).count() == 1
    # buyers and seller are told, in the app and by email
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert {seller.username, *(b.username for b in buyers)} <= told
    assert len(mail.outbox) >= 4
    assert_ledger_balanced()


def test_takedown_twice_changes_nothing_more(
    published_listing, buyers, moderator, stolen_case, django_capture_on_commit_callbacks
):
    for b in buyers[:2]:
        buy(b, published_listing, django_capture_on_commit_callbacks)
    first = listing_takedown(
        listing=published_listing, reason="stolen", moderator=moderator, case=stolen_case
    )
    assert first.newly_taken_down and len(first.refunds) == 2 and len(first.revoked) == 2
    counts = (AuditLogEntry.objects.count(), Refund.objects.count(), Notification.objects.count())

    again = listing_takedown(
        listing=published_listing, reason="stolen", moderator=moderator, case=stolen_case
    )
    assert not again.newly_taken_down and again.refunds == [] and again.revoked == [] and again.frozen == []
    # and the same action submitted twice on the case
    moderation_case_act(case=stolen_case, moderator=moderator, action=CaseAction.TAKE_DOWN, reason="x")
    moderation_case_act(case=stolen_case, moderator=moderator, action=CaseAction.TAKE_DOWN, reason="x")
    take_down_entries = AuditLogEntry.objects.filter(action="case.take_down").count()
    assert take_down_entries == 1
    assert (
        AuditLogEntry.objects.count() - take_down_entries,
        Refund.objects.count(),
        Notification.objects.count(),
    ) == counts
    assert_ledger_balanced()
