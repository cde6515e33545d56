"""The listings app's settings (keys of ``FACE_MARKET``), read lazily through the kernel."""

from typing import Any

from kernel.conf import AppSettings

DEFAULTS: dict[str, Any] = {
    "LISTING_PHOTO_MAX_BYTES": 10 * 1024 * 1024,  # a portfolio photo upload
    # faults: refused before decoding; 16 MP bounds what one upload can decode to (about 48 MB RGB)
    "LISTING_PHOTO_MAX_PIXELS": 16_000_000,
    "LISTING_PREVIEW_MAX_PX": 640,  # longest side of a public, watermarked preview
    "LISTING_PREVIEW_WATERMARK": "FACE MARKET PREVIEW",
    "CATALOGUE_PAGE_SIZE": 24,
    "QUOTE_REQUEST_VALID_DAYS": 14,  # how long a seller's answer to a price-on-request stays valid
    # -- catalogue caching (perf): facet counts and capped match counts, through Django's cache
    # framework (alias below), invalidated on commit of any listing change; 0 turns caching off
    "CATALOGUE_CACHE_SECONDS": 300,
    "CATALOGUE_CACHE_ALIAS": "default",
}

listings_settings = AppSettings("listings", DEFAULTS)
