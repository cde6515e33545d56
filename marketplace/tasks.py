"""Celery tasks of the marketplace app: thin, idempotent, take ids, call a service."""

import os

from celery import shared_task


@shared_task(name="face_market.ping")
def ping(token: str) -> dict:
    """Round-trip probe for health checks and the broker integration test."""
    return {"token": token, "pid": os.getpid()}


@shared_task(name="face_market.orders_expire")
def orders_expire() -> int:
    """Periodic: end unpaid checkouts past their time."""
    from .services import orders_expire as expire

    return expire()
