"""Runs the plugin's periodic schedule in this process: the scheduler of a host without a broker.

``manage.py face_market_schedule`` keeps running (``scripts/run.sh`` starts it beside the web
server); ``--once`` runs what is due and exits (for cron). Run records live in the database, so a
restart picks up where it stopped. With a broker, use Celery beat and
``marketplace.embedding.schedule.face_market_beat_schedule()`` instead.
"""

from __future__ import annotations

import time
from importlib import import_module

from celery import current_app
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from marketplace.embedding.runs import schedule_states

TICK_SECONDS = 5.0
TASK_MODULES = (
    "kernel.tasks",
    "marketplace.tasks",
    "marketplace.webhooks.tasks",
    "listings.tasks",
    "verification.tasks",
    "payouts.tasks",
)


class Command(BaseCommand):
    help = "Run the face market's periodic tasks in this process (--once: what is due, then exit)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the due tasks once and exit.")

    def handle(self, *args, once: bool = False, **options):
        for module in TASK_MODULES:  # a host without a Celery app has no autodiscovery
            import_module(module)
        while True:
            ran = self.run_due()
            if once:
                self.stdout.write(f"ran {len(ran)} periodic task(s): {', '.join(ran) or 'none due'}")
                return
            close_old_connections()
            time.sleep(TICK_SECONDS)

    def run_due(self) -> list[str]:
        now = timezone.now()
        ran = []
        for state in schedule_states():
            if not state.due(now):
                continue
            task = current_app.tasks[state.task_name]
            result = task.apply()  # inline; PluginTask records the run when it succeeds
            if result.failed():
                self.stderr.write(f"{state.name}: failed ({type(result.result).__name__})")
            else:
                ran.append(state.name)
        return ran
