"""Purchases per second end to end through the sandbox gateway, on PostgreSQL (or SQLite).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/face_market .venv/bin/python bench/purchases.py
    .venv/bin/python bench/purchases.py --sqlite     # a throw-away SQLite file; threads say little there

One purchase = ``order_create`` (quote on the current terms, order row, sandbox payment session)
+ the buyer pressing "pay" (``sandbox_payment_complete``: gateway event stored and processed,
capture posted to the ledger, escrow hold) + the payment event handled by the marketplace
(exclusivity check, terms version marked sold, licence issued), each in its own transactions, with
Celery eager. It creates its own database (dropped afterwards), one seller with one published
listing (published directly in the database: verifying a face is not what is measured here) and
N buyers, spread over ``--listings`` published listings (a catalogue sells many faces at once;
``--listings 1`` makes every purchase queue on one listing's row, which its exclusivity needs),
then measures sequential purchases and purchases from several threads at once, and
prints purchases/s, p50/p95, SQL statements per purchase and, as the raw floor, the time of
plain INSERTs of the rows one purchase writes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._pg import bench_database, summary  # noqa: E402


def setup_market(n_buyers: int, n_listings: int = 1):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from listings.models import LicenceTermsTemplate, Tier
    from listings.services import listing_create, seller_profile_upsert
    from listings.state import ListingStatus
    from marketplace.services import user_role_grant

    call_command("migrate", verbosity=0, skip_checks=True)
    User = get_user_model()
    seller = User.objects.create_user(username="bench-seller", password=None)
    user_role_grant(user=seller, role="seller")
    seller_profile_upsert(user=seller, display_name="Bench", bio="", languages=["zh"], tags=["30s"])
    listings = []
    for n in range(n_listings):
        listing = listing_create(
            seller=seller,
            tier=Tier.objects.get(slug="extra"),
            title=f"Bench face {n}",
            annual_price_minor=10_000,
            template=LicenceTermsTemplate.objects.get(slug="extra-short-drama"),
        )
        type(listing).objects.filter(pk=listing.pk).update(
            status=ListingStatus.PUBLISHED, published_at=timezone.now()
        )
        listing.refresh_from_db()
        listings.append(listing)
    buyers = []
    for i in range(n_buyers):
        buyer = User.objects.create_user(username=f"bench-buyer-{i}", password=None)
        user_role_grant(user=buyer, role="buyer")
        buyers.append(buyer)
    terms = listing.current_terms
    scope = {
        "use_categories": [terms.use_categories[0]],
        "media": [next(iter(terms.media_factors_bps))],
        "territories": [terms.territories[0]],
        "duration_months": 12,
        "reach_band": next(iter(terms.reach_factors_bps)),
        "monetisation": next(iter(terms.monetisation_factors_bps)),
        "exclusivity": "none",
        "sensitive_uses": [],
        "ai_training": False,
    }
    return listings, buyers, scope


def purchase(buyer, listing, scope) -> None:
    from marketplace.services import order_create
    from payouts.services import sandbox_payment_complete

    order = order_create(buyer=buyer, listing_id=listing.pk, scope=scope, checkout_key=uuid.uuid4().hex)
    # the buyer follows the checkout link: the sandbox page's URL names the gateway payment
    sandbox_payment_complete(gateway_payment_id=gateway_payment_id(order), user=buyer, succeeded=True)


def gateway_payment_id(order) -> str:
    return order.checkout_url.rstrip("/").rsplit("/", 1)[-1]


def statements_by_phase(buyer, listing, scope) -> list[tuple[str, int, list[str]]]:
    """One purchase with its outbox events dispatched by hand, phase by phase: (phase, count, sql)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kernel import outbox
    from marketplace.services import order_create
    from payouts.services import sandbox_payment_complete

    queued: list[str] = []
    dispatch_later = outbox._dispatch_later
    outbox._dispatch_later = queued.append  # the events wait for us instead of running on commit
    phases = []

    def phase(label, func):
        with CaptureQueriesContext(connection) as captured:
            result = func()
        phases.append((label, len(captured.captured_queries), [q["sql"] for q in captured.captured_queries]))
        return result

    try:
        order = phase(
            "checkout (order, reservation, payment session)",
            lambda: order_create(
                buyer=buyer, listing_id=listing.pk, scope=scope, checkout_key=uuid.uuid4().hex
            ),
        )
        phase(
            "capture (pay page: event stored, posting, hold, outbox)",
            lambda: sandbox_payment_complete(
                gateway_payment_id=gateway_payment_id(order),
                user=buyer,
                succeeded=True,
            ),
        )
        while queued:
            event_id = queued.pop(0)
            event_type = outbox_event_type(event_id)
            phase(f"outbox {event_type} handlers", partial(outbox.event_dispatch, event_id))
    finally:
        outbox._dispatch_later = dispatch_later
    return phases


def outbox_event_type(event_id: str) -> str:
    from kernel.models import OutboxEvent

    return OutboxEvent.objects.filter(pk=event_id).values_list("type", flat=True).first() or "?"


def raw_limits(connection) -> str:
    """What this run ran on: cores, load, database and its durability settings."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    line = f"cores {os.cpu_count()}, load average {load}; "
    if connection.vendor != "postgresql":
        import sqlite3

        return line + f"SQLite {sqlite3.sqlite_version} (one writer at a time: thread scaling is meaningless)"
    with connection.cursor() as cursor:
        settings = {}
        for name in (
            "server_version",
            "synchronous_commit",
            "fsync",
            "wal_sync_method",
            "shared_buffers",
            "max_connections",
            "default_transaction_isolation",
        ):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    return line + "PostgreSQL " + ", ".join(f"{k}={v}" for k, v in settings.items())


def floor_time(connection, writes: int, commits: int, n: int = 100) -> dict:
    """The same number of rows written plainly: single-row INSERTs of a 200-byte row into a temporary
    table, in as many transactions as a purchase commits, on the same connection."""
    from django.db import transaction

    with connection.cursor() as cursor:
        key = "bigserial primary key" if connection.vendor == "postgresql" else "integer primary key"
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS bench_floor (id {key}, payload text)")
    per_commit = [writes // commits + (1 if i < writes % commits else 0) for i in range(commits)]
    seconds = []
    for _ in range(n):
        begun = time.perf_counter()
        for rows in per_commit:
            with transaction.atomic(), connection.cursor() as cursor:
                for _ in range(rows):
                    cursor.execute("INSERT INTO bench_floor (payload) VALUES (%s)", ["x" * 200])
        seconds.append(time.perf_counter() - begun)
    return summary(f"floor: {writes} plain INSERTs in {commits} transactions", seconds)


def run_threads(threads: int, pool, listings, scope) -> tuple[list[float], float]:
    from django.db import connection

    chunks = [pool[i::threads] for i in range(threads)]
    latencies: list[float] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker(chunk):
        try:
            for buyer, listing in chunk:
                started = time.perf_counter()
                purchase(buyer, listing, scope)
                with lock:
                    latencies.append(time.perf_counter() - started)
        except BaseException as exc:  # noqa: BLE001 - reported below, the run must not hang
            errors.append(exc)
        finally:
            connection.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    if errors:
        raise errors[0]
    return latencies, time.perf_counter() - started


def measure(args) -> None:
    import django

    django.setup()
    import logging

    from celery import current_app
    from django.db import connection

    from marketplace.models import Licence
    from payouts.selectors import unbalanced_transaction_ids

    logging.getLogger("celery").setLevel(logging.WARNING)  # eager tasks log every success at INFO
    current_app.conf.task_always_eager = True
    n = args.purchases
    listings, buyers, scope = setup_market(n + 3, args.listings)
    print(f"raw limit: {raw_limits(connection)}")
    print(
        f"{n // 2} purchases one at a time, {n - n // 2} with {args.threads} threads,"
        f" {len(listings)} listings"
    )

    purchase(buyers[-1], listings[0], scope)  # warm-up: imports, first ledger accounts, first status list
    purchase(buyers[-2], listings[-1], scope)
    phases = statements_by_phase(buyers[-3], listings[0], scope)
    total = sum(count for _label, count, _sql in phases)
    every = [sql for _label, _count, sqls in phases for sql in sqls]
    writes = sum(1 for sql in every if sql.lstrip().upper().startswith(("INSERT", "UPDATE")))
    commits = max(1, sum(1 for sql in every if sql.strip().upper() == "COMMIT"))
    print(f"\n  SQL statements per purchase: {total} ({writes} INSERT/UPDATE, {commits} commits), by phase:")
    for label, count, _sql in phases:
        print(f"    {count:4d}  {label}")
    if args.show_sql:
        for label, _count, sqls in phases:
            print(f"\n-- {label}")
            for sql in sqls:
                print("   ", sql[:160])
    print()

    pairs = [(buyer, listings[i % len(listings)]) for i, buyer in enumerate(buyers[:n])]
    seconds = []
    for buyer, listing in pairs[: n // 2]:
        started = time.perf_counter()
        purchase(buyer, listing, scope)
        seconds.append(time.perf_counter() - started)
    sequential = summary("purchase end to end, one at a time", seconds)
    one_rate = len(seconds) / sum(seconds)

    latencies, wall = run_threads(args.threads, pairs[n // 2 :], listings, scope)
    summary(f"purchase latency with {args.threads} threads", latencies)
    many_rate = len(latencies) / wall
    print(f"  {'throughput, one at a time':<52} {one_rate:8.1f}/s")
    print(f"  {'throughput with ' + str(args.threads) + ' threads':<52} {many_rate:8.1f}/s")
    print(f"  {args.threads} threads vs one: {many_rate / one_rate:.2f}x")
    if connection.vendor != "postgresql":
        print("  (SQLite takes one writer at a time: the thread figure says nothing about a server)")

    raw = floor_time(connection, writes, commits)
    print(f"  end-to-end purchase vs the floor: {sequential['p50'] / raw['p50']:.1f}x the time (p50)")
    licences = Licence.objects.count()
    print(
        f"  licences issued: {licences}; unbalanced ledger transactions: {len(unbalanced_transaction_ids())}"
    )


@contextmanager
def sqlite_database(keep: bool):
    folder = Path(tempfile.mkdtemp(prefix="bench-purchases-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--purchases", type=int, default=400)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--listings", type=int, default=16)
    parser.add_argument("--sqlite", action="store_true", help="a throw-away SQLite database instead")
    parser.add_argument("--show-sql", action="store_true", help="print every statement of one purchase")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "facemarket_site.settings")
    os.environ["CELERY_BROKER_URL"] = ""
    if args.sqlite:
        database = sqlite_database(args.keep_db)
    else:
        database = bench_database("purchases", keep=args.keep_db)
    with database:
        measure(args)


if __name__ == "__main__":
    main()
