"""Every listing transition, allowed and refused; publishing needs a verified face."""

import pytest
from django.core.exceptions import ValidationError

from kernel.transitions import history
from listings.errors import NotTheOwner, TransitionRefused
from listings.models import Listing
from listings.services import (
    listing_pause,
    listing_publish,
    listing_takedown_mark,
    listing_transition,
    listing_update,
    listing_withdraw,
)
from listings.state import LISTING_TRANSITIONS, SELLER_ACTIONS, ListingAction, ListingStatus

pytestmark = pytest.mark.django_db
ALL = list(ListingStatus.values)


def at(listing, status) -> Listing:
    Listing.objects.filter(pk=listing.pk).update(status=status)
    listing.refresh_from_db()
    return listing


def run(action, listing, actor):
    if action == ListingAction.TAKE_DOWN:
        return listing_takedown_mark(listing=listing, reason="stolen face", moderator=actor)
    return listing_transition(listing=listing, action=action, actor=actor)


CASES = [(action, source) for action in ListingAction.values for source in ALL]


@pytest.mark.parametrize(("action", "source"), CASES, ids=[f"{a}-from-{s}" for a, s in CASES])
def test_every_transition(action, source, verified_seller, make_listing, moderator):
    listing = at(make_listing(verified_seller), source)
    actor = moderator if action == ListingAction.TAKE_DOWN else verified_seller
    transition = LISTING_TRANSITIONS[action]
    if source in transition.sources:
        moved = run(action, listing, actor)
        assert moved.status == transition.target
        change = history(listing).get()
        assert (change.action, change.from_status, change.to_status) == (action, source, transition.target)
        assert change.actor == actor
    else:
        with pytest.raises(TransitionRefused):
            run(action, listing, actor)
        listing.refresh_from_db()
        assert listing.status == source
        assert not history(listing).exists()


def test_full_lifecycle_draft_published_paused_published_withdrawn(verified_seller, make_listing):
    listing = make_listing(verified_seller)
    assert listing.status == ListingStatus.DRAFT and listing.published_at is None
    listing = listing_publish(listing=listing, actor=verified_seller)
    first_published = listing.published_at
    assert listing.status == ListingStatus.PUBLISHED and first_published is not None
    assert listing.seller_verified_at is not None
    listing = listing_pause(listing=listing, actor=verified_seller)
    listing = listing_publish(listing=listing, actor=verified_seller)
    assert listing.published_at == first_published  # a pause and resume keeps its place in "newest"
    listing = listing_withdraw(listing=listing, actor=verified_seller, reason="retiring")
    assert listing.status == ListingStatus.WITHDRAWN
    moves = list(history(listing).values_list("to_status", flat=True))
    assert moves == ["published", "paused", "published", "withdrawn"]


def test_publishing_is_refused_without_a_verified_face(seller, faces, make_listing):
    listing = make_listing(seller)
    with pytest.raises(TransitionRefused) as info:
        listing_publish(listing=listing, actor=seller)
    assert info.value.code == "seller_not_verified"
    listing.refresh_from_db()
    assert listing.status == ListingStatus.DRAFT


def test_resuming_a_paused_listing_needs_the_face_still_verified(verified_seller, faces, make_listing):
    listing = listing_publish(listing=make_listing(verified_seller), actor=verified_seller)
    listing = listing_pause(listing=listing, actor=verified_seller)
    faces.unverify(verified_seller)
    with pytest.raises(TransitionRefused):
        listing_publish(listing=listing, actor=verified_seller)


def test_sellers_cannot_take_a_listing_down(verified_seller, make_listing):
    assert ListingAction.TAKE_DOWN not in SELLER_ACTIONS
    listing = make_listing(verified_seller)
    with pytest.raises(TransitionRefused) as info:
        listing_transition(listing=listing, action=ListingAction.TAKE_DOWN, actor=verified_seller)
    assert info.value.code == "not_a_seller_action"


def test_a_take_down_needs_a_reason(published_listing, moderator):
    with pytest.raises(ValidationError):
        listing_takedown_mark(listing=published_listing, reason=" ", moderator=moderator)


def test_only_the_owner_moves_a_listing(published_listing, make_user, faces):
    other = make_user("other_seller", "seller")
    faces.verify(other)
    for action in SELLER_ACTIONS:
        with pytest.raises(NotTheOwner):
            listing_transition(listing=published_listing, action=action, actor=other)


def test_a_stale_status_is_refused_not_overwritten(verified_seller, make_listing):
    listing = make_listing(verified_seller)
    stale = Listing.objects.get(pk=listing.pk)
    listing_withdraw(listing=listing, actor=verified_seller)
    # the stale copy still says "draft": the conditional UPDATE matches no row
    with pytest.raises(TransitionRefused) as info:
        listing_publish(listing=stale, actor=verified_seller)
    assert info.value.code == "stale_status"
    stale.refresh_from_db()
    assert stale.status == ListingStatus.WITHDRAWN


def test_withdrawn_and_taken_down_listings_cannot_be_edited(verified_seller, make_listing, moderator):
    withdrawn = listing_withdraw(listing=make_listing(verified_seller), actor=verified_seller)
    with pytest.raises(TransitionRefused):
        listing_update(listing=withdrawn, actor=verified_seller, title="Back again")
    taken = listing_takedown_mark(
        listing=make_listing(verified_seller), reason="duplicate", moderator=moderator
    )
    with pytest.raises(TransitionRefused):
        listing_update(listing=taken, actor=verified_seller, title="Back again")
