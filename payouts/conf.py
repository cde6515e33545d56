"""The payouts app's settings (keys of ``FACE_MARKET``), read lazily through the kernel."""

from typing import Any

from kernel.conf import AppSettings

DEFAULTS: dict[str, Any] = {
    "PLATFORM_COMMISSION_BPS": 1500,  # 15.00 %, in basis points so no float touches money
    "PAYMENT_GATEWAY": "payouts.gateways.sandbox.SandboxGateway",
    "RECONCILIATION_WINDOW_DAYS": 35,
    # faults: a stored gateway event that fails this many times in a row with the same error is marked
    # failed (no more retries; staff see it on the ledger page, in the admin and in payouts.W010)
    "WEBHOOK_EVENT_MAX_SAME_FAILURES": 5,  # how far back reconciliation compares ledger and gateway
}

payouts_settings = AppSettings("payouts", DEFAULTS, import_strings={"PAYMENT_GATEWAY"})
