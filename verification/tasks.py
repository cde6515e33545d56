"""Celery tasks of the verification app: thin, idempotent, take ids, call a service."""

from __future__ import annotations

from celery import shared_task

from kernel.tasking import PluginTask

from . import services


@shared_task(base=PluginTask, name="face_market.verification.enrollment_decide", acks_late=True)
def enrollment_decide_task(enrollment_id: int) -> str | None:
    """Decide an enrollment whose frames are in; running it twice decides once. Returns the status."""
    enrollment = services.enrollment_decide(enrollment_id=int(enrollment_id))
    return None if enrollment is None else enrollment.status


@shared_task(base=PluginTask, name="face_market.verification.raw_captures_purge")
def raw_captures_purge_task() -> int:
    """Periodic (e.g. hourly): delete raw captures past RAW_CAPTURE_RETENTION_HOURS, expire abandoned
    enrollments. Safe to run at any time and as often as wanted."""
    return services.raw_captures_purge()
