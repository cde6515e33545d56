"""Celery tasks of the listings app: thin, idempotent, take ids, call a service."""

from __future__ import annotations

from celery import shared_task

from kernel.tasking import PluginTask


@shared_task(base=PluginTask, ignore_result=True, acks_late=True)
def portfolio_preview_render_task(photo_id: int) -> None:
    """Make the watermarked preview of a portfolio photo (enqueued on commit of its upload)."""
    from .services import portfolio_preview_render

    portfolio_preview_render(photo_id=photo_id)
