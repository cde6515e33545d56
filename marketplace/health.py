"""Readiness of what the plugin depends on: database, broker, storage, the periodic schedule. Reads only."""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _broker() -> str:
    from celery import current_app

    from kernel.tasking import broker_configured

    if current_app.conf.task_always_eager:
        return "eager"
    if not broker_configured(current_app):
        return "inline"  # no broker: the plugin's tasks run in-process after commit
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


class ScheduleStopped(Exception):
    """A periodic task has not run for longer than its interval."""


def _schedule() -> str:
    from marketplace.embedding.runs import schedule_overdue

    overdue = schedule_overdue()
    if overdue:
        raise ScheduleStopped(", ".join(state.name for state in overdue))
    return "running"


CHECKS = {"database": _database, "broker": _broker, "storage": _storage, "schedule": _schedule}


def health_report() -> tuple[bool, dict[str, dict[str, str]]]:
    """Run every check; a failure is reported by its exception type only (no secrets, no URLs)."""
    results: dict[str, dict[str, str]] = {}
    healthy = True
    for name, check in CHECKS.items():
        try:
            results[name] = {"status": "ok", "detail": check()}
        except Exception as exc:  # a health probe must report, never raise
            healthy = False
            detail = type(exc).__name__
            if isinstance(exc, ScheduleStopped):
                detail = f"{detail}: {exc}"  # names of our own periodic tasks, nothing secret
            results[name] = {"status": "error", "detail": detail}
    return healthy, results
