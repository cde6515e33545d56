"""Purchases per second end to end through the sandbox gateway, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/face_market .venv/bin/python bench/purchases.py

One purchase = ``order_create`` (quote on the current terms, order row, sandbox payment session)
+ the buyer pressing "pay" (``sandbox_payment_complete``: gateway event stored and processed,
capture posted to the ledger, escrow hold) + the payment event handled by the marketplace
(exclusivity check, terms version marked sold, licence issued), each in its own transactions, with
Celery eager. It creates its own database (dropped afterwards), one seller with one published
listing (published directly in the database: verifying a face is not what is measured here) and
N buyers, then measures sequential purchases and purchases from several threads at once, and
prints purchases/s, p50/p95, SQL statements per purchase and, as the raw floor, the time of
plain INSERTs of the rows one purchase writes.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._pg import bench_database, summary  # noqa: E402


def setup_market(n_buyers: int):
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
    listing = listing_create(
        seller=seller,
        tier=Tier.objects.get(slug="extra"),
        title="Bench face",
        annual_price_minor=10_000,
        template=LicenceTermsTemplate.objects.get(slug="extra-short-drama"),
    )
    type(listing).objects.filter(pk=listing.pk).update(
        status=ListingStatus.PUBLISHED, published_at=timezone.now()
    )
    listing.refresh_from_db()
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
    return listing, buyers, scope


def purchase(buyer, listing, scope) -> None:
    from marketplace.services import order_create
    from payouts.selectors import payment_for_reference
    from payouts.services import sandbox_payment_complete

    order = order_create(buyer=buyer, listing_id=listing.pk, scope=scope, checkout_key=uuid.uuid4().hex)
    payment = payment_for_reference(reference=order.reference)
    sandbox_payment_complete(gateway_payment_id=payment.gateway_payment_id, user=buyer, succeeded=True)


def measure(args) -> None:
    import django

    django.setup()
    import logging

    from celery import current_app
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from marketplace.models import Licence
    from payouts.selectors import unbalanced_transaction_ids

    logging.getLogger("celery").setLevel(logging.WARNING)  # eager tasks log every success at INFO
    current_app.conf.task_always_eager = True
    listing, buyers, scope = setup_market(args.purchases + args.threads)
    print(
        f"PostgreSQL {connection.cursor().connection.info.server_version}; {args.purchases} purchases a line"
    )

    purchase(buyers[-1], listing, scope)  # warm-up: imports, first ledger accounts
    with CaptureQueriesContext(connection) as queries:
        purchase(buyers[-2], listing, scope)
    statements = len(queries.captured_queries)

    seconds = []
    for buyer in buyers[: args.purchases // 2]:
        started = time.perf_counter()
        purchase(buyer, listing, scope)
        seconds.append(time.perf_counter() - started)
    sequential = summary("purchase end to end, one at a time", seconds)

    pool = buyers[args.purchases // 2 : args.purchases]
    chunks = [pool[i :: args.threads] for i in range(args.threads)]
    latencies: list[float] = []
    lock = threading.Lock()

    def worker(chunk):
        for buyer in chunk:
            started = time.perf_counter()
            purchase(buyer, listing, scope)
            with lock:
                latencies.append(time.perf_counter() - started)
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    summary(f"purchase latency with {args.threads} threads", latencies)
    print(f"  {'throughput with ' + str(args.threads) + ' threads':<52} {len(latencies) / wall:8.1f}/s")

    # the raw floor: the same number of single-row INSERT statements, one transaction a purchase
    from django.db import transaction

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_floor (id bigserial primary key, payload text)")
    floor = []
    for _ in range(100):
        begun = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for _ in range(statements):
                cursor.execute("INSERT INTO bench_floor (payload) VALUES (%s)", ["x" * 64])
        floor.append(time.perf_counter() - begun)
    raw = summary(f"floor: {statements} plain INSERTs in one transaction", floor)
    print(f"\n  SQL statements per purchase: {statements}")
    print(f"  end-to-end purchase vs raw floor: {sequential['p50'] / raw['p50']:.1f}x the time (p50)")
    licences = Licence.objects.count()
    print(
        f"  licences issued: {licences}; unbalanced ledger transactions: {len(unbalanced_transaction_ids())}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--purchases", type=int, default=400)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "facemarket_site.settings")
    os.environ["CELERY_BROKER_URL"] = ""
    with bench_database("purchases", keep=args.keep_db):
        measure(args)


if __name__ == "__main__":
    main()
