"""The plugin's periodic schedule, one importable helper for the host's Celery beat.

Importable from a settings module (it imports nothing of Django)::

    from marketplace.embedding.schedule import face_market_beat_schedule
    CELERY_BEAT_SCHEDULE = {**face_market_beat_schedule(), **HOST_ENTRIES}

With no broker, ``manage.py face_market_schedule`` runs the same schedule in its own process.
"""

from __future__ import annotations

#: beat entry name -> (task name, interval in seconds)
FACE_MARKET_SCHEDULE: dict[str, tuple[str, float]] = {
    "outbox-sweep": ("face_market.outbox.sweep", 60.0),  # events a broker outage or a crash left behind
    "webhook-deliveries-retry": ("face_market.webhooks.deliveries_retry", 10.0),
    "orders-expire": ("face_market.orders_expire", 300.0),
    "usage-reports-auto-approve": ("face_market.usage_reports_auto_approve", 3600.0),
    "usage-deadlines": ("face_market.usage_deadlines", 86400.0),
    "licences-expire": ("face_market.licences_expire", 3600.0),
    "revocations-apply": ("face_market.revocations_apply", 3600.0),
    "project-requests-default": ("face_market.project_requests_default", 3600.0),
    "payment-webhooks-retry": ("face_market.payouts.webhook_events_retry", 300.0),
    "transfers-retry": ("face_market.payouts.transfer_retry", 3600.0),
    "refunds-retry": ("face_market.payouts.refunds_retry", 300.0),
    "ledger-reconcile": ("face_market.payouts.reconcile", 86400.0),
    "raw-captures-purge": ("face_market.verification.raw_captures_purge", 3600.0),
    "face-match-flags-sync": ("face_market.moderation.face_match_flags_sync", 60.0),
    "face-claims-decide": ("face_market.moderation.face_claims_decide", 60.0),
}

PERIODIC_TASK_NAMES = frozenset(task for task, _ in FACE_MARKET_SCHEDULE.values())

#: a run may start this late (a busy worker, beat's own tick) before the schedule counts as stopped
LATE_GRACE_SECONDS = 60.0


def face_market_beat_schedule() -> dict[str, dict]:
    """Entries for ``CELERY_BEAT_SCHEDULE`` (names prefixed ``face-market-`` so they never clash)."""
    return {
        f"face-market-{name}": {"task": task, "schedule": seconds}
        for name, (task, seconds) in FACE_MARKET_SCHEDULE.items()
    }


def shortest_interval_seconds() -> float:
    return min(seconds for _, seconds in FACE_MARKET_SCHEDULE.values())
