"""Sold exclusivity: recorded by the purchase flow, so conflicting offers are blocked.

A category-exclusive licence claims each of its categories; a fully exclusive one claims every
category of its terms plus ``"*"`` (which blocks every other offer). The partial unique constraint
on ``(listing, category)`` among unreleased claims makes two racing claims impossible in the
database; the row lock on the listing makes the loser fail cleanly with ``ExclusivityConflict``.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import ExclusivityConflict
from ..models import ExclusivityClaim, LicenceTermsVersion, Listing
from ..quotes import QuoteScope
from ..terms import scope_clean
from ..vocabulary import Exclusivity
from .catalogue import listing_catalogue_refresh, listing_popularity_bump

FULL_CLAIM = "*"
SALE_POPULARITY_POINTS = 20


def add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def claimed_categories(scope: QuoteScope, terms: LicenceTermsVersion) -> list[str]:
    if scope.exclusivity == Exclusivity.FULL:
        return [*terms.use_categories, FULL_CLAIM]
    if scope.exclusivity == Exclusivity.CATEGORY:
        return list(scope.use_categories)
    return []


def exclusivity_claims_expire(*, listing: Listing) -> int:
    """Release claims whose licence period is over, so their categories can be sold again."""
    now = timezone.now()
    return ExclusivityClaim.objects.filter(
        listing=listing, released_at__isnull=True, ends_at__lte=now
    ).update(released_at=now)


@transaction.atomic
def exclusivity_claim(
    *,
    listing: Listing,
    scope: QuoteScope | Mapping[str, Any],
    licence_reference: str,
    terms_version: LicenceTermsVersion | None = None,
    starts_at: datetime | None = None,
) -> list[ExclusivityClaim]:
    """Record the exclusivity a licence was sold with. Idempotent per ``licence_reference``.

    Raises ``ExclusivityConflict`` if any part of it is already held by another licence. A
    non-exclusive scope claims nothing and returns ``[]``.
    """
    from ..selectors import exclusivity_conflicts

    if not licence_reference:
        raise ValueError("licence_reference is required")
    locked = Listing.objects.select_for_update().get(pk=listing.pk)
    existing = list(ExclusivityClaim.objects.filter(listing=locked, licence_reference=licence_reference))
    if existing:
        return existing
    terms = terms_version or locked.current_terms
    if not isinstance(scope, QuoteScope):
        scope = scope_clean(scope, terms)
    categories = claimed_categories(scope, terms)
    if not categories:
        return []
    exclusivity_claims_expire(listing=locked)
    conflicts = exclusivity_conflicts(locked, scope)
    if conflicts:
        raise ExclusivityConflict(categories=conflicts)
    starts_at = starts_at or timezone.now()
    rows = [
        ExclusivityClaim(
            listing=locked,
            terms_version=terms,
            category=category,
            exclusivity=scope.exclusivity,
            licence_reference=licence_reference,
            starts_at=starts_at,
            ends_at=add_months(starts_at, scope.duration_months),
        )
        for category in categories
    ]
    try:
        with transaction.atomic():  # a savepoint: a racing claim fails here, not the caller's transaction
            claims = ExclusivityClaim.objects.bulk_create(rows)
    except IntegrityError as exc:
        raise ExclusivityConflict(
            _("Another buyer has just bought exclusivity over this scope."), categories=categories
        ) from exc
    listing_popularity_bump(listing_id=locked.pk, points=SALE_POPULARITY_POINTS)
    listing_catalogue_refresh(listing=locked)
    return claims


@transaction.atomic
def exclusivity_release(*, licence_reference: str) -> int:
    """Free the exclusivity of a revoked, refunded or ended licence. Returns the claims released."""
    claims = ExclusivityClaim.objects.filter(licence_reference=licence_reference, released_at__isnull=True)
    listing_ids = set(claims.values_list("listing_id", flat=True))
    released = claims.update(released_at=timezone.now())
    for listing in Listing.objects.filter(pk__in=listing_ids):
        listing_catalogue_refresh(listing=listing)
    return released
