"""Catalogue caching through Django's cache framework, invalidated whenever a listing changes.

Every cached catalogue value (facet counts, capped match counts) is stored under a key that carries one
version number; a change to any listing bumps the version after its transaction commits, so every
cached value goes stale at once and no key has to be found and deleted. A reader that computed a value
before the bump stores it under the old version, which nobody reads any more.

With several server processes the cache must be shared (``CACHE_URL``, e.g. Redis): a per-process
memory cache would keep serving counts another process has invalidated, until they expire.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import caches

from listings.conf import listings_settings

VERSION_KEY = "fm:catalogue:version"


def _cache():
    return caches[listings_settings.CATALOGUE_CACHE_ALIAS]


def catalogue_cache_version() -> int:
    cache = _cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        # a fresh start (or an evicted key) must not reuse a version some value is stored under
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY, time.time_ns())
    return int(version)


def catalogue_cached(name: str, compute: Callable[[], Any]) -> Any:
    """``compute()``'s value, cached under the current catalogue version for CATALOGUE_CACHE_SECONDS."""
    seconds = int(listings_settings.CATALOGUE_CACHE_SECONDS)
    if seconds <= 0:
        return compute()
    cache = _cache()
    key = f"fm:catalogue:{catalogue_cache_version()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def catalogue_cache_invalidate() -> None:
    """Make every cached catalogue value stale (call on commit of any listing change)."""
    cache = _cache()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or evicted): any new one is unused
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def query_cache_name(prefix: str, params, *, ignore: tuple[str, ...] = ()) -> str:
    """A short stable name for a set of query parameters (order-insensitive), e.g. a filter's count."""
    items = sorted((key, value) for key in params for value in params.getlist(key) if key not in ignore)
    digest = hashlib.sha256(repr(items).encode()).hexdigest()[:32]
    return f"{prefix}:{digest}"
