"""System checks of the kernel (stable ids ``kernel.E0xx``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from .conf import SETTINGS_NAME, known_keys


@register()
def check_face_market_settings(app_configs=None, **kwargs) -> list:
    configured = getattr(settings, SETTINGS_NAME, {})
    if not isinstance(configured, dict):
        return [Error(f"{SETTINGS_NAME} must be a dict.", id="kernel.E001")]
    unknown = sorted(set(configured) - known_keys())
    if unknown:
        return [
            Error(
                f"Unknown {SETTINGS_NAME} settings: {', '.join(unknown)}.",
                hint="A misspelt setting would silently fall back to its default.",
                id="kernel.E002",
            )
        ]
    return []
