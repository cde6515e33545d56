"""The standalone site's own security checks (stable ids ``facemarket_site.E0xx``).

They police the site's deployment settings, so they live with the site, not in the plugin: a host
platform owns its own SECRET_KEY, ALLOWED_HOSTS and cookie flags (and ``check --deploy``). They run
with every management command and from the site's WSGI/ASGI entry points. Outside DEBUG the site
refuses a development secret key, open host lists and cookies sent over plain HTTP.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

DEV_KEY_MARKERS = ("django-insecure", "dev-only", "change-me")


@register(Tags.security)
def check_production_safety(app_configs=None, **kwargs) -> list:
    if settings.DEBUG:
        return []
    errors = []
    key = settings.SECRET_KEY or ""
    if len(key) < 50 or len(set(key)) < 5 or any(marker in key for marker in DEV_KEY_MARKERS):
        errors.append(
            Error(
                "SECRET_KEY is missing, short or a development key.",
                hint="Set the SECRET_KEY environment variable to 50+ random characters.",
                id="facemarket_site.E001",
            )
        )
    hosts = list(settings.ALLOWED_HOSTS)
    if not hosts or "*" in hosts:
        errors.append(
            Error(
                "ALLOWED_HOSTS is empty or allows every host.",
                hint="Set ALLOWED_HOSTS to the site's host names, comma-separated.",
                id="facemarket_site.E002",
            )
        )
    if not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        errors.append(
            Error(
                "Session and CSRF cookies may be sent over plain HTTP.",
                hint="Serve over HTTPS and keep SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE on.",
                id="facemarket_site.E003",
            )
        )
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        errors.append(
            Warning(
                "Celery runs tasks eagerly inside web requests.",
                hint="Set CELERY_BROKER_URL (Redis) and run a worker in production.",
                id="facemarket_site.W001",
            )
        )
    return errors
