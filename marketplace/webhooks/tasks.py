"""Celery tasks of the outbound webhooks: thin, idempotent, take ids."""

from celery import shared_task

from kernel.tasking import PluginTask

#: the sweeper's periodic entry; the site (or a host) adds it to ``CELERY_BEAT_SCHEDULE``
WEBHOOK_BEAT_SCHEDULE = {
    "webhook-deliveries-retry": {"task": "face_market.webhooks.deliveries_retry", "schedule": 10.0},
}


@shared_task(base=PluginTask, name="face_market.webhooks.delivery_attempt", ignore_result=True)
def webhook_delivery_attempt(delivery_id: int) -> str:
    """Send one delivery if it is due (a no-op otherwise). Receiver errors are recorded, never raised."""
    from marketplace.webhooks.delivery import webhook_delivery_send

    return webhook_delivery_send(delivery_id=delivery_id)


@shared_task(base=PluginTask, name="face_market.webhooks.deliveries_retry", ignore_result=True)
def webhook_deliveries_retry() -> int:
    """Periodic: queue the deliveries whose next attempt is due."""
    from marketplace.webhooks.services import webhook_deliveries_due_dispatch

    return webhook_deliveries_due_dispatch()
