"""Helpers of the purchase tests: a valid scope, paying through the sandbox, the ledger's health."""

from __future__ import annotations

import uuid

from payouts.selectors import ledger_totals_by_currency, payment_for_reference, unbalanced_transaction_ids
from payouts.services import sandbox_payment_complete


def cheapest(factors_bps: dict) -> str:
    """The option with the lowest price factor (ties by name): JSON key order is not kept by jsonb."""
    return min(factors_bps.items(), key=lambda item: (item[1], item[0]))[0]


def scope_for(listing, **overrides) -> dict:
    """The cheapest scope the listing's current terms allow, with overrides."""
    terms = listing.current_terms
    scope = {
        "use_categories": [sorted(terms.use_categories)[0]],
        "media": [cheapest(terms.media_factors_bps)],
        "territories": [sorted(terms.territories)[0]],
        "duration_months": 6,
        "reach_band": cheapest(terms.reach_factors_bps),
        "monetisation": cheapest(terms.monetisation_factors_bps),
        "exclusivity": "none",
        "sensitive_uses": [],
        "ai_training": False,
    }
    scope.update(overrides)
    return scope


def key() -> str:
    return uuid.uuid4().hex


def pay(order, *, succeeded: bool = True, capture=None):
    """Press the sandbox page's button as the buyer; ``capture`` runs the on-commit callbacks."""
    payment = payment_for_reference(reference=order.reference)
    if capture is None:
        return sandbox_payment_complete(
            gateway_payment_id=payment.gateway_payment_id, user=order.buyer, succeeded=succeeded
        )
    with capture(execute=True):
        return sandbox_payment_complete(
            gateway_payment_id=payment.gateway_payment_id, user=order.buyer, succeeded=succeeded
        )


def assert_ledger_balanced() -> None:
    assert unbalanced_transaction_ids() == []
    assert all(total == 0 for total in ledger_totals_by_currency().values())
