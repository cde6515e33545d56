"""What exclusivity is held on a listing now: sold claims and the reservations of open checkouts.

A row of ``ExclusivityClaim`` is live while it is unreleased, its licence period has not ended and,
for a reservation (``reserved_until`` set), its checkout has not expired. Exclusive rows (category or
full) hold their categories; shared rows are the reservations of non-exclusive checkouts: they block
nobody else's non-exclusive sale, only an exclusivity that would make that licence a breach.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from ..models import ExclusivityClaim, Listing
from ..quotes import QuoteScope
from ..vocabulary import Exclusivity

FULL_CLAIM = "*"


@dataclass(frozen=True)
class ExclusivityHeld:
    exclusive: set[str] = field(default_factory=set)
    shared: set[str] = field(default_factory=set)


def exclusivity_live_rows(listing: Listing, *, exclude_reference: str = ""):
    now = timezone.now()
    rows = ExclusivityClaim.objects.filter(listing=listing, released_at__isnull=True, ends_at__gt=now).filter(
        Q(reserved_until__isnull=True) | Q(reserved_until__gt=now)
    )
    if exclude_reference:
        rows = rows.exclude(licence_reference=exclude_reference)
    return rows


def exclusivity_held(listing: Listing, *, exclude_reference: str = "") -> ExclusivityHeld:
    held = ExclusivityHeld()
    for category, exclusivity in exclusivity_live_rows(
        listing, exclude_reference=exclude_reference
    ).values_list("category", "exclusivity"):
        (held.shared if exclusivity == Exclusivity.NONE else held.exclusive).add(category)
    return held


def exclusivity_scope_conflicts(held: ExclusivityHeld, scope: QuoteScope) -> list[str]:
    """The categories of ``scope`` that ``held`` blocks (empty: the scope can be offered)."""
    if FULL_CLAIM in held.exclusive:
        return list(scope.use_categories) or [FULL_CLAIM]
    if scope.exclusivity == Exclusivity.FULL:
        return sorted(held.exclusive | held.shared)
    if scope.exclusivity == Exclusivity.CATEGORY:
        return [c for c in scope.use_categories if c in held.exclusive or c in held.shared]
    return [c for c in scope.use_categories if c in held.exclusive]
