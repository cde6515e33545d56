"""All writes of the payouts app: keyword-only, ``@transaction.atomic``, an idempotency key on every
call that moves money. Import from here; the sub-modules are an implementation detail.

Lock order (see payouts/locks.py): payment -> hold -> refund -> transfer -> ledger accounts by id.
"""

from .accounts import (
    OnboardingLink,
    payout_account_onboard,
    payout_account_refresh,
    payout_account_status_record,
)
from .escrow import commission_split, escrow_refund, escrow_release, payment_refunds_sync
from .ledger import Leg, ledger_account, ledger_post, ledger_reverse
from .payments import (
    CheckoutSession,
    capture_key,
    payment_capture_record,
    payment_failure_record,
    payment_session_create,
)
from .reconciliation import reconciliation_run
from .refunds import refund_status_record
from .transfers import (
    payouts_freeze,
    payouts_unfreeze,
    transfer_execute,
    transfer_reversal_record,
    transfer_reverse,
    transfers_retry,
)
from .webhooks import (
    gateway_event_apply,
    sandbox_account_activate,
    sandbox_payment_complete,
    webhook_event_process,
    webhook_event_receive,
    webhook_event_requeue,
    webhook_events_retry,
)

__all__ = [
    "CheckoutSession",
    "Leg",
    "OnboardingLink",
    "capture_key",
    "commission_split",
    "escrow_refund",
    "escrow_release",
    "gateway_event_apply",
    "ledger_account",
    "ledger_post",
    "ledger_reverse",
    "payment_capture_record",
    "payment_failure_record",
    "payment_refunds_sync",
    "payment_session_create",
    "payout_account_onboard",
    "payout_account_refresh",
    "payout_account_status_record",
    "payouts_freeze",
    "payouts_unfreeze",
    "reconciliation_run",
    "refund_status_record",
    "sandbox_account_activate",
    "sandbox_payment_complete",
    "transfer_execute",
    "transfer_reversal_record",
    "transfer_reverse",
    "transfers_retry",
    "webhook_event_process",
    "webhook_event_receive",
    "webhook_event_requeue",
    "webhook_events_retry",
]
