"""The listings app's only door into ``verification`` (imports point down: listings -> verification).

Three calls, imported lazily so this app loads even where verification is mid-migration, and so the
tests can stand in for them at this boundary:

- ``verification.selectors.seller_is_verified(user) -> bool``
- ``verification.selectors.seller_face_template(user) -> template | None``
- ``seller_photo_match(*, user, data: bytes) -> PhotoMatch(matched, score, error_code)`` (services or
  selectors)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FaceMatch:
    matched: bool
    score: float  # similarity from the engine; not money, so a float is fine here
    error_code: str | None


def seller_is_verified(user) -> bool:
    from verification import selectors

    return bool(selectors.seller_is_verified(user))


def seller_verified_since(user) -> datetime | None:
    """When the seller's current face template was verified (the catalogue's "verified since")."""
    from verification import selectors

    template = selectors.seller_face_template(user)
    if template is None:
        return None
    return getattr(template, "verified_at", None) or getattr(template, "created_at", None)


def _photo_match_function():
    # agreed as verification.services.seller_photo_match; verification ships it as a selector (it
    # only reads), so take it from whichever module defines it
    from verification import selectors, services

    return getattr(services, "seller_photo_match", None) or selectors.seller_photo_match


def seller_photo_match(*, user, data: bytes) -> FaceMatch:
    result = _photo_match_function()(user=user, data=data)
    return FaceMatch(
        matched=bool(result.matched),
        score=float(result.score),
        error_code=getattr(result, "error_code", None),
    )
