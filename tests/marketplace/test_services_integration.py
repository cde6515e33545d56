"""Real services: the broker with a real worker process, PostgreSQL with pgvector."""

import os
import uuid

import pytest
from django.db import connection


@pytest.mark.integration
def test_celery_task_round_trips_through_real_broker_and_worker(celery_worker_process):
    from marketplace.tasks import ping

    token = uuid.uuid4().hex
    result = ping.delay(token).get(timeout=30)
    assert result["token"] == token
    assert result["pid"] == celery_worker_process.pid != os.getpid()


@pytest.mark.integration
@pytest.mark.django_db
def test_healthz_sees_the_real_broker(client):
    body = client.get("/healthz").json()
    assert body["checks"]["broker"]["status"] == "ok"
    assert body["checks"]["broker"]["detail"] != "eager"


@pytest.mark.postgres
@pytest.mark.django_db
def test_vector_extension_exists_on_postgres():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        row = cursor.fetchone()
    assert row is not None, "the pgvector extension was not created by the migration"
    major, minor = (int(x) for x in row[0].split(".")[:2])
    assert (major, minor) >= (0, 5)


def test_every_periodic_task_is_registered():
    """A beat entry naming a task that no app defines would fail silently in production."""
    from celery import current_app
    from django.conf import settings

    current_app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in current_app.tasks, entry["task"]
