"""The payouts app's settings (keys of ``FACE_MARKET``), read lazily through the kernel."""

from typing import Any

from kernel.conf import AppSettings

DEFAULTS: dict[str, Any] = {
    "PLATFORM_COMMISSION_BPS": 1500,  # 15.00 %, in basis points so no float touches money
    "PAYMENT_GATEWAY": "payouts.gateways.sandbox.SandboxGateway",
    "RECONCILIATION_WINDOW_DAYS": 35,  # how far back reconciliation compares ledger and gateway
    # days after the charge a payment method still takes a refund (Alipay about 90, WeChat Pay about 180;
    # cards longer); a method not named has no window. Past it, or when the provider refuses, the refund
    # becomes the buyer's platform credit (payouts.services.refund_fallback), never dropped.
    "REFUND_WINDOW_DAYS": {"alipay": 90, "wechat_pay": 180, "card": 540},
    # a stored gateway event that fails this many times in a row with the same error is marked failed
    # (no more retries; staff see it on the ledger page, in the admin and in payouts.W010)
    "WEBHOOK_EVENT_MAX_SAME_FAILURES": 5,
}

payouts_settings = AppSettings("payouts", DEFAULTS, import_strings={"PAYMENT_GATEWAY"})
