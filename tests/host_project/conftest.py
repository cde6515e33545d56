"""The host project's tests run in their own pytest invocation:
``pytest tests/host_project --ds=tests.host_project.settings`` (scripts/test.sh does it)."""

import os

import pytest

if os.environ.get("DJANGO_SETTINGS_MODULE") != "tests.host_project.settings":
    collect_ignore = ["tests"]  # under the site's settings these would test the wrong host


@pytest.fixture(autouse=True)
def celery_eager_unless_integration():
    """Overrides the suite's eager-Celery fixture: this host has no Celery app and no broker, and the
    plugin must run its tasks inline after commit by itself."""
    yield
