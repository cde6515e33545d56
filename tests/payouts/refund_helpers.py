"""A refund the way a caller outside any transaction sees it: recorded, then sent to the gateway.

Tests run inside a transaction, where ``escrow_refund`` defers the gateway call until commit (it never
calls a provider inside a transaction); this runs that deferred step at once."""

from payouts.services import escrow_refund
from payouts.services.refund_execution import refund_execute


def refund_now(**kwargs):
    refund = escrow_refund(**kwargs)
    return refund_execute(refund_id=refund.pk)
