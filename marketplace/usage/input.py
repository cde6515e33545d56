"""Validation of what a buyer types into a usage report: every error keyed by field, nothing half-written."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from listings.conf import listings_settings
from listings.images import image_inspect
from listings.vocabulary import Medium, Monetisation, RedLine, SensitiveUse, Territory, UseCategory

TIMECODE = re.compile(r"^(\d{1,2}):([0-5]\d):([0-5]\d)(?:\.(\d{1,3}))?$")
SHOTS_MAX = 200
STILLS_MAX = 10
STILL_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def _seconds(timecode: str) -> float | None:
    match = TIMECODE.match(timecode or "")
    if not match:
        return None
    hours, minutes, seconds, fraction = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + int(seconds) + float(f"0.{fraction or 0}")


def shot_list_clean(rows: Any, errors: dict) -> list[dict]:
    """Rows of {episode, start, end, description}: timecodes HH:MM:SS(.fff), end not before start."""
    if not isinstance(rows, list) or not rows or len(rows) > SHOTS_MAX:
        errors["shot_list"] = _("List between 1 and %(n)s shots.") % {"n": SHOTS_MAX}
        return []
    clean = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            errors["shot_list"] = _("Shot %(n)s is not a row.") % {"n": number}
            return []
        start, end = str(row.get("start", "")).strip(), str(row.get("end", "")).strip()
        a, b = _seconds(start), _seconds(end)
        if a is None or b is None or b < a:
            errors["shot_list"] = _("Shot %(n)s: give timecodes HH:MM:SS, the end not before the start.") % {
                "n": number
            }
            return []
        clean.append(
            {
                "episode": str(row.get("episode", "")).strip()[:20],
                "start": start,
                "end": end,
                "description": str(row.get("description", "")).strip()[:300],
            }
        )
    return clean


def _codes(value: Any, choices, field: str, errors: dict, *, required: bool = True) -> list[str]:
    if value is None:
        value = []
    if isinstance(value, str) or not isinstance(value, Sequence):
        errors[field] = _("Give a list of codes.")
        return []
    unknown = [str(v) for v in value if v not in choices.values]
    if unknown:
        errors[field] = _("Unknown: %(codes)s.") % {"codes": ", ".join(unknown)}
    elif required and not value:
        errors[field] = _("Choose at least one.")
    return [code for code in choices.values if code in value]


def _text(data: Mapping, field: str, errors: dict, *, limit: int, required: bool = True) -> str:
    value = data.get(field, "")
    value = value.strip() if isinstance(value, str) else ""
    if required and not value:
        errors[field] = _("This field is required.")
    elif len(value) > limit:
        errors[field] = _("At most %(n)s characters.") % {"n": limit}
    return value[:limit]


def report_fields_clean(data: Mapping[str, Any], *, licence, now) -> dict[str, Any]:
    """The model fields of a report, validated; raises ``ValidationError`` keyed by field."""
    if not isinstance(data, Mapping):
        raise ValidationError(_("The report must be an object."))
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {
        "production_title": _text(data, "production_title", errors, limit=200),
        "episodes": _text(data, "episodes", errors, limit=200),
        "platforms": _text(data, "platforms", errors, limit=300, required=False),
        "shot_list": shot_list_clean(data.get("shot_list"), errors),
        "media": _codes(data.get("media"), Medium, "media", errors),
        "territories": _codes(data.get("territories"), Territory, "territories", errors),
        "sensitive_uses": _codes(
            data.get("sensitive_uses"), SensitiveUse, "sensitive_uses", errors, required=False
        ),
        "themes": _codes(data.get("themes"), RedLine, "themes", errors, required=False),
    }
    category = data.get("use_category")
    if category not in UseCategory.values:
        errors["use_category"] = _("Choose a use category.")
    monetisation = data.get("monetisation")
    if monetisation not in Monetisation.values:
        errors["monetisation"] = _("Choose how the production makes money.")
    views = data.get("reach_views")
    if isinstance(views, str) and views.strip().isdigit():
        views = int(views.strip())
    if not isinstance(views, int) or isinstance(views, bool) or not 0 <= views <= 10**12:
        errors["reach_views"] = _("Give the number of views as a whole number.")
    statement = data.get("no_training_statement")
    if not isinstance(statement, bool):
        errors["no_training_statement"] = _("Say yes or no.")
    first_use = data.get("first_used_on")
    if isinstance(first_use, str):
        try:
            first_use = date.fromisoformat(first_use.strip())
        except ValueError:
            first_use = None
    if not isinstance(first_use, date):
        errors["first_used_on"] = _("Give the date of first use (YYYY-MM-DD).")
    elif first_use > now.date():
        errors["first_used_on"] = _("The first use cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    fields.update(
        use_category=category,
        monetisation=monetisation,
        reach_views=views,
        no_training_statement=statement,
        first_used_on=first_use,
    )
    return fields


def stills_clean(stills: Sequence[bytes]) -> list[tuple[bytes, str]]:
    """Each still must be a readable JPEG, PNG or WebP within the limits; kept as uploaded (evidence)."""
    if len(stills) > STILLS_MAX:
        raise ValidationError({"stills": _("At most %(n)s stills.") % {"n": STILLS_MAX}})
    clean = []
    for data in stills:
        if not data or len(data) > int(listings_settings.LISTING_PHOTO_MAX_BYTES):
            raise ValidationError({"stills": _("A still is empty or too large.")})
        try:  # the same intake as every other upload: pixel cap before decoding, then a full decode
            info = image_inspect(
                data,
                max_bytes=int(listings_settings.LISTING_PHOTO_MAX_BYTES),
                max_pixels=int(listings_settings.LISTING_PHOTO_MAX_PIXELS),
            )
        except ValidationError as exc:
            raise ValidationError({"stills": exc.messages}) from None
        kind = STILL_TYPES.get(info.format)
        if kind is None:
            raise ValidationError({"stills": _("Stills must be JPEG, PNG or WebP images.")})
        clean.append((bytes(data), kind))
    return clean
