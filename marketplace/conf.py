"""Plugin-wide settings, read lazily from the ``FACE_MARKET`` dict in Django settings.

Modelled on DRF's ``api_settings``: nothing is read at import time, dotted paths are imported
on first access, and the cache is dropped when a test overrides ``FACE_MARKET``.

This module and ``marketplace.money`` are the plugin's kernel: they import no app, so the
lower apps (listings, verification, payouts) may import them without pointing up the layers.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

DEFAULTS: dict[str, Any] = {
    # money
    "CURRENCY": "CNY",
    "PLATFORM_COMMISSION_BPS": 1500,  # 15.00 %, in basis points so no float touches money
    "PAYMENT_GATEWAY": "payouts.gateways.sandbox.SandboxGateway",
    # faces
    "FACE_ENGINE": "verification.engines.dlib_engine.DlibFaceEngine",
    "FACE_ENGINE_OPTIONS": {},
    "FACE_INDEX_BACKEND": "verification.index.exact.ExactFaceIndex",
    "FACE_MODEL_DIR": "",
    "FACE_MODEL_LICENCE_CONFIRMED": False,
    "FACE_EXECUTION_PROVIDERS": ["CUDAExecutionProvider", "CPUExecutionProvider"],
    "BIOMETRIC_CONSENT_VERSION": "2026-11",
    "RAW_CAPTURE_RETENTION_HOURS": 0,  # raw photos and frames go as soon as a verdict exists
    "LIVENESS_CHALLENGE_TTL_SECONDS": 180,
    # deals
    "USAGE_REPORT_REVIEW_DAYS": 7,
    "REVOCATION_NOTICE_DAYS": 60,
}

#: settings whose values are dotted paths, imported on access
IMPORT_STRINGS = frozenset({"PAYMENT_GATEWAY", "FACE_ENGINE", "FACE_INDEX_BACKEND"})


class MarketSettings:
    """Attribute access to ``settings.FACE_MARKET`` merged over :data:`DEFAULTS`."""

    def __init__(self, defaults: dict[str, Any] | None = None, import_strings=IMPORT_STRINGS):
        self.defaults = defaults or DEFAULTS
        self.import_strings = import_strings
        self._cached: set[str] = set()
        self._user_settings: dict[str, Any] | None = None

    @property
    def user_settings(self) -> dict[str, Any]:
        if self._user_settings is None:
            from django.conf import settings

            self._user_settings = getattr(settings, "FACE_MARKET", {}) or {}
        return self._user_settings

    def __getattr__(self, attr: str) -> Any:
        if attr not in self.defaults:
            raise AttributeError(f"Invalid FACE_MARKET setting: {attr!r}")
        value = self.user_settings.get(attr, self.defaults[attr])
        if attr in self.import_strings and isinstance(value, str):
            try:
                value = import_string(value)
            except ImportError as exc:
                raise ImproperlyConfigured(
                    f"FACE_MARKET[{attr!r}] = {value!r} cannot be imported: {exc}"
                ) from exc
        self._cached.add(attr)
        setattr(self, attr, value)
        return value

    def raw(self, attr: str) -> Any:
        """The configured value without importing dotted paths (for checks and display)."""
        if attr not in self.defaults:
            raise AttributeError(f"Invalid FACE_MARKET setting: {attr!r}")
        return self.user_settings.get(attr, self.defaults[attr])

    def reload(self) -> None:
        for attr in self._cached:
            delattr(self, attr)
        self._cached.clear()
        self._user_settings = None


market_settings = MarketSettings()


def _reload_market_settings(*, setting: str, **kwargs: Any) -> None:
    if setting == "FACE_MARKET":
        market_settings.reload()


setting_changed.connect(_reload_market_settings)
