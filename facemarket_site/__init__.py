"""The standalone site shell: settings, urls, Celery app, WSGI/ASGI. No app imports it."""

from .celery import app as celery_app

__all__ = ["celery_app"]
