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
    # dotted paths of callables payouts notifies (on commit, via a task) of payment events by reference
    "PAYMENT_EVENT_HANDLERS": ["marketplace.payment_events.payment_event_handle"],
    "RECONCILIATION_WINDOW_DAYS": 35,  # how far back reconciliation compares ledger and gateway
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
    "REFERENCE_PHOTOS_MIN": 1,  # reference (listing) photos a seller uploads before the camera step
    "REFERENCE_PHOTOS_MAX": 5,
    "LIVENESS_FRAMES_MIN": 12,  # JPEG frames the webcam page uploads for one challenge
    "LIVENESS_FRAMES_MAX": 60,
    "LIVENESS_FRAME_MAX_BYTES": 600_000,
    "ENROLLMENT_ABANDONED_HOURS": 24,  # an undecided enrollment expires and its captures go
    # deals
    "CHECKOUT_TTL_MINUTES": 30,  # an unpaid checkout expires; a payment arriving later is refunded
    "USAGE_REPORT_REVIEW_DAYS": 7,
    "USAGE_REPORT_DUE_DAYS_AFTER_FIRST_USE": 30,  # a report is due this long after first use, or at the end
    "REVOCATION_NOTICE_DAYS": 60,
    "USAGE_REPORT_REMINDER_DAYS": 14,  # before the licence ends, a buyer with no report is reminded
    "USAGE_REPORT_OVERDUE_DAYS": 7,  # after the end with no report and money held: moderators are told
    # listings
    "LISTING_PHOTO_MAX_BYTES": 10 * 1024 * 1024,  # a portfolio photo upload
    "LISTING_PHOTO_MAX_PIXELS": 40_000_000,  # refused before decoding: decompression bombs
    "LISTING_PREVIEW_MAX_PX": 640,  # longest side of a public, watermarked preview
    "LISTING_PREVIEW_WATERMARK": "FACE MARKET PREVIEW",
    "CATALOGUE_PAGE_SIZE": 24,
    "QUOTE_REQUEST_VALID_DAYS": 14,  # how long a seller's answer to a price-on-request stays valid
    # embedding in a host (marketplace/embedding/)
    # the host's layout the plugin's pages extend; blocks: title, head, content, scripts
    "BASE_TEMPLATE": "base.html",
    "SIGNUP_ENABLED": True,  # False: the host owns sign-up, the plugin's sign-up page is gone (404)
    "THROTTLE_RATES": {"reports": "20/hour"},  # the plugin's DRF throttle scopes (no host DRF setting)
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
