"""System checks of the plugin's own settings (stable ids ``marketplace.E0xx``).

The host's security settings (SECRET_KEY, ALLOWED_HOSTS, cookie flags) are the host's to check
(``check --deploy``); the standalone site checks its own in ``facemarket_site.checks``. What a host
must install and schedule for the plugin is checked in ``marketplace.embedding.checks``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from .conf import DEFAULTS


@register()
def check_face_market_settings(app_configs=None, **kwargs) -> list:
    configured = getattr(settings, "FACE_MARKET", {})
    if not isinstance(configured, dict):
        return [Error("FACE_MARKET must be a dict.", id="marketplace.E004")]
    unknown = sorted(set(configured) - set(DEFAULTS))
    if unknown:
        return [
            Error(
                f"Unknown FACE_MARKET settings: {', '.join(unknown)}.",
                hint="A misspelt setting would silently fall back to its default.",
                id="marketplace.E005",
            )
        ]
    bps = configured.get("PLATFORM_COMMISSION_BPS", DEFAULTS["PLATFORM_COMMISSION_BPS"])
    if isinstance(bps, bool) or not isinstance(bps, int) or not 0 <= bps <= 10_000:
        return [
            Error(
                "FACE_MARKET['PLATFORM_COMMISSION_BPS'] must be an int between 0 and 10000 (basis points).",
                id="marketplace.E006",
            )
        ]
    return []
