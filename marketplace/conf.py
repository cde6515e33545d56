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
    # outbound webhooks (marketplace/webhooks): one block, so it can move with the sub-package
    "WEBHOOK_TIMEOUT_SECONDS": 10,  # per connect and per read of one delivery attempt
    # wait after the 1st, 2nd, ... failed attempt (the Standard Webhooks / Svix schedule); the last repeats
    "WEBHOOK_RETRY_SCHEDULE_SECONDS": [5, 300, 1800, 7200, 18000, 36000, 36000],
    "WEBHOOK_RETRY_WINDOW_HOURS": 72,  # no automatic attempt later than this after the first (or a redeliver)
    "WEBHOOK_SECRET_ROTATION_GRACE_HOURS": 24,  # the previous secret still signs for this long
    "WEBHOOK_ALLOW_PRIVATE_URLS": False,  # private networks (and loopback) as endpoint addresses
    "WEBHOOK_ALLOW_LOOPBACK_URLS": None,  # None: allowed only with DEBUG
    "WEBHOOK_RESPONSE_EXCERPT_CHARS": 500,  # of a receiver's answer, kept in the delivery log
    "WEBHOOK_SWEEP_BATCH": 200,  # due deliveries one sweeper run sends
    # trust (marketplace.trust): licence credentials, status lists, consent checks, content labels
    "PUBLIC_BASE_URL": "",  # scheme://host of the site as the world sees it; empty: http://localhost
    # private JWKs (dicts or JSON) or {"kid", "pem"}; the first signs, all are published. Empty: the
    # FACE_MARKET_CREDENTIAL_SIGNING_KEYS environment variable, else a key generated once into the database
    "CREDENTIAL_SIGNING_KEYS": [],
    "CREDENTIAL_STATUS_LIST_SIZE": 131_072,  # entries a status list holds (2 bits each: 32 KiB raw)
    "CREDENTIAL_STATUS_LIST_TTL_SECONDS": 30,  # how long a verifier may cache the list
    "CONSENT_CHECK_RATE": "600/min",  # per caller
    "CONSENT_CHECK_IMAGE_MAX_BYTES": 10 * 1024 * 1024,
    "LABEL_IMAGE_MAX_BYTES": 20 * 1024 * 1024,
    "LABEL_IMAGE_MAX_PIXELS": 40_000_000,
    "LABEL_VIDEO_MAX_BYTES": 200 * 1024 * 1024,  # MP4 / QuickTime; not re-encoded
    # PEM files of the C2PA signing chain (end entity first, then CA) and its private key; empty: an own
    # CA and ES256 end-entity certificate generated once into the database (untrusted by C2PA validators)
    "LABEL_C2PA_CERT_CHAIN_PATH": "",
    "LABEL_C2PA_PRIVATE_KEY_PATH": "",
    "LABEL_FONT_PATH": "",  # a font with CJK glyphs for the visible label; empty: looked for on the system
    # embedding in a host (marketplace/embedding/)
    # the host's layout the plugin's pages extend; blocks: title, head, content, scripts
    "BASE_TEMPLATE": "base.html",
    "SIGNUP_ENABLED": True,  # False: the host owns sign-up, the plugin's sign-up page is gone (404)
}

market_settings = AppSettings("marketplace", DEFAULTS)
