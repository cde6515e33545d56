"""Standard Webhooks signatures: ``webhook-id``, ``webhook-timestamp``, ``webhook-signature``.

The secret is ``whsec_`` + base64 of 32 random bytes, the format the ``standardwebhooks`` verifier
reads. While a rotated-out secret is in its grace period, both sign: the header then carries two
space-separated ``v1,<signature>`` values and a receiver holding either secret verifies.
"""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105  (the format marker, not a secret)


def webhook_secret_generate() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def signature_headers(*, msg_id: str, body: str, secrets_in_use: list[str], at: datetime) -> dict[str, str]:
    """The three signed headers for ``body`` sent at ``at`` (whole seconds, UTC)."""
    at = at.astimezone(UTC).replace(microsecond=0)
    signatures = " ".join(Webhook(secret).sign(msg_id, at, body) for secret in secrets_in_use)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signatures,
    }
