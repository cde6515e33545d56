"""System checks of the kernel (stable ids ``kernel.E0xx``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from .conf import SETTINGS_NAME, known_keys


@register()
def check_face_market_settings(app_configs=None, **kwargs) -> list:
    configured = getattr(settings, SETTINGS_NAME, {})
    if not isinstance(configured, dict):
        return [Error(f"{SETTINGS_NAME} must be a dict.", id="kernel.E001")]
    unknown = sorted(set(configured) - known_keys())
    if unknown:
        return [
            Error(
                f"Unknown {SETTINGS_NAME} settings: {', '.join(unknown)}.",
                hint="A misspelt setting would silently fall back to its default.",
                id="kernel.E002",
            )
        ]
    return []


@register(Tags.database)
def check_sqlite_queues_concurrent_writes(app_configs=None, **kwargs) -> list:
    """On SQLite, a deferred transaction that later writes fails at once with "database is locked"
    when another writer holds the lock; IMMEDIATE + a busy timeout makes it wait its turn instead."""
    warnings = []
    for alias, db in settings.DATABASES.items():
        if not db.get("ENGINE", "").endswith("sqlite3"):
            continue
        options = db.get("OPTIONS", {})
        if options.get("transaction_mode") != "IMMEDIATE" or not options.get("timeout"):
            warnings.append(
                Warning(
                    f"SQLite database {alias!r} does not queue concurrent writes: two buyers paying at "
                    "once get a server error (database is locked).",
                    hint=f'Set DATABASES["{alias}"]["OPTIONS"] = '
                    '{"transaction_mode": "IMMEDIATE", "timeout": 20} (Django 5.1+), or use PostgreSQL.',
                    id="kernel.W001",
                )
            )
    return warnings
