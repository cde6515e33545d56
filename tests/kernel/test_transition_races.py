"""One transition engine, one behaviour on a lost race, for every state machine family, on PostgreSQL.

Two threads, each with its own connection and its own copy of the row, move the same object at the
same moment: exactly one wins, the other gets ``TransitionConflict``, the row holds the winner's
status, and the history has exactly one row for the move.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from kernel.transitions import TransitionConflict, TransitionNotAllowed, history, transition
from listings.services import listing_pause
from listings.state import ListingStatus
from marketplace.models import Order
from marketplace.purchases.state import ORDER_TRANSITIONS, OrderStatus
from marketplace.services import order_create
from payouts.models import EscrowHold
from payouts.state import HoldStatus
from tests.marketplace.purchase_helpers import key, scope_for
from verification.models import BiometricConsent, Enrollment
from verification.state import EnrollmentStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(model, pk, moves) -> list:
    """Each move ``(to, extra kwargs)`` runs in its own thread on a fresh copy of the row."""
    barrier = threading.Barrier(len(moves))
    results: list = [None] * len(moves)

    def runner(i, to, kwargs):
        try:
            copy = model.objects.get(pk=pk)
            barrier.wait()
            with transaction.atomic():
                transition(copy, to=to, **kwargs)
            results[i] = to
        except Exception as exc:  # collected and asserted on below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, to, kw)) for i, (to, kw) in enumerate(moves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def assert_one_winner(obj, results, source):
    winners = [r for r in results if isinstance(r, str)]
    losers = [r for r in results if not isinstance(r, str)]
    assert len(winners) == 1, results
    assert losers and all(isinstance(r, TransitionConflict) for r in losers), results
    obj.refresh_from_db()
    assert obj.status == winners[0]
    moves = list(history(obj).filter(from_status=source).values_list("to_status", flat=True))
    assert moves == [winners[0]]


def test_orders_race_to_expire_and_fail(make_user, published_listing):
    order = order_create(
        buyer=make_user("racing_buyer", "buyer"),
        listing_id=published_listing.pk,
        scope=scope_for(published_listing),
        checkout_key=key(),
    )
    table = {"transitions": ORDER_TRANSITIONS}
    results = race(Order, order.pk, [(OrderStatus.EXPIRED, table), (OrderStatus.FAILED, table)])
    assert_one_winner(order, results, OrderStatus.PENDING_PAYMENT)


def test_holds_race_to_release_and_void(sandbox_hold, buyer, seller):
    hold = sandbox_hold(reference="LIC-RACE", amount=10_000, payer=buyer, payee=seller)
    results = race(EscrowHold, hold.pk, [(HoldStatus.RELEASED, {}), (HoldStatus.VOIDED, {})])
    assert_one_winner(hold, results, HoldStatus.PENDING)


def test_enrollments_race_to_expire_and_withdraw(seller):
    consent = BiometricConsent.objects.create(user=seller, text_version="test", text="consent")
    enrollment = Enrollment.objects.create(user=seller, consent=consent)
    moves = [(EnrollmentStatus.EXPIRED, {}), (EnrollmentStatus.WITHDRAWN, {})]
    results = race(Enrollment, enrollment.pk, moves)
    assert_one_winner(enrollment, results, EnrollmentStatus.PHOTOS)


def test_listings_race_through_their_named_moves(published_listing):
    """Listings name their moves; the two racers pause and withdraw the same live listing."""
    from listings.models import Listing
    from listings.state import LISTING_TRANSITIONS

    moves: dict[str, set[str]] = {}
    for move in LISTING_TRANSITIONS.values():
        for source in move.sources:
            moves.setdefault(source, set()).add(move.target)
    table = {"transitions": moves}
    results = race(
        Listing, published_listing.pk, [(ListingStatus.PAUSED, table), (ListingStatus.WITHDRAWN, table)]
    )
    assert_one_winner(published_listing, results, ListingStatus.PUBLISHED)


def test_an_illegal_move_is_refused_before_any_write(published_listing):
    listing_pause(listing=published_listing, actor=published_listing.seller)
    before = history(published_listing).count()
    with pytest.raises(TransitionNotAllowed):
        transition(published_listing, to=ListingStatus.PAUSED, transitions={ListingStatus.PUBLISHED: {"x"}})
    assert history(published_listing).count() == before


def test_licences_race_to_revoke_and_expire(make_user, published_listing):
    from marketplace.models import Licence
    from marketplace.purchases.state import LICENCE_TRANSITIONS, LicenceStatus
    from tests.marketplace.purchase_helpers import pay

    order = order_create(
        buyer=make_user("licence_racer", "buyer"),
        listing_id=published_listing.pk,
        scope=scope_for(published_listing),
        checkout_key=key(),
    )
    pay(order)
    licence = Licence.objects.get(order=order)
    table = {"transitions": LICENCE_TRANSITIONS}
    results = race(Licence, licence.pk, [(LicenceStatus.REVOKED, table), (LicenceStatus.EXPIRED, table)])
    assert_one_winner(licence, results, LicenceStatus.ACTIVE)
