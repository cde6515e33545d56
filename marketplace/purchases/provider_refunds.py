"""A refund made at the payment provider itself (a Stripe dashboard refund) reaches the deal.

``payouts`` records such a refund as ``Refund.Source.EXTERNAL`` and voids the hold when nothing is left
in it; this follows that ``hold.voided`` event. The buyer has all their money back, so an order still
waiting for its capture ends refunded (a capture delivered later issues nothing) and an issued licence
ends at once, its exclusivity freed. Refunds the platform makes itself (takedowns, revocations, racing
buyers) already set their order and licence, and are left alone here.
"""

from __future__ import annotations

from django.db import transaction

from kernel.transitions import TransitionRefused, transition
from listings.services import exclusivity_release
from marketplace.domain_events import licence_event_emit
from marketplace.models import Licence, Order
from marketplace.purchases.state import LICENCE_TRANSITIONS, ORDER_TRANSITIONS, LicenceStatus, OrderStatus
from payouts.models import Refund

REASON = "refunded in full at the payment provider"


def order_follow_provider_refund(*, reference: str) -> str:
    """Idempotent; returns what it did: ``refunded`` (the order), ``revoked`` (the licence) or ``""``."""
    if not Refund.objects.filter(reference=reference, source=Refund.Source.EXTERNAL).exists():
        return ""
    with transaction.atomic():
        order = Order.objects.select_for_update(no_key=True).filter(reference=reference).first()
        if order is None:
            return ""
        if order.status in (OrderStatus.PENDING_PAYMENT, OrderStatus.EXPIRED, OrderStatus.FAILED):
            transition(order, to=OrderStatus.REFUNDED, transitions=ORDER_TRANSITIONS, reason=REASON)
            Order.objects.filter(pk=order.pk).update(status_reason=REASON)
            exclusivity_release(licence_reference=reference)
            return "refunded"
        licence = Licence.objects.select_for_update(no_key=True).filter(order=order).first()
        if licence is None or licence.status not in (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED):
            return ""
        try:
            transition(
                licence,
                to=LicenceStatus.REVOKED,
                transitions=LICENCE_TRANSITIONS,
                reason=REASON,
                from_statuses={LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED},
            )
        except TransitionRefused:  # ended meanwhile
            return ""
        exclusivity_release(licence_reference=reference)
        licence_event_emit(licence, "revoked")
        return "revoked"
