"""Ledger postings per second on PostgreSQL, compared with plain inserts of the same rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/face_market .venv/bin/python bench/ledger_postings.py

It creates its own database (``<name>_bench_ledger`` next to the one in DATABASE_URL; dropped at the
end unless --keep-db), migrates it, and then, one transaction per posting, measures:

- ``ledger_post`` of a capture (2 legs: gateway clearing -> escrow of a new reference; nothing is
  debited that must stay positive, so no lock and no balance read);
- ``ledger_post`` of a release (3 legs: escrow -> platform revenue + seller payable; the escrow
  account is locked and its balance summed before posting);
- the same rows as plain INSERTs (one transaction row, its legs in one multi-row INSERT, COMMIT):
  what the idempotency check, validation, locking and balance read cost on top;
- the plain INSERTs again with triggers off (``session_replication_role = replica``): what the
  deferred zero-sum constraint trigger costs at COMMIT;
- captures from 4 threads at once (own connections), to show postings on shared hot accounts do
  not serialise.

It prints postings/s, p50/p95 per posting (ms) and the ratios. About a minute on two cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._pg import bench_database, summary  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postings", type=int, default=2000, help="postings per measurement")
    parser.add_argument("--threads", type=int, default=4, help="threads for the concurrent measurement")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "facemarket_site.settings")
    os.environ.setdefault("CELERY_BROKER_URL", "")
    with bench_database("ledger", keep=args.keep_db):
        run(args)


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from kernel.money import Money
    from payouts.models import LedgerAccount, LedgerTransaction
    from payouts.services import Leg, ledger_account, ledger_post

    started = time.perf_counter()
    call_command("migrate", verbosity=0, skip_checks=True)
    print(
        f"migrated {connection.settings_dict['NAME']} in {time.perf_counter() - started:.1f} s; "
        f"PostgreSQL {connection.cursor().connection.info.server_version}"
    )
    Kind, TxKind = LedgerAccount.Kind, LedgerTransaction.Kind
    from django.contrib.auth import get_user_model

    seller = get_user_model().objects.create_user(username="bench-seller", password=None)
    clearing = ledger_account(kind=Kind.GATEWAY_CLEARING, currency="CNY", gateway="sandbox")
    revenue = ledger_account(kind=Kind.PLATFORM_REVENUE, currency="CNY")
    payable = ledger_account(kind=Kind.SELLER_PAYABLE, currency="CNY", owner=seller)
    n = args.postings
    amount, commission = 10_000, 1_500

    def escrows(prefix: str, count: int) -> list[LedgerAccount]:
        LedgerAccount.objects.bulk_create(
            LedgerAccount(
                code=f"escrow:{prefix}{i}:CNY", kind=Kind.ESCROW, currency="CNY", reference=f"{prefix}{i}"
            )
            for i in range(count)
        )
        return list(LedgerAccount.objects.filter(code__startswith=f"escrow:{prefix}").order_by("pk"))

    def plain_insert(cursor, key: str, reference: str, legs: list[tuple[int, int]]) -> None:
        cursor.execute(
            "INSERT INTO fm_payouts_ledgertransaction"
            " (kind, idempotency_key, fingerprint, reference, description, created_at)"
            " VALUES ('capture', %s, '', %s, '', now()) RETURNING id",
            [key, reference],
        )
        tx_id = cursor.fetchone()[0]
        values = ", ".join(["(%s, %s, %s, 'CNY')"] * len(legs))
        params = [p for account_id, leg in legs for p in (tx_id, account_id, leg)]
        cursor.execute(
            f"INSERT INTO fm_payouts_ledgerleg (transaction_id, account_id, amount, currency) "  # noqa: S608
            f"VALUES {values}",
            params,
        )

    def timed(fn, count: int) -> list[float]:
        seconds = []
        for i in range(count):
            t0 = time.perf_counter()
            fn(i)
            seconds.append(time.perf_counter() - t0)
        return seconds

    rows = []
    print(f"\n{n} postings each, one transaction per posting:")

    # -- captures: 2 legs, no debit of an internal account ----------------------------------------
    accounts = escrows("CAP-", n)
    rows.append(
        summary(
            "ledger_post capture (2 legs)",
            timed(
                lambda i: ledger_post(
                    legs=[Leg(clearing, Money(-amount, "CNY")), Leg(accounts[i], Money(amount, "CNY"))],
                    idempotency_key=f"capture:{i}",
                    kind=TxKind.CAPTURE,
                    reference=f"CAP-{i}",
                ),
                n,
            ),
        )
    )

    accounts = escrows("RAW-", n)

    def raw_capture(i: int) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            plain_insert(
                cursor, f"raw-capture:{i}", f"RAW-{i}", [(clearing.pk, -amount), (accounts[i].pk, amount)]
            )

    rows.append(summary("plain INSERTs of the same rows", timed(raw_capture, n)))

    accounts = escrows("NOTRIG-", n)

    def raw_capture_no_trigger(i: int) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            plain_insert(
                cursor, f"notrig:{i}", f"NOTRIG-{i}", [(clearing.pk, -amount), (accounts[i].pk, amount)]
            )

    with connection.cursor() as cursor:  # for the whole session, so no extra statement per posting
        cursor.execute("SET session_replication_role = replica")
    rows.append(summary("plain INSERTs, zero-sum trigger off", timed(raw_capture_no_trigger, n)))
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")

    # -- releases: 3 legs, the escrow account locked and its balance read --------------------------
    accounts = escrows("REL-", n)
    with transaction.atomic(), connection.cursor() as cursor:
        for i, account in enumerate(accounts):
            plain_insert(cursor, f"fund:{i}", f"REL-{i}", [(clearing.pk, -amount), (account.pk, amount)])
    legs_for = [
        (
            a,
            [
                Leg(a, Money(-amount, "CNY")),
                Leg(revenue, Money(commission, "CNY")),
                Leg(payable, Money(amount - commission, "CNY")),
            ],
        )
        for a in accounts
    ]
    rows.append(
        summary(
            "ledger_post release (3 legs, escrow locked)",
            timed(
                lambda i: ledger_post(
                    legs=legs_for[i][1],
                    idempotency_key=f"release:{i}",
                    kind=TxKind.RELEASE,
                    reference=f"REL-{i}",
                ),
                n,
            ),
        )
    )

    def raw_release(i: int) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            plain_insert(
                cursor,
                f"raw-release:{i}",
                f"REL-{i}",
                [(accounts[i].pk, -amount), (revenue.pk, commission), (payable.pk, amount - commission)],
            )

    rows.append(summary("plain INSERTs of the same rows", timed(raw_release, n)))

    # -- replays: the idempotent path -----------------------------------------------------------------
    rows.append(
        summary(
            "ledger_post replay of a release (same key)",
            timed(
                lambda i: ledger_post(
                    legs=legs_for[i][1],
                    idempotency_key=f"release:{i}",
                    kind=TxKind.RELEASE,
                    reference=f"REL-{i}",
                ),
                n,
            ),
        )
    )

    # -- concurrency: captures from several threads onto the same clearing account ------------------
    per_thread = max(1, n // args.threads)
    accounts = escrows("PAR-", per_thread * args.threads)
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(args.threads)

    def worker(t: int) -> None:
        mine = []
        barrier.wait()
        for j in range(per_thread):
            i = t * per_thread + j
            t0 = time.perf_counter()
            ledger_post(
                legs=[Leg(clearing, Money(-amount, "CNY")), Leg(accounts[i], Money(amount, "CNY"))],
                idempotency_key=f"par:{i}",
                kind=TxKind.CAPTURE,
                reference=f"PAR-{i}",
            )
            mine.append(time.perf_counter() - t0)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(args.threads)]
    wall = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - wall
    ordered = sorted(latencies)
    p50, p95 = statistics.median(latencies) * 1000, ordered[int(len(ordered) * 0.95)] * 1000
    label = f"ledger_post capture, {args.threads} threads"
    print(f"  {label:<52} {len(latencies) / wall:8.0f}/s   p50 {p50:6.2f} ms   p95 {p95:6.2f} ms")

    from payouts.selectors import unbalanced_transaction_ids

    assert unbalanced_transaction_ids() == [], "the benchmark left an unbalanced transaction"
    capture, raw, notrig, release, raw3 = rows[0], rows[1], rows[2], rows[3], rows[4]
    print("\nratios (plain INSERT rate / ledger_post rate):")
    print(
        f"  capture: {raw['rate'] / capture['rate']:.2f}x    release: {raw3['rate'] / release['rate']:.2f}x"
    )
    print(f"  zero-sum trigger cost on plain INSERTs: {notrig['rate'] / raw['rate']:.2f}x")


if __name__ == "__main__":
    main()
