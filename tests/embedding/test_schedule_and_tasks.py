"""Tasks inline without a broker, the periodic schedule and what reports it stopped."""

from __future__ import annotations

import os
from datetime import timedelta
from io import StringIO

import pytest
from celery import current_app
from django.core.management import call_command
from django.utils import timezone

from marketplace.embedding.checks import check_beat_schedule, check_schedule_runs
from marketplace.embedding.runs import schedule_run_record
from marketplace.embedding.schedule import (
    FACE_MARKET_SCHEDULE,
    PERIODIC_TASK_NAMES,
    face_market_beat_schedule,
)
from marketplace.models import ScheduleRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_broker(monkeypatch):
    """A host with no broker at all: Celery's defaults (not eager, errors not propagated), no broker URL."""
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    conf = current_app.conf
    saved = (conf.task_always_eager, conf.task_eager_propagates, conf.broker_url)
    conf.task_always_eager, conf.task_eager_propagates, conf.broker_url = False, False, None
    yield
    conf.task_always_eager, conf.task_eager_propagates, conf.broker_url = saved


def test_without_a_broker_tasks_run_inline_and_are_never_sent(no_broker, monkeypatch):
    from marketplace.tasks import ping

    def no_publishing(*args, **kwargs):
        raise AssertionError("a task was sent to a broker")

    monkeypatch.setattr(current_app, "send_task", no_publishing)
    monkeypatch.setattr(type(current_app.amqp), "send_task_message", no_publishing, raising=False)
    result = ping.delay("inline")
    assert result.get() == {"token": "inline", "pid": os.getpid()}


def test_an_inline_failure_is_logged_by_type_only(no_broker, caplog):
    from marketplace.tasks import usage_report_check_task

    result = usage_report_check_task.delay("not-an-id")  # the service refuses a non-integer id
    assert result.failed()
    ours = [r.getMessage() for r in caplog.records if r.name == "face_market.tasks"]
    assert ours == ["task face_market.usage_report_check failed inline: ValueError"]


def test_the_schedule_helper_is_the_sites_beat_schedule(settings):
    assert settings.CELERY_BEAT_SCHEDULE == face_market_beat_schedule()
    assert {entry["task"] for entry in face_market_beat_schedule().values()} == PERIODIC_TASK_NAMES
    assert all(name.startswith("face-market-") for name in face_market_beat_schedule())


def test_every_scheduled_task_exists():
    call_command("face_market_schedule", "--once", stdout=StringIO())  # imports every tasks module
    assert PERIODIC_TASK_NAMES <= set(current_app.tasks)


def test_the_schedule_command_runs_what_is_due_once():
    out = StringIO()
    call_command("face_market_schedule", "--once", stdout=out)
    assert f"ran {len(FACE_MARKET_SCHEDULE)} periodic task(s)" in out.getvalue()
    assert set(ScheduleRun.objects.values_list("task_name", flat=True)) == PERIODIC_TASK_NAMES
    out = StringIO()
    call_command("face_market_schedule", "--once", stdout=out)
    assert "none due" in out.getvalue()


def test_healthz_and_the_check_report_a_stopped_schedule(client):
    body = client.get("/healthz").json()
    assert body["checks"]["schedule"]["status"] == "error"  # never ran
    call_command("face_market_schedule", "--once", stdout=StringIO())
    assert client.get("/healthz").json()["checks"]["schedule"] == {"status": "ok", "detail": "running"}
    assert check_schedule_runs(databases=["default"]) == []

    # the 60-second jobs last ran three minutes ago: the schedule has stopped
    ScheduleRun.objects.filter(task_name="face_market.moderation.face_match_flags_sync").update(
        last_run_at=timezone.now() - timedelta(minutes=3)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["schedule"]["detail"] == "ScheduleStopped: face-match-flags-sync"
    warnings = check_schedule_runs(databases=["default"])
    assert [w.id for w in warnings] == ["marketplace.W031"] and "face-match-flags-sync" in warnings[0].msg
    assert check_schedule_runs(databases=None) == []  # a database check: only with --database


def test_a_run_inside_its_interval_is_not_stopped():
    for task in PERIODIC_TASK_NAMES:
        schedule_run_record(task_name=task, at=timezone.now() - timedelta(seconds=59))
    assert check_schedule_runs(databases=["default"]) == []


def test_a_broker_without_the_plugins_beat_entries_warns(monkeypatch):
    conf = current_app.conf
    saved = (conf.task_always_eager, conf.broker_url, conf.beat_schedule)
    try:
        conf.task_always_eager, conf.broker_url = False, "redis://127.0.0.1:6379/0"
        conf.beat_schedule = {"host-job": {"task": "host.job", "schedule": 60.0}}
        messages = check_beat_schedule()
        assert [m.id for m in messages] == ["marketplace.W030"]
        assert "face_market.orders_expire" in messages[0].msg
        conf.beat_schedule = {**face_market_beat_schedule(), "host-job": {"task": "host.job", "schedule": 60}}
        assert check_beat_schedule() == []
    finally:
        conf.task_always_eager, conf.broker_url, conf.beat_schedule = saved
