"""Password guessing is slowed to a stop: after a few failed logins for one account (or many from one
address) within the window, every further try is refused until the window ends, right password or not.

Counters live in Django's cache (shared by every worker when the cache is); keys carry a hash of the
login, never the login itself. The site's login page and the API token endpoint both use it.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.utils.translation import ngettext

from .conf import kernel_settings

PREFIX = "fm:login-failures:"


def _keys(*, username: str, ip: str) -> tuple[str, str]:
    login = hashlib.sha256((username or "").strip().casefold().encode()).hexdigest()[:32]
    return PREFIX + "account:" + login, PREFIX + "address:" + (ip or "unknown")


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or ""


def login_refused_for(*, username: str, ip: str) -> int:
    """Seconds the caller must wait before trying again (0: it may try now)."""
    account, address = _keys(username=username, ip=ip)
    failures = cache.get_many([account, address])
    if failures.get(account, 0) >= kernel_settings.LOGIN_FAILURES_PER_ACCOUNT or (
        failures.get(address, 0) >= kernel_settings.LOGIN_FAILURES_PER_ADDRESS
    ):
        return kernel_settings.LOGIN_LOCKOUT_SECONDS
    return 0


def login_failure_note(*, username: str, ip: str) -> None:
    window = kernel_settings.LOGIN_LOCKOUT_SECONDS
    for key in _keys(username=username, ip=ip):
        if not cache.add(key, 1, timeout=window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=window)


def login_success_note(*, username: str, ip: str) -> None:
    """A right password before the limit clears the account's count (not the address's)."""
    cache.delete(_keys(username=username, ip=ip)[0])


def too_many_logins_message(wait_seconds: int) -> str:
    minutes = max(1, -(-wait_seconds // 60))
    return ngettext(
        "Too many failed log-in attempts. Try again in %(minutes)d minute.",
        "Too many failed log-in attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
