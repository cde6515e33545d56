"""System checks of what a host must install and run for the plugin (stable ids, one per cause).

- ``marketplace.E01x``: an app the plugin needs is missing from INSTALLED_APPS (the message names it).
- ``marketplace.E030``: the user model cannot carry roles (no ``groups``).
- ``marketplace.E031``: ``FACE_MARKET["BASE_TEMPLATE"]`` is set but no template engine passes it on.
- ``marketplace.W030``: a broker is configured but the host's beat schedule lacks the plugin's tasks.
- ``marketplace.W031`` (database checks, ``check --database default``): the schedule stopped running.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError

#: app -> stable check id; the README's INSTALLED_APPS list is this one
REQUIRED_APPS: dict[str, str] = {
    "django.contrib.auth": "marketplace.E010",
    "django.contrib.contenttypes": "marketplace.E011",
    "django.contrib.sessions": "marketplace.E012",
    "django.contrib.messages": "marketplace.E013",
    "django.contrib.staticfiles": "marketplace.E014",
    "rest_framework": "marketplace.E015",
    "rest_framework.authtoken": "marketplace.E016",  # the token endpoint, POST api/v1/auth/token/
    "drf_spectacular": "marketplace.E017",
    "drf_spectacular_sidecar": "marketplace.E018",  # the API docs' assets, served locally (no CDN)
    "django_filters": "marketplace.E019",
    "verification": "marketplace.E020",
    "payouts": "marketplace.E021",
    "listings": "marketplace.E022",
    "kernel": "marketplace.E023",  # the shared contracts: settings, money, history, errors, outbox
}

BASE_TEMPLATE_PROCESSOR = "marketplace.context_processors.face_market"


@register()
def check_required_apps(app_configs=None, **kwargs) -> list:
    return [
        Error(
            f"The face market needs '{app}' in INSTALLED_APPS.",
            hint="Add it to INSTALLED_APPS; the README lists every app the plugin needs.",
            id=check_id,
        )
        for app, check_id in REQUIRED_APPS.items()
        if not apps.is_installed(app)
    ]


@register()
def check_user_model(app_configs=None, **kwargs) -> list:
    from django.contrib.auth import get_user_model

    if not apps.is_installed("django.contrib.auth"):
        return []
    if not hasattr(get_user_model(), "groups"):
        return [
            Error(
                f"{settings.AUTH_USER_MODEL} has no 'groups': the face market's roles are groups.",
                hint="Give the user model django.contrib.auth.models.PermissionsMixin.",
                id="marketplace.E030",
            )
        ]
    return []


@register(Tags.templates)
def check_base_template_reaches_pages(app_configs=None, **kwargs) -> list:
    from marketplace.conf import DEFAULTS, market_settings

    if market_settings.raw("BASE_TEMPLATE") == DEFAULTS["BASE_TEMPLATE"]:
        return []  # the pages fall back to "base.html" by themselves
    for engine in settings.TEMPLATES:
        processors = engine.get("OPTIONS", {}).get("context_processors", [])
        if engine.get("BACKEND", "").endswith("DjangoTemplates") and BASE_TEMPLATE_PROCESSOR in processors:
            return []
    return [
        Error(
            "FACE_MARKET['BASE_TEMPLATE'] is set, but no template engine has the context processor that "
            "gives it to the plugin's pages.",
            hint=f"Add '{BASE_TEMPLATE_PROCESSOR}' to TEMPLATES' context_processors, or override the "
            "template face_market/page.html instead.",
            id="marketplace.E031",
        )
    ]


@register()
def check_beat_schedule(app_configs=None, **kwargs) -> list:
    from celery import current_app

    from kernel.tasking import broker_configured
    from marketplace.embedding.schedule import PERIODIC_TASK_NAMES

    if current_app.conf.task_always_eager or not broker_configured(current_app):
        return []  # no broker: `manage.py face_market_schedule` runs the schedule (healthz tells if not)
    scheduled = {entry.get("task") for entry in (current_app.conf.beat_schedule or {}).values()}
    missing = sorted(PERIODIC_TASK_NAMES - scheduled)
    if not missing:
        return []
    return [
        Warning(
            f"Celery beat does not schedule the face market's periodic tasks: {', '.join(missing)}.",
            hint="CELERY_BEAT_SCHEDULE = {**face_market_beat_schedule(), ...} "
            "(from marketplace.embedding.schedule import face_market_beat_schedule).",
            id="marketplace.W030",
        )
    ]


@register(Tags.database)
def check_schedule_runs(app_configs=None, databases=None, **kwargs) -> list:
    if not databases or "default" not in databases:
        return []
    from marketplace.embedding.runs import schedule_overdue

    try:
        overdue = schedule_overdue()
    except DatabaseError:
        return []  # not migrated yet: nothing has been scheduled
    if not overdue:
        return []
    return [
        Warning(
            "The face market's periodic tasks have not run for longer than their interval: "
            f"{', '.join(state.name for state in overdue)}.",
            hint="Run Celery beat with face_market_beat_schedule(), or `manage.py face_market_schedule`.",
            id="marketplace.W031",
        )
    ]
