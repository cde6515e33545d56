"""The default database under load: SQLite with the site's settings (IMMEDIATE transactions and a
busy timeout), 8 threads opening checkouts and paying at once through the API: no 500, no lost sale."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from marketplace.models import Licence, Order
from payouts.models import EscrowHold

from .purchase_helpers import assert_ledger_balanced, key, pay, scope_for

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 8


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the SQLite default only")
def test_eight_threads_buying_and_paying_at_once_get_no_server_error(make_user, published_listing):
    options = connection.settings_dict["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 5
    buyers = [make_user(f"sqlite_buyer{i}", "buyer") for i in range(THREADS)]
    scope = scope_for(published_listing)
    barrier = threading.Barrier(THREADS)
    statuses: list = [None] * THREADS

    def buy(i):
        try:
            api = APIClient()
            api.force_authenticate(buyers[i])
            barrier.wait()
            response = api.post(
                "/api/v1/orders/",
                {"listing": published_listing.pk, "scope": scope, "checkout_key": key()},
                format="json",
            )
            statuses[i] = response.status_code
            if response.status_code == 201:
                pay(Order.objects.get(public_id=response.json()["id"]))
        except Exception as exc:  # collected and asserted on below
            statuses[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=buy, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert statuses == [201] * THREADS, statuses
    assert Licence.objects.count() == THREADS
    assert EscrowHold.objects.filter(status="pending").count() == THREADS
    assert_ledger_balanced()


def test_a_host_on_sqlite_without_immediate_transactions_is_warned(settings):
    from kernel.checks import check_sqlite_queues_concurrent_writes

    settings.DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "x.sqlite3"}}
    assert [w.id for w in check_sqlite_queues_concurrent_writes()] == ["kernel.W001"]
    settings.DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    assert check_sqlite_queues_concurrent_writes() == []
