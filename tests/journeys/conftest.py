"""Fixtures of the journeys: the demo data (what the one-machine run shows a person)."""

from __future__ import annotations

import pytest
from django.db import connections

from marketplace.demo import demo_load
from tests.listings.conftest import templates, tiers  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def seeded_tiers(templates):  # noqa: F811
    """Every journey starts from the tiers and templates the migrations seed: an earlier transactional
    test's flush removed them (serialized rollback restores only its own tests)."""
    return templates


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DEBUG = True  # the demo loader refuses to run outside DEBUG
    result = demo_load()
    settings.DEBUG = False
    yield result
    # Playwright's thread used its own ORM connection: close it, or PostgreSQL keeps the test database
    connections.close_all()
