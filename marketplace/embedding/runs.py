"""Run records of the periodic schedule: the write (a service) and the reads (selectors)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from marketplace.embedding.schedule import FACE_MARKET_SCHEDULE, LATE_GRACE_SECONDS
from marketplace.models import ScheduleRun


@dataclass(frozen=True)
class ScheduleEntryState:
    name: str
    task_name: str
    interval_seconds: float
    last_run_at: datetime | None

    def due(self, now: datetime) -> bool:
        return self.last_run_at is None or now - self.last_run_at >= timedelta(seconds=self.interval_seconds)

    def overdue(self, now: datetime) -> bool:
        """Not run for longer than its interval (plus a little lateness): the schedule has stopped."""
        limit = timedelta(seconds=self.interval_seconds + LATE_GRACE_SECONDS)
        return self.last_run_at is None or now - self.last_run_at > limit


@transaction.atomic
def schedule_run_record(*, task_name: str, at: datetime | None = None) -> ScheduleRun:
    run, _ = ScheduleRun.objects.update_or_create(
        task_name=task_name, defaults={"last_run_at": at or timezone.now()}
    )
    return run


def schedule_states() -> list[ScheduleEntryState]:
    last_runs = dict(ScheduleRun.objects.values_list("task_name", "last_run_at"))
    return [
        ScheduleEntryState(name, task, seconds, last_runs.get(task))
        for name, (task, seconds) in FACE_MARKET_SCHEDULE.items()
    ]


def schedule_overdue(now: datetime | None = None) -> list[ScheduleEntryState]:
    now = now or timezone.now()
    return [state for state in schedule_states() if state.overdue(now)]
