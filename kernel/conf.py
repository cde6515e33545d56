"""Per-app settings, all read lazily from the one ``FACE_MARKET`` dict in Django settings.

Modelled on DRF's ``api_settings``: each app declares its own defaults beside the code that reads
them (``listings/conf.py`` holds ``listings_settings = AppSettings("listings", DEFAULTS)``); nothing
is read at import time, dotted paths are imported on first access, and every cache is dropped when
a test overrides ``FACE_MARKET``. The kernel knows no app: apps register themselves by creating
their ``AppSettings``, and the ``kernel.E001`` check refuses a key no registered app declares.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

SETTINGS_NAME = "FACE_MARKET"

#: app name -> its settings object (filled as each app's conf module is imported)
_REGISTRY: dict[str, AppSettings] = {}


def user_settings() -> dict[str, Any]:
    from django.conf import settings

    return getattr(settings, SETTINGS_NAME, {}) or {}


class AppSettings:
    """Attribute access to one app's keys of ``settings.FACE_MARKET``, merged over its defaults."""

    def __init__(self, app: str, defaults: dict[str, Any], import_strings: Iterable[str] = ()):
        self.app = app
        self.defaults = defaults
        self.import_strings = frozenset(import_strings)
        self._cached: set[str] = set()
        _REGISTRY[app] = self

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_") or attr not in self.defaults:
            raise AttributeError(f"Invalid {SETTINGS_NAME} setting for {self.app}: {attr!r}")
        value = user_settings().get(attr, self.defaults[attr])
        if attr in self.import_strings and isinstance(value, str):
            try:
                value = import_string(value)
            except ImportError as exc:
                raise ImproperlyConfigured(
                    f"{SETTINGS_NAME}[{attr!r}] = {value!r} cannot be imported: {exc}"
                ) from exc
        self._cached.add(attr)
        setattr(self, attr, value)
        return value

    def raw(self, attr: str) -> Any:
        """The configured value without importing dotted paths (for checks and display)."""
        if attr not in self.defaults:
            raise AttributeError(f"Invalid {SETTINGS_NAME} setting for {self.app}: {attr!r}")
        return user_settings().get(attr, self.defaults[attr])

    def reload(self) -> None:
        for attr in self._cached:
            self.__dict__.pop(attr, None)
        self._cached.clear()


def known_keys() -> set[str]:
    return {key for app_settings in _REGISTRY.values() for key in app_settings.defaults}


def registered() -> dict[str, AppSettings]:
    return dict(_REGISTRY)


def _reload_all(*, setting: str, **kwargs: Any) -> None:
    if setting == SETTINGS_NAME:
        for app_settings in _REGISTRY.values():
            app_settings.reload()


setting_changed.connect(_reload_all, dispatch_uid="fm_kernel_settings_reload")

#: the kernel's own settings
DEFAULTS: dict[str, Any] = {
    "CURRENCY": "CNY",  # ISO 4217 code of every price, hold and payout unless a row says otherwise
    "OUTBOX_SWEEP_AFTER_SECONDS": 60,  # an event not handled this long after it was written is re-sent
    "OUTBOX_MAX_ATTEMPTS": 10,  # a handler failing this often is marked failed and shown to staff
    "API_THROTTLE_RATES": {
        "anon": "60/min",
        "user": "600/min",
        "reports": "20/hour",
        "login": "10/min",
        "consent_checks": "600/min",
    },
    # authentication throttling (faults): failed logins within LOGIN_LOCKOUT_SECONDS before refusing
    "LOGIN_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_FAILURES_PER_ADDRESS": 30,
    "LOGIN_LOCKOUT_SECONDS": 900,
}
kernel_settings = AppSettings("kernel", DEFAULTS)
