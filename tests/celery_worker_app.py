"""Celery app for the integration tests' worker process: the site's app with the test settings.

pytest-django creates ``test_<name>``; tests/settings.py points the worker at it through
``FACE_MARKET_TEST_DB_NAME``, which the fixture sets.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

from celery.signals import task_prerun  # noqa: E402

from facemarket_site.celery import app  # noqa: E402


@task_prerun.connect
def _content_types_fresh(**kwargs) -> None:
    """Transactional tests flush the database between tests and the content types come back with new
    ids, while this long-lived worker would keep the old ones cached (history rows then break their
    foreign key). A production worker never sees its content types renumbered."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


__all__ = ["app"]
