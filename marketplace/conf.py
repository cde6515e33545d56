"""The deal's settings (keys of ``FACE_MARKET``), read lazily through the kernel."""

from typing import Any

from kernel.conf import AppSettings

DEFAULTS: dict[str, Any] = {
    "CHECKOUT_TTL_MINUTES": 30,  # an unpaid checkout expires; a payment arriving later is refunded
    "USAGE_REPORT_REVIEW_DAYS": 7,
    "USAGE_REPORT_DUE_DAYS_AFTER_FIRST_USE": 30,  # a report is due this long after first use, or at the end
    "REVOCATION_NOTICE_DAYS": 60,
    "USAGE_REPORT_REMINDER_DAYS": 14,  # before the licence ends, a buyer with no report is reminded
    "USAGE_REPORT_OVERDUE_DAYS": 7,  # after the end with no report and money held: moderators are told
}

market_settings = AppSettings("marketplace", DEFAULTS)
