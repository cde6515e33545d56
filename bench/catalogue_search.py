"""Catalogue search at 10k and 100k listings on PostgreSQL: latency through a real HTTP server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/face_market .venv/bin/python bench/catalogue_search.py

It creates its own database (``<name>_bench_catalogue`` next to the one in DATABASE_URL; dropped at
the end unless --keep-db), migrates it, bulk-inserts synthetic published listings with their
catalogue facets in SQL, then serves the site on 127.0.0.1 with the production server (gunicorn
with ``facemarket_site/gunicorn.conf.py``: pre-fork sync workers, persistent database connections,
the cache shared through Redis) and, for comparison, with ``manage.py runserver --noreload`` (one
process), and sends a mix of catalogue requests (search, every filter, every sort, a deep page) from
N client threads. It prints requests/s, p50/p95/p99 of the whole HTTP round trip for the catalogue
page and the catalogue API, per server and client level (1 client: the service time; 8: under
load), and, for comparison, the time of the same SQL alone (page of 24 + capped count). Runs in
under five minutes on two cores (about 90 s here).

Static files go through whitenoise (one request for a collected stylesheet is timed too). The catalogue's
facet counts and capped counts are cached (``listings.catalogue_cache``) in Redis db ``--redis-db``
under a key prefix of this run, deleted at the end.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._pg import admin_execute, bench_database_url  # noqa: E402

# fmt: off
WORDS = ["warm", "smile", "general", "village", "doctor", "city", "student", "mother", "father", "teacher",
    "soldier", "emperor", "princess", "detective", "lawyer", "chef", "dancer", "singer", "farmer", "nurse",
    "pilot", "monk", "scholar", "merchant", "bride", "groom", "rival", "spy", "boss", "intern", "grandma",
    "grandpa", "hero", "villain", "ghost", "fox", "immortal", "knight", "boxer", "racer", "writer", "poet",
    "painter", "driver", "waiter"]
TAGS = ["20s", "30s", "40s", "50s", "60s", "classic", "modern", "graceful", "lively", "serious", "warm",
    "cold", "gentle", "fierce", "elegant", "rugged", "cute", "mature", "youthful", "bookish", "sporty",
    "glamorous", "rustic", "urban", "period", "fantasy", "comic", "tragic", "calm", "bold"]
LANGUAGES = ["zh", "yue", "en", "ja", "ko", "th", "vi", "id", "es", "fr"]
CATEGORIES = ["drama_romance", "drama_family", "drama_suspense", "drama_fantasy", "drama_historical",
    "drama_comedy", "drama_action", "advertising", "games", "social_posts"]
# (tier slug, share in percent, lowest price in fen or None)
TIER_MIX = [("extra", 40, 10000), ("featured", 25, 80000), ("supporting", 20, 300000),
    ("lead", 12, 1200000), ("star", 3, None)]
# fmt: on
SELLERS = 5_000

QUERIES = {
    "newest": "",
    "search 1 word": "q=doctor",
    "search 2 words": "q=warm+village",
    "tier": "tier=lead",
    "price range, by price": "price_min=500&price_max=5000&sort=price",
    "tag": "tags=graceful",
    "language": "languages=yue",
    "category, popular": "use_categories=advertising&sort=popular",
    "exclusive, verified": "exclusivity_available=true&verified_from=2025-06-01",
    "search+filters": "q=detective&tier=supporting&use_categories=drama_suspense&sort=price_desc",
    "page 40": "page=40",
}


def seed_sql(conn, start: int, stop: int) -> None:
    """Insert listings number ``start`` .. ``stop - 1`` (and their facets) entirely inside PostgreSQL."""
    floor = conn.execute("SELECT coalesce(max(id), 0) FROM fm_listings_listing").fetchone()[0]
    tiers = dict(conn.execute("SELECT slug, id FROM fm_listings_tier").fetchall())
    profiles = conn.execute(
        "SELECT array_agg(id ORDER BY id), array_agg(user_id ORDER BY id) FROM fm_listings_sellerprofile"
    ).fetchone()
    edge, tier_case, price_case = 0, [], []
    for slug, share, lowest in TIER_MIX:
        edge += share
        tier_case.append(f"WHEN mod(h, 100) < {edge} THEN {tiers[slug]}")
        price_case.append(
            f"WHEN mod(h, 100) < {edge} THEN "
            + ("NULL" if lowest is None else f"{lowest} * (10 + mod(h, 40)) / 10")
        )
    words, n_words = "%(words)s::text[]", len(WORDS)
    # only constants and integers are formatted into the SQL; every value goes as a parameter
    conn.execute(
        f"""
        INSERT INTO fm_listings_listing (seller_id, profile_id, tier_id, title, description,
            annual_price_minor, currency, status, created_at, updated_at, published_at, popularity,
            exclusivity_available, seller_verified_at, search_document)
        SELECT (%(users)s::bigint[])[1 + mod(g, {SELLERS})], (%(profiles)s::bigint[])[1 + mod(g, {SELLERS})],
               CASE {" ".join(tier_case)} END, t.title, 'Synthetic listing for the benchmark.',
               CASE {" ".join(price_case)} END, 'CNY',
               CASE mod(h, 10) WHEN 0 THEN 'draft' WHEN 1 THEN 'paused' ELSE 'published' END,
               now(), now(), now() - make_interval(secs => g * 37), mod(h / 7, 1000), mod(h, 3) = 0,
               now() - make_interval(days => mod(h, 700)::int),
               t.title || ' synthetic listing ' || (%(tags)s::text[])[1 + mod(h, {len(TAGS)})] || ' '
                   || (%(langs)s::text[])[1 + mod(h / 11, {len(LANGUAGES)})]
        FROM generate_series(%(start)s::bigint, %(stop)s::bigint - 1) AS g
        CROSS JOIN LATERAL (SELECT mod(g * 2654435761, 2147483647) AS h) AS hashed
        CROSS JOIN LATERAL (SELECT initcap(({words})[1 + mod(h, {n_words})] || ' '
                                   || ({words})[1 + mod(h / 53, {n_words})] || ' '
                                   || ({words})[1 + mod(h / 2857, {n_words})]) AS title) AS t
        """,  # noqa: S608
        {
            "start": start,
            "stop": stop,
            "profiles": profiles[0],
            "users": profiles[1],
            "tags": TAGS,
            "langs": LANGUAGES,
            "words": list(WORDS),
        },
    )
    # facets of the new rows: two tags, one or two languages, three to seven neighbouring categories
    n_tags, n_langs, n_cats = len(TAGS), len(LANGUAGES), len(CATEGORIES)
    # only constants and integers are formatted into the SQL; every value goes as a parameter
    conn.execute(
        f"""
        INSERT INTO fm_listings_listingfacet (listing_id, kind, value)
        SELECT l.id, f.kind, f.value FROM fm_listings_listing AS l
        CROSS JOIN LATERAL (
            SELECT 'tag' AS kind, (%(tags)s::text[])[1 + mod(l.id * 7919, {n_tags})] AS value
            UNION ALL SELECT 'tag', (%(tags)s::text[])[1 + mod(l.id * 104729, {n_tags})]
            UNION ALL SELECT 'language', (%(langs)s::text[])[1 + mod(l.id * 31, {n_langs})]
            UNION ALL SELECT 'language', (%(langs)s::text[])[1 + mod(l.id * 17, {n_langs})]
                      WHERE mod(l.id, 2) = 0
            UNION ALL SELECT 'category', (%(cats)s::text[])[1 + mod(mod(l.id, {n_cats}) + k, {n_cats})]
                      FROM generate_series(0, 6) AS k WHERE k < 3 + mod(l.id, 5)
        ) AS f
        WHERE l.id > %(floor)s
        ON CONFLICT DO NOTHING
        """,  # noqa: S608
        {"tags": TAGS, "langs": LANGUAGES, "cats": CATEGORIES, "floor": floor},
    )
    conn.execute("ANALYZE fm_listings_listing")
    conn.execute("ANALYZE fm_listings_listingfacet")


def seed_sellers(conn) -> None:
    conn.execute(
        """
        INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                               is_active, date_joined)
        SELECT '!', false, 'bench_seller_' || g, '', '', '', false, true, now()
        FROM generate_series(1, %(n)s) AS g
        """,
        {"n": SELLERS},
    )
    conn.execute(
        """
        INSERT INTO fm_listings_sellerprofile (user_id, display_name, bio, languages, tags, created_at,
                                               updated_at)
        SELECT id, 'Seller ' || id, '', '["zh"]', '["classic"]', now(), now()
        FROM auth_user WHERE username LIKE 'bench_seller_%'
        """
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command(server: str, port: int, workers: int) -> tuple[list[str], dict, str]:
    """Command line, extra environment and a description of ``server``."""
    if server == "runserver":
        command = [
            sys.executable,
            "manage.py",
            "runserver",
            f"127.0.0.1:{port}",
            "--noreload",
            "--skip-checks",
        ]
        return command, {}, "runserver (one process, threaded; a new database connection per request)"
    import gunicorn

    command = [str(Path(sys.executable).with_name("gunicorn")), "-c", "facemarket_site/gunicorn.conf.py"]
    extra = {"GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers), "DB_CONN_MAX_AGE": "60"}
    return command, extra, f"gunicorn {gunicorn.__version__}, {workers} sync workers, persistent connections"


def start_server(env: dict, port: int, command: list[str]) -> subprocess.Popen:
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
            return proc
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the server did not start")


def static_file_ms(base: str) -> float:
    """Median time of a collected stylesheet, served by whitenoise from the app server itself."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    url = base + staticfiles_storage.url("face_market/site.css")
    timings = []
    for _ in range(20):
        began = time.perf_counter()
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            response.read()
            assert response.status == 200
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def forget_cache(env: dict) -> None:
    """Delete this run's keys from the shared Redis cache."""
    import redis

    client = redis.Redis.from_url(env["CACHE_URL"])
    for key in client.scan_iter(match=f"{env['CACHE_KEY_PREFIX']}:*"):
        client.delete(key)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def load(base: str, path: str, requests: int, clients: int) -> tuple[float, dict[str, list[float]], int]:
    """Send ``requests`` catalogue requests from ``clients`` threads; latency in ms by query name."""
    jobs = [
        (name, f"{base}{path}?{query}")
        for i in range(requests)
        for name, query in [list(QUERIES.items())[i % len(QUERIES)]]
    ]
    latencies: dict[str, list[float]] = defaultdict(list)
    errors = [0]
    codes: dict[int, int] = {}
    lock = threading.Lock()
    cursor = [0]

    def worker():
        while True:
            with lock:
                if cursor[0] >= len(jobs):
                    return
                name, url = jobs[cursor[0]]
                cursor[0] += 1
            began = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
                    response.read()
                    ok = response.status == 200
            except urllib.error.HTTPError as exc:
                ok = False
                with lock:
                    codes[exc.code] = codes.get(exc.code, 0) + 1
            except (urllib.error.URLError, OSError):
                ok = False
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                latencies[name].append(elapsed)
                errors[0] += 0 if ok else 1

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if codes:
        print(f"      HTTP errors by status: {dict(sorted(codes.items()))}")
    return requests / (time.perf_counter() - began), latencies, errors[0]


def raw_sql_times(runs: int) -> dict[str, float]:
    """The same catalogue queries straight on the database, no HTTP: page of 24 + capped count (median ms)."""
    from django.db import connection
    from django.http import QueryDict

    from listings.filters import CatalogueFilterSet
    from listings.pagination import CappedPaginator
    from listings.selectors.catalogue import catalogue_base

    medians = {}
    for name, query in QUERIES.items():
        params = QueryDict(query, mutable=True)
        page = int(params.pop("page", ["1"])[0])
        filterset = CatalogueFilterSet(params, queryset=catalogue_base())
        assert filterset.is_valid(), filterset.errors
        queryset = filterset.qs
        cap = CappedPaginator.cap
        statements = [
            queryset[(page - 1) * 24 : page * 24].query.sql_with_params(),
            queryset.order_by().values("pk")[: cap + 1].query.sql_with_params(),
        ]
        statements[1] = (f"SELECT count(*) FROM ({statements[1][0]}) AS matched", statements[1][1])  # noqa: S608
        timings = []
        with connection.cursor() as cursor:
            for _ in range(runs):
                began = time.perf_counter()
                for sql, sql_params in statements:
                    cursor.execute(sql, sql_params)
                    cursor.fetchall()
                timings.append((time.perf_counter() - began) * 1000)
        medians[name] = statistics.median(timings)
    return medians


def search_plan() -> str:
    from listings.selectors import CatalogueFilters, catalogue_search

    plan = catalogue_search(CatalogueFilters(q="doctor")).explain()
    return (
        "GIN index fm_listing_pub_search" if "fm_listing_pub_search" in plan else "NO search index:\n" + plan
    )


def report(label: str, rate: float, latencies: dict[str, list[float]], errors: int) -> None:
    everything = [v for values in latencies.values() for v in values]
    print(
        f"  {label:<16} {rate:6.1f} req/s   p50 {percentile(everything, 50):7.1f} ms   "
        f"p95 {percentile(everything, 95):7.1f} ms   p99 {percentile(everything, 99):7.1f} ms   "
        f"({len(everything)} requests, {errors} errors)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000", help="listing counts to measure at, ascending")
    parser.add_argument("--clients", default="1,8", help="concurrent client threads, one run per level")
    parser.add_argument("--requests", type=int, default=330, help="requests per endpoint and size")
    parser.add_argument("--servers", default="gunicorn,runserver", help="servers to measure, in order")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--redis-db", type=int, default=14, help="Redis database of the shared cache")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/face_market")
        return 2
    sizes = [int(s) for s in args.sizes.split(",")]
    client_levels = [int(c) for c in args.clients.split(",")]
    bench_url, bench_name, admin_url = bench_database_url(base_url, "catalogue")
    started = time.monotonic()
    admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{bench_name}"', f'CREATE DATABASE "{bench_name}"')
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "DJANGO_SETTINGS_MODULE": "facemarket_site.settings",
        "DEBUG": "",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "CACHE_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
        # every client is one anonymous address: the API's 60/min would answer 429 after a second
        "API_THROTTLE_ANON": "1000000/min",
        "CACHE_KEY_PREFIX": f"bench-catalogue-{secrets.token_hex(4)}",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--skip-checks", "-v0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    print(
        f"database {bench_name} migrated in {time.monotonic() - started:.0f} s; "
        f"{args.clients} concurrent clients, {args.requests} requests per endpoint and size, query mix:"
    )
    print("  " + "; ".join(f"{name} [{query or '-'}]" for name, query in QUERIES.items()))

    os.environ.update(
        {
            k: env[k]
            for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "ALLOWED_HOSTS", "CACHE_URL")
        }
    )
    os.environ.pop("DEBUG", None)
    import django
    import psycopg

    django.setup()
    server = None
    try:
        with psycopg.connect(bench_url, autocommit=True) as conn:
            seed_sellers(conn)
            done = 0
            for size in sizes:
                began = time.monotonic()
                seed_sql(conn, done, size)
                done = size
                published = conn.execute(
                    "SELECT count(*) FROM fm_listings_listing WHERE status = 'published'"
                ).fetchone()[0]
                facets = conn.execute("SELECT count(*) FROM fm_listings_listingfacet").fetchone()[0]
                print(
                    f"\n{size:,} listings ({published:,} published, {facets:,} facet rows) inserted in "
                    f"{time.monotonic() - began:.1f} s; search plan: {search_plan()}"
                )
                for server_name in args.servers.split(","):
                    port = free_port()
                    command, extra, described = server_command(server_name, port, args.workers)
                    server = start_server({**env, **extra}, port, command)
                    base = f"http://127.0.0.1:{port}"
                    print(f"  server: {described}")
                    for clients in client_levels:
                        for label, path in (("page", "/listings/"), ("API", "/api/v1/listings/catalogue/")):
                            load(base, path, len(QUERIES) * 2, clients)  # warm up
                            rate, latencies, errors = load(base, path, args.requests, clients)
                            report(
                                f"{label}, {clients} client{'s' if clients > 1 else ''}",
                                rate,
                                latencies,
                                errors,
                            )
                            if label == "page" and clients == max(client_levels):
                                per_query = "; ".join(
                                    f"{name} {statistics.median(values):.0f}"
                                    for name, values in latencies.items()
                                )
                                print(f"      page p50 by query (ms): {per_query}")
                    print(f"      static file through whitenoise: {static_file_ms(base):.1f} ms")
                    server.terminate()
                    server.wait(timeout=20)
                    server = None
                raw = raw_sql_times(runs=15)
                print(
                    f"  SQL alone        p50 over the mix {statistics.median(raw.values()):.1f} ms, worst "
                    f"{max(raw.values()):.1f} ms (page + capped count, no HTTP): "
                    + "; ".join(f"{name} {ms:.1f}" for name, ms in raw.items())
                )
    finally:
        if server is not None:
            server.kill()
        from django.db import connections

        connections.close_all()
        forget_cache(env)
        if not args.keep_db:
            admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{bench_name}" WITH (FORCE)')
    print(f"\ntotal {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
