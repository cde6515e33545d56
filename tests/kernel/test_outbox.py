"""The outbox: an event is a row written with the change; a broker outage delays it, loses nothing."""

from __future__ import annotations

import pytest
from django.db import transaction

from kernel import outbox
from kernel.models import OutboxEvent, OutboxHandling
from kernel.tasks import outbox_event_dispatch
from marketplace.models import Licence, Order
from marketplace.purchases.state import OrderStatus
from marketplace.services import order_create
from payouts.selectors import hold_status
from tests.marketplace.purchase_helpers import assert_ledger_balanced, key, pay, scope_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(monkeypatch):
    """The edge of the outside world: sending to the broker fails, as when Redis is unreachable."""

    def refuse(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(outbox_event_dispatch, "delay", refuse)
    yield
    monkeypatch.undo()


@pytest.fixture
def sweep_at_once(settings):
    settings.FACE_MARKET = {**settings.FACE_MARKET, "OUTBOX_SWEEP_AFTER_SECONDS": 0}


def test_a_capture_during_a_broker_outage_issues_its_licence_once_after_the_sweep(
    make_user, published_listing, broker_down, sweep_at_once, django_capture_on_commit_callbacks, monkeypatch
):
    order = order_create(
        buyer=make_user("outage_buyer", "buyer"),
        listing_id=published_listing.pk,
        scope=scope_for(published_listing),
        checkout_key=key(),
    )
    pay(order, capture=django_capture_on_commit_callbacks)  # the payment is captured; the send fails

    assert hold_status(reference=order.reference).status == "pending"  # the money is held
    assert not Licence.objects.filter(order=order).exists()  # ...but the licence waits
    pending = OutboxEvent.objects.filter(type="payment.captured.order", status=OutboxEvent.Status.PENDING)
    assert pending.count() == 1

    monkeypatch.undo()  # the broker is back
    assert outbox.events_sweep() >= 1  # the capture: the licence is issued (and announces itself)
    for _ in range(5):  # the events that handling wrote (licence.issued) are swept in turn
        if not outbox.events_sweep():
            break
    assert outbox.events_sweep() == 0  # everything handled: nothing left to sweep
    assert Licence.objects.filter(order=order).count() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.LICENSED
    assert OutboxEvent.objects.get(type="payment.captured.order").status == OutboxEvent.Status.HANDLED
    assert_ledger_balanced()

    # dispatching the same event again (a duplicate task) changes nothing
    event = OutboxEvent.objects.get(type="payment.captured.order")
    OutboxEvent.objects.filter(pk=event.pk).update(status=OutboxEvent.Status.PENDING)
    outbox.event_dispatch(str(event.pk))
    assert Licence.objects.filter(order=order).count() == 1


def test_an_event_of_a_rolled_back_change_is_never_sent():
    seen = []
    outbox.handler_register("test.rolled_back", seen.append)
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.event_emit("test.rolled_back", payload={"n": 1})
        raise RuntimeError("the change fails")
    assert not OutboxEvent.objects.filter(type="test.rolled_back").exists()
    assert seen == []


def test_a_failing_handler_is_retried_alone_then_marked_failed(settings, django_capture_on_commit_callbacks):
    settings.FACE_MARKET = {**settings.FACE_MARKET, "OUTBOX_SWEEP_AFTER_SECONDS": 0, "OUTBOX_MAX_ATTEMPTS": 3}
    good, bad_calls = [], []

    def good_handler(event):
        good.append(event.pk)

    def bad_handler(event):
        bad_calls.append(event.pk)
        raise ValueError("handler bug")

    outbox.handler_register("test.flaky", good_handler)
    outbox.handler_register("test.flaky", bad_handler)
    with django_capture_on_commit_callbacks(execute=True):
        event = outbox.event_emit("test.flaky", subject="thing:1", payload={})
    for _ in range(5):
        OutboxEvent.objects.filter(pk=event.pk).update(next_attempt_at=None)
        outbox.events_sweep()
    event.refresh_from_db()
    assert event.status == OutboxEvent.Status.FAILED and event.attempts == 3
    assert "bad_handler" in event.last_error
    assert len(good) == 1  # the handler that succeeded ran once, never again
    assert len(bad_calls) == 3
    assert OutboxHandling.objects.filter(event=event).count() == 1


def test_an_integrity_error_of_the_handlers_own_work_is_a_failure_not_handled_elsewhere(
    django_capture_on_commit_callbacks,
):
    """Only the handling row's unique constraint means "another dispatcher was first"; a handler whose own
    insert breaks a constraint has done nothing and must be retried, never marked handled."""
    from django.contrib.auth.models import Group

    Group.objects.create(name="taken")

    def clashing_handler(event):
        Group.objects.create(name="taken")

    outbox.handler_register("test.clash", clashing_handler)
    with django_capture_on_commit_callbacks(execute=True):
        event = outbox.event_emit("test.clash", subject="thing:2", payload={})
    event.refresh_from_db()
    assert (
        event.status == OutboxEvent.Status.PENDING and "clashing_handler: IntegrityError" in event.last_error
    )
    assert not OutboxHandling.objects.filter(event=event).exists()

    OutboxHandling.objects.create(event=event, handler="tests.kernel.test_outbox.already")
    assert outbox._handled_elsewhere(_unique_clash(event))


def _unique_clash(event):
    from django.db import IntegrityError, transaction

    try:
        with transaction.atomic():
            OutboxHandling.objects.create(event=event, handler="tests.kernel.test_outbox.already")
    except IntegrityError as exc:
        return exc
    raise AssertionError("the handling row was not refused")


def test_events_of_one_subject_are_numbered_in_order(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = outbox.event_emit("test.seq", subject="licence:FL-1")
        second = outbox.event_emit("test.seq", subject="licence:FL-1")
        other = outbox.event_emit("test.seq", subject="licence:FL-2")
    assert (first.sequence, second.sequence, other.sequence) == (1, 2, 1)


def test_orders_untouched_by_the_outage_keep_their_state(make_user, published_listing):
    order = order_create(
        buyer=make_user("calm_buyer", "buyer"),
        listing_id=published_listing.pk,
        scope=scope_for(published_listing),
        checkout_key=key(),
    )
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING_PAYMENT
