"""Reconciliation: compare the ledger with the gateway's own records and keep a report of mismatches.

Mismatches name ids, amounts and statuses only: never a key, a client secret or a payload.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import Sum
from django.utils import timezone

from payouts.conf import payouts_settings

from ..gateways import get_gateway
from ..gateways.base import GatewayError
from ..models import (
    EscrowHold,
    GatewayPayment,
    LedgerAccount,
    LedgerLeg,
    LedgerTransaction,
    ReconciliationReport,
    Refund,
    Transfer,
)
from ..selectors import unbalanced_transaction_ids
from ..state import HoldStatus, PaymentStatus, RefundStatus, TransferStatus
from .payments import capture_key

logger = logging.getLogger(__name__)


def reconciliation_run(*, gateway: str | None = None, window_days: int | None = None) -> ReconciliationReport:
    """Compare payments, refunds and transfers of the last ``window_days`` (setting
    ``RECONCILIATION_WINDOW_DAYS``; 0 = everything) with the gateway, and check the ledger itself."""
    gw = get_gateway(gateway)
    days = payouts_settings.RECONCILIATION_WINDOW_DAYS if window_days is None else window_days
    since = timezone.now() - timedelta(days=days) if days else None
    report = ReconciliationReport.objects.create(gateway=gw.name)
    try:
        records = gw.reconciliation_records(since=int(since.timestamp()) if since else None)
    except GatewayError as exc:
        report.error = str(exc)[:500]
        report.finished_at = timezone.now()
        report.save(update_fields=["error", "finished_at"])
        logger.error("reconciliation with %s could not read the gateway: %s", gw.name, report.error)
        return report

    def ours(qs):
        return qs.filter(created_at__gte=since) if since else qs

    mismatches: list[dict] = []

    def flag(kind: str, object_id: str, **facts) -> None:
        mismatches.append({"kind": kind, "id": object_id, **facts})

    # payments
    payments = list(ours(GatewayPayment.objects.filter(gateway=gw.name)))
    captured = set(
        LedgerTransaction.objects.filter(
            idempotency_key__in=[capture_key(gw.name, p.gateway_payment_id) for p in payments]
        ).values_list("idempotency_key", flat=True)
    )
    for p in payments:
        theirs = records.payments.get(p.gateway_payment_id)
        recorded = capture_key(gw.name, p.gateway_payment_id) in captured
        if theirs is None:
            if recorded:
                flag("payment_missing_at_gateway", p.gateway_payment_id, reference=p.reference, ours=p.amount)
            continue
        if theirs["status"] == PaymentStatus.SUCCEEDED and not recorded:
            flag(
                "payment_not_in_ledger", p.gateway_payment_id, reference=p.reference, theirs=theirs["amount"]
            )
        if recorded and theirs["status"] != PaymentStatus.SUCCEEDED:
            flag("payment_status", p.gateway_payment_id, ours=p.status, theirs=theirs["status"])
        if (theirs["amount"], theirs["currency"]) != (p.amount, p.currency):
            flag(
                "payment_amount",
                p.gateway_payment_id,
                ours=[p.amount, p.currency],
                theirs=[theirs["amount"], theirs["currency"]],
            )
    known = {
        p.gateway_payment_id
        for p in GatewayPayment.objects.filter(gateway=gw.name, gateway_payment_id__in=list(records.payments))
    }
    for gid, theirs in records.payments.items():
        if gid not in known and theirs["status"] == PaymentStatus.SUCCEEDED:
            flag("payment_unknown", gid, theirs=theirs["amount"], reference=theirs.get("reference", ""))

    # refunds
    refunds = list(ours(Refund.objects.filter(gateway=gw.name).exclude(gateway_refund_id="")))
    for r in refunds:
        theirs = records.refunds.get(r.gateway_refund_id)
        if theirs is None:
            flag("refund_missing_at_gateway", r.gateway_refund_id, reference=r.reference, ours=r.amount)
            continue
        if theirs["amount"] != r.amount:
            flag("refund_amount", r.gateway_refund_id, ours=r.amount, theirs=theirs["amount"])
        if theirs["status"] != r.status and RefundStatus.PENDING not in (r.status, theirs["status"]):
            flag("refund_status", r.gateway_refund_id, ours=r.status, theirs=theirs["status"])
    known = set(
        Refund.objects.filter(gateway=gw.name, gateway_refund_id__in=list(records.refunds)).values_list(
            "gateway_refund_id", flat=True
        )
    )
    for gid, theirs in records.refunds.items():
        if gid not in known:
            flag("refund_unknown", gid, theirs=theirs["amount"], payment=theirs.get("payment_id", ""))

    # transfers
    transfers = list(ours(Transfer.objects.filter(gateway=gw.name).exclude(gateway_transfer_id="")))
    for t in transfers:
        theirs = records.transfers.get(t.gateway_transfer_id)
        if theirs is None:
            flag("transfer_missing_at_gateway", t.gateway_transfer_id, reference=t.reference, ours=t.amount)
            continue
        if theirs["amount"] != t.amount or theirs.get("amount_reversed", 0) != t.amount_reversed:
            flag(
                "transfer_amount",
                t.gateway_transfer_id,
                ours=[t.amount, t.amount_reversed],
                theirs=[theirs["amount"], theirs.get("amount_reversed", 0)],
            )
    known = set(
        Transfer.objects.filter(gateway=gw.name, gateway_transfer_id__in=list(records.transfers)).values_list(
            "gateway_transfer_id", flat=True
        )
    )
    for gid, theirs in records.transfers.items():
        if gid not in known:
            flag("transfer_unknown", gid, theirs=theirs["amount"], reference=theirs.get("reference", ""))
    stuck = Transfer.objects.filter(status=TransferStatus.FAILED, gateway=gw.name).count()

    # the ledger itself
    for tx_id in unbalanced_transaction_ids():
        flag("ledger_unbalanced", str(tx_id))
    ended = EscrowHold.objects.exclude(status=HoldStatus.PENDING).values_list("account_id", "reference")
    ended_refs = dict(ended)
    if ended_refs:
        rows = (
            LedgerLeg.objects.filter(account_id__in=list(ended_refs))
            .values("account_id")
            .annotate(total=Sum("amount"))
            .exclude(total=0)
        )
        for row in rows:
            flag("hold_not_empty", ended_refs[row["account_id"]], balance=row["total"])
    rows = (
        LedgerLeg.objects.exclude(account__kind__in=list(LedgerAccount.BOUNDARY_KINDS))
        .values("account__code")
        .annotate(total=Sum("amount"))
        .filter(total__lt=0)
    )
    for row in rows:
        flag("account_negative", row["account__code"], balance=row["total"])

    report.mismatches = mismatches
    report.checked = {
        "payments": len(payments),
        "refunds": len(refunds),
        "transfers": len(transfers),
        "gateway_payments": len(records.payments),
        "gateway_refunds": len(records.refunds),
        "gateway_transfers": len(records.transfers),
        "failed_transfers": stuck,
        "since": since.isoformat() if since else None,
    }
    report.finished_at = timezone.now()
    report.save(update_fields=["mismatches", "checked", "finished_at"])
    for m in mismatches:
        logger.warning("reconciliation mismatch with %s: %s %s", gw.name, m["kind"], m["id"])
    return report
