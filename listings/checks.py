"""System checks of the listings settings (stable ids ``listings.E0xx``)."""

from __future__ import annotations

from django.core.checks import Error, register

from listings.conf import listings_settings

POSITIVE_INT_SETTINGS = (
    ("LISTING_PHOTO_MAX_BYTES", "listings.E001"),
    ("LISTING_PHOTO_MAX_PIXELS", "listings.E002"),
    ("LISTING_PREVIEW_MAX_PX", "listings.E003"),
    ("CATALOGUE_PAGE_SIZE", "listings.E004"),
    ("QUOTE_REQUEST_VALID_DAYS", "listings.E005"),
)


@register()
def check_listings_settings(app_configs=None, **kwargs) -> list:
    errors = []
    for name, check_id in POSITIVE_INT_SETTINGS:
        value = listings_settings.raw(name)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            errors.append(
                Error(f"FACE_MARKET[{name!r}] must be a positive integer, not {value!r}.", id=check_id)
            )
    watermark = listings_settings.raw("LISTING_PREVIEW_WATERMARK")
    if not isinstance(watermark, str) or not watermark.strip():
        errors.append(
            Error(
                "FACE_MARKET['LISTING_PREVIEW_WATERMARK'] must be visible text: previews are "
                "always watermarked.",
                id="listings.E006",
            )
        )
    return errors
