"""A revocation taking effect races the seller approving the usage report, on PostgreSQL with real
threads: whichever wins, the buyer's refund and the seller's release add up to the price, to the fen,
and the ledger balances."""

from __future__ import annotations

import pytest

from marketplace.models import Revocation, UsageReport
from marketplace.services import revocation_request, revocations_apply, usage_report_approve
from payouts.selectors import hold_status

from .purchase_helpers import assert_ledger_balanced
from .test_purchase_concurrency import run_together
from .test_revocation_api import expected_refund
from .usage_helpers import file_report, licensed

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_revocation_racing_a_usage_report_approval(
    buyer, published_listing, django_capture_on_commit_callbacks
):
    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    report = file_report(licence, django_capture_on_commit_callbacks)
    revocation = revocation_request(seller=licence.seller, listing=published_listing, reason="retiring")

    results = run_together(
        [
            lambda: revocations_apply(now=revocation.effective_at),
            lambda: usage_report_approve(seller=licence.seller, report=UsageReport.objects.get(pk=report.pk)),
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results

    revocation = Revocation.objects.get(pk=revocation.pk)
    part = revocation.outcome[licence.reference]
    held = hold_status(reference=licence.reference)
    if part["note"] == "released_before_revocation":  # the approval won: the refund is owed, not paid
        assert part["refund_minor"] == 0 and held.released.amount == licence.amount_minor
    else:  # the revocation won: refund first, the approval released only the rest
        due = expected_refund(
            licence.amount_minor, licence.starts_at, licence.ends_at, revocation.effective_at
        )
        assert part["refund_minor"] == due
        assert held.refunded.amount == due and held.released.amount == licence.amount_minor - due
    assert held.status == "released"
    assert_ledger_balanced()
