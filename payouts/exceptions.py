"""What the payouts services refuse, as exceptions the deal app can catch by name."""

from __future__ import annotations

from kernel.errors import Conflict


class PayoutsError(Conflict):
    """Base of every refusal by the payouts services (a domain problem, never a crash): a 409."""

    code = "payouts_refused"


class IdempotencyConflict(PayoutsError):
    """The idempotency key was already used for a different operation or different content."""


class UnbalancedTransaction(PayoutsError):
    """The legs of a posting do not sum to zero in every currency."""


class InsufficientFunds(PayoutsError):
    """A posting would take an internal account (escrow, payable, revenue...) below zero."""


class HoldNotPending(PayoutsError):
    """The hold was already released or voided: it ends exactly once."""


class NothingToRelease(PayoutsError):
    """The hold is pending but holds nothing (refunded or reversed to zero)."""


class UnknownReference(PayoutsError):
    """No hold, payment or transfer exists for this reference or id."""


class PaymentMismatch(PayoutsError):
    """A gateway reports an amount, currency or reference that differs from what we asked for."""


class PayoutsFrozen(PayoutsError):
    """A moderator froze payouts for this reference or seller."""


class NotReversible(PayoutsError):
    """The transaction is a reversal, is already reversed, or touches a hold that has ended."""


class ReferenceAlreadyPaid(PayoutsError):
    """The reference already has an escrow hold: a new purchase needs a new reference."""
