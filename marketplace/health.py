"""Readiness of the parts the site depends on: database, broker, storage. Reads only."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _broker() -> str:
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return "eager"
    from celery import current_app

    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return conn.transport.driver_name  # e.g. "redis"


def _storage() -> str:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            if handle.read() != b"ok":
                raise OSError("storage read back different bytes")
    finally:
        default_storage.delete(name)
    return type(default_storage).__name__


CHECKS = {"database": _database, "broker": _broker, "storage": _storage}


def health_report() -> tuple[bool, dict[str, dict[str, str]]]:
    """Run every check; a failure is reported by its exception type only (no secrets, no URLs)."""
    results: dict[str, dict[str, str]] = {}
    healthy = True
    for name, check in CHECKS.items():
        try:
            results[name] = {"status": "ok", "detail": check()}
        except Exception as exc:  # a health probe must report, never raise
            healthy = False
            results[name] = {"status": "error", "detail": type(exc).__name__}
    return healthy, results
