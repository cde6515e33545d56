"""Sold and reserved exclusivity: recorded by the purchase flow, so conflicting offers are blocked.

A checkout reserves its scope when it opens (``exclusivity_reserve``); the capture turns that
reservation into the licence's claim (``exclusivity_claim``); expiry or cancellation releases it.

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
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.atomic import atomic_join

from ..errors import ExclusivityConflict
from ..models import ExclusivityClaim, LicenceTermsVersion, Listing
from ..quotes import QuoteScope
from ..terms import scope_clean
from ..vocabulary import Exclusivity
from .catalogue import listing_catalogue_refresh, listing_exclusivity_flag_refresh

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
    """Release claims whose licence period is over and reservations whose checkout has expired,
    so their categories can be sold again (they stop counting at once; this frees the unique slot)."""
    now = timezone.now()
    ended = ExclusivityClaim.objects.filter(listing=listing, released_at__isnull=True)
    return ended.filter(Q(ends_at__lte=now) | Q(reserved_until__lte=now)).update(released_at=now)


def _rows(*, listing, terms, scope: QuoteScope, reference: str, starts_at, reserved_until=None):
    categories = claimed_categories(scope, terms)
    exclusivity = scope.exclusivity
    if not categories and reserved_until is not None:  # a non-exclusive checkout reserves its share
        categories, exclusivity = list(scope.use_categories), Exclusivity.NONE
    return [
        ExclusivityClaim(
            listing=listing,
            terms_version=terms,
            category=category,
            exclusivity=exclusivity,
            licence_reference=reference,
            starts_at=starts_at,
            ends_at=add_months(starts_at, scope.duration_months),
            reserved_until=reserved_until,
        )
        for category in categories
    ]


def _insert(rows: list[ExclusivityClaim]) -> list[ExclusivityClaim]:
    try:
        with transaction.atomic():  # a savepoint: a racing claim fails here, not the caller's transaction
            return ExclusivityClaim.objects.bulk_create(rows)
    except IntegrityError as exc:
        raise ExclusivityConflict(
            _("Another buyer has just bought exclusivity over this scope."),
            categories=sorted({row.category for row in rows}),
        ) from exc


def _locked_scope(listing, scope, terms_version, *, listing_locked: bool = False, expire: bool = True):
    """The listing locked (``listing_locked``: the caller holds its lock already, with its current
    terms), its terms and the cleaned scope; ended claims of the listing are released first
    (``expire``), which frees their unique slots for the claims about to be inserted."""
    if listing_locked:
        locked = listing
    else:
        locked = (
            Listing.objects.select_for_update(no_key=True, of=("self",))
            .select_related("current_terms")
            .get(pk=listing.pk)
        )
    terms = terms_version or locked.current_terms
    if not isinstance(scope, QuoteScope):
        scope = scope_clean(scope, terms)
    if expire:
        exclusivity_claims_expire(listing=locked)
    return locked, terms, scope


def _unreleased(listing, reference):
    return ExclusivityClaim.objects.filter(
        listing=listing, licence_reference=reference, released_at__isnull=True
    )


def _raise_on_conflict(listing, scope, reference) -> None:
    from ..selectors import exclusivity_conflicts

    conflicts = exclusivity_conflicts(listing, scope, exclude_reference=reference)
    if conflicts:
        raise ExclusivityConflict(categories=conflicts)


@atomic_join  # a conflict is found by reads (or the insert's own savepoint) before any claim is written
def exclusivity_reserve(
    *,
    listing: Listing,
    scope: QuoteScope | Mapping[str, Any],
    licence_reference: str,
    reserved_until: datetime,
    terms_version: LicenceTermsVersion | None = None,
    listing_locked: bool = False,
    fresh_reference: bool = False,
) -> list[ExclusivityClaim]:
    """Hold the scope for an open checkout until ``reserved_until``. Idempotent per reference.

    Raises ``ExclusivityConflict`` when sold or reserved exclusivity already blocks the scope.
    """
    if not licence_reference:
        raise ValueError("licence_reference is required")
    locked, terms, scope = _locked_scope(listing, scope, terms_version, listing_locked=listing_locked)
    # a reference the caller has just made (``fresh_reference``) holds nothing to find again
    existing = [] if fresh_reference else list(_unreleased(locked, licence_reference))
    if existing:
        return existing
    _raise_on_conflict(locked, scope, licence_reference)
    claims = _insert(
        _rows(
            listing=locked,
            terms=terms,
            scope=scope,
            reference=licence_reference,
            starts_at=timezone.now(),
            reserved_until=reserved_until,
        )
    )
    listing_exclusivity_flag_refresh(listing=locked)
    return claims


@atomic_join
def exclusivity_claim(
    *,
    listing: Listing,
    scope: QuoteScope | Mapping[str, Any],
    licence_reference: str,
    terms_version: LicenceTermsVersion | None = None,
    starts_at: datetime | None = None,
    listing_locked: bool = False,
) -> list[ExclusivityClaim]:
    """Record the exclusivity a licence was sold with. Idempotent per ``licence_reference``.

    A live reservation of the same reference becomes the claim (its exclusive rows now run from
    ``starts_at``; a non-exclusive checkout's share is released). Without one, raises
    ``ExclusivityConflict`` if any sold or reserved exclusivity blocks the scope, non-exclusive
    scopes included. A non-exclusive scope claims nothing and returns ``[]``.
    """
    if not licence_reference:
        raise ValueError("licence_reference is required")
    # no release of ended claims yet: a reserved checkout inserts nothing (the reads count only live rows)
    locked, terms, scope = _locked_scope(
        listing, scope, terms_version, listing_locked=listing_locked, expire=False
    )
    starts_at = starts_at or timezone.now()
    live = ExclusivityClaim.objects.filter(
        listing=locked, licence_reference=licence_reference, released_at__isnull=True
    )
    reserved = list(live)
    if any(row.reserved_until is not None and row.reserved_until <= timezone.now() for row in reserved):
        exclusivity_claims_expire(listing=locked)  # the checkout ran out: what is left is claimed afresh
        reserved = list(live)
    claims = [row for row in reserved if row.reserved_until is None]
    if claims:
        return claims
    if reserved:
        shares = [row.pk for row in reserved if row.exclusivity == Exclusivity.NONE]
        claims = [row for row in reserved if row.exclusivity != Exclusivity.NONE]
        if shares:
            ExclusivityClaim.objects.filter(pk__in=shares).update(released_at=starts_at)
        if claims:
            ends_at = add_months(starts_at, scope.duration_months)
            ExclusivityClaim.objects.filter(pk__in=[row.pk for row in claims]).update(
                reserved_until=None, starts_at=starts_at, ends_at=ends_at
            )
            for row in claims:
                row.reserved_until, row.starts_at, row.ends_at = None, starts_at, ends_at
    else:
        exclusivity_claims_expire(listing=locked)
        _raise_on_conflict(locked, scope, licence_reference)
        claims = _insert(
            _rows(listing=locked, terms=terms, scope=scope, reference=licence_reference, starts_at=starts_at)
        )
    listing_exclusivity_flag_refresh(listing=locked, popularity_points=SALE_POPULARITY_POINTS)
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
