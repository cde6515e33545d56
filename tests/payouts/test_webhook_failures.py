"""A signed event that fails the same way N times is marked failed, not retried forever, and shown to
staff (the ledger page, the admin's status filter, system check payouts.W010); a good event still
processes once. Signed with the endpoint's secret as Stripe signs (no mock: the real verification)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from kernel.transitions import history
from payouts.checks import check_failed_webhook_events
from payouts.models import LedgerTransaction, WebhookEvent
from payouts.services import webhook_event_requeue, webhook_events_retry
from payouts.state import WebhookEventStatus

from .conftest import deliver
from .test_stripe import synthetic_event

pytestmark = pytest.mark.django_db
MAX_SAME = 3


@pytest.fixture
def fail_after_three(stripe_settings):
    stripe_settings.FACE_MARKET = {**stripe_settings.FACE_MARKET, "WEBHOOK_EVENT_MAX_SAME_FAILURES": MAX_SAME}
    return stripe_settings


def malformed_refund_event() -> bytes:
    # a charge.refunded event whose charge has no id: the translation cannot read it, every time
    return synthetic_event("charge.refunded", {"object": "charge", "amount": 500, "currency": "cny"})


def test_a_malformed_event_fails_n_times_then_is_failed_and_shown_to_staff(fail_after_three, make_user):
    stripe = Client(raise_request_exception=False)
    body = malformed_refund_event()
    codes = [deliver(stripe, body).status_code for _ in range(MAX_SAME)]
    assert codes == [500] * (MAX_SAME - 1) + [200]  # Stripe stops redelivering once it is failed
    event = WebhookEvent.objects.get()
    assert (event.status, event.attempts, event.same_failures) == ("failed", MAX_SAME, MAX_SAME)
    assert event.failed_at and "KeyError" in event.processing_error and event.processed_at is None
    assert [(c.from_status, c.to_status) for c in history(event)] == [("received", "failed")]

    # no more attempts: neither a redelivery nor the retry sweep touches it
    assert deliver(stripe, body).status_code == 200
    assert webhook_events_retry(older_than=timedelta(0)) == 0
    assert WebhookEvent.objects.get().attempts == MAX_SAME
    assert not LedgerTransaction.objects.exists()

    staff = Client()
    staff.force_login(make_user("root", is_staff=True, is_superuser=True))
    page = staff.get(reverse("payouts:ledger_index")).content.decode()
    assert 'id="failed-events"' in page and event.event_id in page and "KeyError" in page
    admin = staff.get("/admin/fm_payouts/webhookevent/", {"status__exact": "failed"}).content.decode()
    assert event.event_id in admin
    assert (
        staff.get("/admin/fm_payouts/webhookevent/", {"status__exact": "processed"})
        .content.decode()
        .count(event.event_id)
        == 0
    )

    warnings = check_failed_webhook_events(databases=["default"])
    assert [w.id for w in warnings] == ["payouts.W010"] and "1 payment gateway event" in warnings[0].msg
    call_command("check", "--database", "default")  # a warning, not an error: the site still starts


def test_staff_requeue_starts_the_count_again(fail_after_three):
    stripe = Client(raise_request_exception=False)
    body = malformed_refund_event()
    for _ in range(MAX_SAME):
        deliver(stripe, body)
    event = WebhookEvent.objects.get()
    with pytest.raises(KeyError):  # still malformed: the first failure after a requeue is raised again
        webhook_event_requeue(webhook_event_id=event.pk, actor=None)
    event.refresh_from_db()
    assert (event.status, event.same_failures, event.attempts) == ("received", 1, MAX_SAME + 1)
    assert event.failed_at is None


def test_different_errors_do_not_add_up(fail_after_three):
    from payouts.services.webhooks import _failure_record

    body = malformed_refund_event()
    deliver(Client(raise_request_exception=False), body)
    event = WebhookEvent.objects.get()
    for error in ("A: one", "B: two", "A: one", "B: two"):
        assert _failure_record(event.pk, error=error) is False
    event.refresh_from_db()
    assert event.status == WebhookEventStatus.RECEIVED and event.same_failures == 1
    assert not check_failed_webhook_events(databases=["default"])


def test_a_good_event_still_processes_once(fail_after_three):
    body = synthetic_event("customer.created", {"id": "cus_123", "object": "customer"})
    assert deliver(Client(), body).status_code == 200
    assert deliver(Client(), body).status_code == 200
    event = WebhookEvent.objects.get()
    assert (event.status, event.attempts, event.same_failures) == ("processed", 1, 0)
    assert event.processed_at and not event.processing_error and event.failed_at is None
    assert [(c.from_status, c.to_status) for c in history(event)] == [("received", "processed")]


def test_the_check_is_silent_without_failed_events(db):
    assert check_failed_webhook_events(databases=["default"]) == []
