"""Celery tasks of the payouts app: thin, idempotent, take ids or references, call a service."""

from __future__ import annotations

import logging

from celery import shared_task

from kernel.tasking import PluginTask

from .exceptions import PayoutsError

logger = logging.getLogger(__name__)


@shared_task(base=PluginTask, name="face_market.payouts.escrow_release")
def escrow_release_task(reference: str, idempotency_key: str) -> str:
    """Release a hold. A frozen, ended or empty hold is reported, not retried."""
    from .services import escrow_release

    try:
        hold = escrow_release(reference=reference, idempotency_key=idempotency_key)
    except PayoutsError as exc:
        logger.warning("escrow release of %s not done: %s", reference, type(exc).__name__)
        return type(exc).__name__
    return hold.status


@shared_task(base=PluginTask, name="face_market.payouts.transfer_execute")
def transfer_execute_task(transfer_id: int) -> str:
    from .services import transfer_execute

    return transfer_execute(transfer_id=transfer_id).status


@shared_task(base=PluginTask, name="face_market.payouts.refund_execute")
def refund_execute_task(refund_id: int) -> str:
    from .services.refund_execution import refund_execute

    return refund_execute(refund_id=refund_id).status


@shared_task(base=PluginTask, name="face_market.payouts.refunds_retry")
def refunds_retry() -> int:
    """Periodic: send refunds that were recorded but never reached the gateway."""
    from .services.refund_execution import refunds_retry as retry

    return retry()


@shared_task(base=PluginTask, name="face_market.payouts.transfer_retry")
def transfer_retry(transfer_id: int | None = None) -> int:
    """Retry one failed or waiting transfer, or (periodically) all of them. Returns how many got paid."""
    from .services import transfers_retry

    return transfers_retry(transfer_id=transfer_id)


@shared_task(base=PluginTask, name="face_market.payouts.reconcile")
def reconcile() -> dict:
    """Periodic: compare the ledger with the gateway's records and store a report."""
    from .services import reconciliation_run

    report = reconciliation_run()
    return {"report": report.pk, "mismatches": len(report.mismatches), "error": report.error}


@shared_task(base=PluginTask, name="face_market.payouts.webhook_events_retry")
def webhook_events_retry() -> int:
    """Periodic: process stored events whose processing failed on delivery."""
    from .services import webhook_events_retry as retry

    return retry()
