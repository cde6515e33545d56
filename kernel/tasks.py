"""Thin tasks over the outbox: they take ids and are idempotent."""

from celery import shared_task

from . import outbox
from .tasking import PluginTask


@shared_task(base=PluginTask, name="face_market.outbox.dispatch", acks_late=True)
def outbox_event_dispatch(event_id: str) -> str:
    return outbox.event_dispatch(event_id)


@shared_task(base=PluginTask, name="face_market.outbox.sweep")
def outbox_events_sweep() -> int:
    return outbox.events_sweep()
