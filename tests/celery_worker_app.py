"""Celery app for the integration tests' worker process: the site's app with the test settings.

pytest-django creates ``test_<name>``; tests/settings.py points the worker at it through
``FACE_MARKET_TEST_DB_NAME``, which the fixture sets.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

from facemarket_site.celery import app  # noqa: E402

__all__ = ["app"]
