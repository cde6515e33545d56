"""Refunds reach the gateway with no transaction or lock held (the Saleor pattern).

``escrow_refund`` records the refund and moves its money out of the hold in one transaction; this
module then calls the gateway (with the refund's idempotency key, so a retry after a crash refunds
once) and applies its answer in a transaction of its own. A refund the gateway never answered stays
pending with no gateway id; ``refunds_retry`` sends it again.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..gateways import get_gateway
from ..gateways.base import GatewayError
from ..models import Refund
from ..state import RefundFallbackReason, RefundStatus
from .refund_fallback import refund_fallback_apply, refund_window_passed
from .refunds import refund_status_apply

logger = logging.getLogger(__name__)
RETRY_AFTER = timedelta(minutes=1)


def _unsent(refund: Refund) -> bool:
    return refund.status == RefundStatus.PENDING and not refund.gateway_refund_id


def refund_execute(*, refund_id: int) -> Refund:
    """Send a recorded refund to the gateway and apply the answer. Must run outside transactions."""
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if not _unsent(refund):
        return refund
    payment = refund.payment
    if refund_window_passed(payment):  # the method takes no more refunds: never sent, credited instead
        return _refund_fail(refund_id, reason=RefundFallbackReason.WINDOW_PASSED)
    try:
        result = get_gateway(payment.gateway).refund_create(
            gateway_payment_id=payment.gateway_payment_id,
            charge_id=payment.charge_id,
            amount=refund.money,
            reference=refund.reference,
            reason=refund.reason,
            idempotency_key=refund.idempotency_key,
        )
    except GatewayError as exc:  # refused: the money becomes the buyer's credit (shown to them and staff)
        logger.warning("refund %s refused by the gateway: %s", refund.pk, exc)
        return _refund_fail(refund_id, reason=RefundFallbackReason.GATEWAY_REFUSED, message=str(exc))
    with transaction.atomic():
        locked = Refund.objects.select_for_update(no_key=True).get(pk=refund_id)
        if not locked.gateway_refund_id:
            Refund.objects.filter(pk=refund_id).update(gateway_refund_id=result.gateway_refund_id)
            locked.gateway_refund_id = result.gateway_refund_id
        refund_status_apply(refund=locked, status=result.status)
    return Refund.objects.get(pk=refund_id)


def _refund_fail(refund_id: int, *, reason: str, message: str = "") -> Refund:
    with transaction.atomic():
        locked = Refund.objects.select_for_update(no_key=True).select_related("payment").get(pk=refund_id)
        if _unsent(locked) and refund_status_apply(refund=locked, status=RefundStatus.FAILED):
            refund_fallback_apply(refund=locked, reason=reason, message=message)
    return Refund.objects.get(pk=refund_id)


def refund_send_after_commit(refund: Refund) -> Refund:
    """Run the gateway call now when no transaction is open, else once the caller's commits."""
    if not _unsent(refund):
        return refund
    if transaction.get_connection().in_atomic_block:
        from ..tasks import refund_execute_task

        transaction.on_commit(lambda: refund_execute_task.delay(refund.pk), robust=True)
        return refund
    return refund_execute(refund_id=refund.pk)


def refunds_retry(*, older_than: timedelta = RETRY_AFTER) -> int:
    """Periodic: send refunds recorded but never answered (a crash or broker outage in between)."""
    sent = 0
    cutoff = timezone.now() - older_than
    for refund_id in Refund.objects.filter(
        status=RefundStatus.PENDING, gateway_refund_id="", created_at__lte=cutoff
    ).values_list("pk", flat=True):
        if not _unsent(refund_execute(refund_id=refund_id)):
            sent += 1
    return sent
