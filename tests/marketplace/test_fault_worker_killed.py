"""A real Celery worker SIGKILLed, or its database connection terminated (``pg_terminate_backend``), in
the middle of the post-capture licence issue, then the event sent again (to a new worker after a kill):
the licence exists exactly once, the order is licensed and the ledger balances to the fen.

The worker is caught mid-task for certain: the test holds the order's row lock from its own connection,
so the worker's handler (``licence_issue_for_payment`` locks the order) waits inside its transaction;
PostgreSQL shows it waiting; then it is killed. The killed worker's transaction never commits. The
event is sent again (as the redelivery of an unacknowledged ``acks_late`` task or the outbox sweeper
would) twice, to a new worker, and handled once. Each worker here reads its own queue so the session's
shared worker never takes these tasks.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psycopg
import pytest
from django.conf import settings as django_settings

from kernel import outbox
from kernel.models import OutboxEvent
from kernel.tasks import outbox_event_dispatch
from marketplace.models import Licence, Order
from marketplace.purchases.state import OrderStatus
from marketplace.services import order_create
from tests.conftest import REPO_ROOT
from tests.marketplace.purchase_helpers import assert_ledger_balanced, key, pay, scope_for

pytestmark = [pytest.mark.postgres, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

QUEUE = "fault_tests"
LOG = open(os.environ.get("FAULT_WORKER_LOG", os.devnull), "a")  # noqa: SIM115


STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def no_worker_outlives_its_test():
    yield
    while STARTED:
        proc = STARTED.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def _worker() -> subprocess.Popen:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    env["FACE_MARKET_TEST_DB_NAME"] = str(django_settings.DATABASES["default"]["NAME"])
    env["PYTHONPATH"] = str(REPO_ROOT)
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tests.celery_worker_app", "worker", "--pool=solo",
         "--concurrency=1", "--loglevel=WARNING", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "-Q", QUEUE, "-n", f"fault{time.monotonic_ns()}@%h"],
        cwd=REPO_ROOT, env=env, stdout=LOG, stderr=subprocess.STDOUT,
    )  # fmt: skip
    STARTED.append(proc)
    return proc


def _dsn() -> str:
    db = django_settings.DATABASES["default"]
    return f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} dbname={db['NAME']}"


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def broker_send_refused(monkeypatch):
    """The capture's own send is kept off the shared queue (the event row waits, as in a broker outage)."""
    monkeypatch.setattr(outbox_event_dispatch, "delay", lambda *a, **k: None)


@pytest.mark.parametrize("fault", ["worker_sigkill", "connection_terminated"])
def test_worker_killed_or_its_connection_dropped_mid_licence_issue_then_it_is_issued_once(
    fault, make_user, published_listing, broker_send_refused, django_capture_on_commit_callbacks
):
    order = order_create(
        buyer=make_user("killed_worker_buyer", "buyer"),
        listing_id=published_listing.pk,
        scope=scope_for(published_listing),
        checkout_key=key(),
    )
    pay(order, capture=django_capture_on_commit_callbacks)
    event = OutboxEvent.objects.get(type="payment.captured.order", subject__contains=order.reference)
    assert not Licence.objects.filter(order=order).exists()

    # the observer is a separate autocommit session: pg_stat_activity is a snapshot per transaction
    with psycopg.connect(_dsn()) as holder, psycopg.connect(_dsn(), autocommit=True) as observer:
        table = Order._meta.db_table
        holder.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", [order.pk])  # noqa: S608
        first = _worker()
        try:
            outbox_event_dispatch.apply_async((str(event.pk),), queue=QUEUE)
            blocked = _wait(
                lambda: observer.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query LIKE %s",
                    [f'SELECT "{table}".%'],  # its locking read (the text is cut at 1 kB: no FOR UPDATE)
                ).fetchone(),
                60,
                "the worker to block on the order's lock inside its transaction",
            )
            if fault == "worker_sigkill":
                os.kill(first.pid, signal.SIGKILL)
                first.wait(timeout=10)
            else:  # the database drops the worker's connection mid-transaction; the worker lives on
                observer.execute("SELECT pg_terminate_backend(%s)", blocked)
        except BaseException:
            first.kill()
            raise
        holder.rollback()  # the lock is released: the dead worker's statement runs on, its commit never comes
        _wait(
            lambda: not observer.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", blocked).fetchone(),
            30,
            "PostgreSQL to end the worker's session",
        )
    assert not Licence.objects.filter(order=order).exists()  # nothing of the broken task was committed
    event.refresh_from_db()
    assert event.status == OutboxEvent.Status.PENDING

    second = _worker() if fault == "worker_sigkill" else first  # the same worker reconnects
    try:
        results = [outbox_event_dispatch.apply_async((str(event.pk),), queue=QUEUE) for _ in range(2)]
        outcomes = sorted(result.get(timeout=60) for result in results)
    finally:
        second.terminate()
        second.wait(timeout=20)
    assert outcomes == ["handled", "skipped"]
    outbox.events_pending_inline()  # what the handling emitted (licence.issued), as the sweeper would
    assert Licence.objects.filter(order=order).count() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.LICENSED
    assert_ledger_balanced()
