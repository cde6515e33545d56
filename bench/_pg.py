"""What the PostgreSQL benchmarks share: a throw-away database next to DATABASE_URL, and timing summaries."""

from __future__ import annotations

import os
import statistics
import sys
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit


def bench_database_url(base_url: str, suffix: str) -> tuple[str, str, str]:
    """(url of the bench database, its name, url of the maintenance database)."""
    parts = urlsplit(base_url)
    name = parts.path.lstrip("/") or "postgres"
    bench_name = f"{name}_bench_{suffix}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    return urlunsplit(parts._replace(path=f"/{bench_name}")), bench_name, admin


def admin_execute(admin_url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


@contextmanager
def bench_database(suffix: str, *, keep: bool = False):
    """Create ``<db>_bench_<suffix>``, point DATABASE_URL at it, drop it afterwards."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/face_market")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point at PostgreSQL")
    url, name, admin = bench_database_url(base, suffix)
    admin_execute(admin, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    try:
        yield name
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            admin_execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def summary(label: str, seconds: list[float], *, unit: str = "/s") -> dict:
    ordered = sorted(seconds)
    row = {
        "label": label,
        "n": len(seconds),
        "rate": len(seconds) / sum(seconds),
        "p50": statistics.median(ordered) * 1000,
        "p95": percentile(ordered, 0.95) * 1000,
    }
    print(f"  {label:<52} {row['rate']:8.1f}{unit}   p50 {row['p50']:7.2f} ms   p95 {row['p95']:7.2f} ms")
    return row
