"""Hiding a listing while moderators review it, and putting it back (called by moderation only).

A hold is a pause the seller cannot lift: it is the listing's latest status change with the
``review_hold`` action, and ``listing_publish`` refuses while it stands. Taken-down listings come back
only through ``listing_review_release`` (an appeal reversed by a moderator).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel import outbox
from kernel.transitions import history

from ..models import Listing
from ..state import ListingStatus, Transition
from ._transitions import transition_apply
from .catalogue import listing_catalogue_refresh

REVIEW_HOLD = "review_hold"
REVIEW_RELEASE = "review_release"

#: moderation's own moves, kept apart from ``LISTING_TRANSITIONS`` so no seller path can reach them
REVIEW_TRANSITIONS: dict[str, Transition] = {
    REVIEW_HOLD: Transition(frozenset({ListingStatus.PUBLISHED, ListingStatus.PAUSED}), ListingStatus.PAUSED),
    REVIEW_RELEASE: Transition(
        frozenset({ListingStatus.PAUSED, ListingStatus.TAKEN_DOWN}), ListingStatus.PUBLISHED
    ),
}


def listing_is_held_for_review(listing: Listing) -> bool:
    if listing.status != ListingStatus.PAUSED:
        return False
    latest = history(listing).order_by("-created_at", "-id").first()
    return latest is not None and latest.action == REVIEW_HOLD


@transaction.atomic
def listing_hide_pending_review(*, listing: Listing, reason: str, moderator=None) -> bool:
    """Hide a live (or paused) listing from the catalogue at once; ``False`` if there was nothing to hide."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the listing is hidden.")})
    listing = Listing.objects.select_for_update(no_key=True).get(pk=listing.pk)
    if listing.status not in REVIEW_TRANSITIONS[REVIEW_HOLD].sources or listing_is_held_for_review(listing):
        return False
    transition_apply(
        obj=listing,
        action=REVIEW_HOLD,
        transitions=REVIEW_TRANSITIONS,
        actor=moderator,
        reason=reason.strip(),
        updates={"updated_at": timezone.now()},
    )
    listing_catalogue_refresh(listing=listing)
    outbox.event_emit(
        "listing.held_for_review", subject=f"listing:{listing.pk}", payload={"listing": listing.pk}
    )
    return True


@transaction.atomic
def listing_review_release(*, listing: Listing, reason: str, moderator) -> bool:
    """Put a held or taken-down listing back on sale (a dismissed claim, a reversed takedown)."""
    listing = Listing.objects.select_for_update(no_key=True).get(pk=listing.pk)
    held = listing_is_held_for_review(listing)
    if not (held or listing.status == ListingStatus.TAKEN_DOWN):
        return False  # the seller's own pause or withdrawal stays theirs
    transition_apply(
        obj=listing,
        action=REVIEW_RELEASE,
        transitions=REVIEW_TRANSITIONS,
        actor=moderator,
        reason=(reason or "").strip(),
        updates={"updated_at": timezone.now()},
    )
    listing_catalogue_refresh(listing=listing)
    outbox.event_emit(
        "listing.review_released", subject=f"listing:{listing.pk}", payload={"listing": listing.pk}
    )
    return True
