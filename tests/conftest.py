"""Fixtures shared by the whole suite: users per role, the real Celery worker, headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made
# from that same thread (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(__file__).resolve().parent / "data"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    """Skip tests whose real service is not configured, saying which one (CI runs them all)."""
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    has_broker = bool(os.environ.get("CELERY_BROKER_URL"))
    has_chromium = Path(CHROMIUM).exists()
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL"))
        if "integration" in item.keywords and not has_broker:
            item.add_marker(pytest.mark.skip(reason="needs a broker: set CELERY_BROKER_URL"))
        if "browser" in item.keywords and not has_chromium:
            item.add_marker(pytest.mark.skip(reason=f"needs Chromium at {CHROMIUM}"))


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a rolled-back test never commits, so the catalogue's
    on-commit invalidation never runs, and its cached counts must not reach the next test."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def celery_eager_unless_integration(request):
    """Tasks run in-process except in tests marked ``integration``, which use the real worker.

    With CELERY_BROKER_URL set, ``.delay`` would otherwise send work to a broker that no worker
    of this test reads, or to a worker that cannot see this test's uncommitted transaction.
    """
    if "integration" in request.keywords:
        # Eager tasks run in threads (race tests, the live server) flip Celery's process-wide "a join
        # would block" flag without a lock and can leave it set; a test's own .get() must start clear.
        from celery._state import _set_task_join_will_block

        _set_task_join_will_block(False)
        yield
        return
    from celery import current_app

    conf = current_app.conf
    saved = (conf.task_always_eager, conf.task_eager_propagates)
    conf.task_always_eager, conf.task_eager_propagates = True, True
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


@pytest.fixture
def make_user(db):
    from django.contrib.auth import get_user_model

    from marketplace.services import user_role_grant

    def make(username: str, *roles: str, password: str = "correct horse battery staple", **extra):
        user = get_user_model().objects.create_user(
            username=username, password=password, email=f"{username}@example.test", **extra
        )
        for role in roles:
            user_role_grant(user=user, role=role)
        return user

    return make


@pytest.fixture
def seller(make_user):
    return make_user("seller1", "seller")


@pytest.fixture
def buyer(make_user):
    return make_user("buyer1", "buyer")


@pytest.fixture
def moderator(make_user):
    return make_user("moderator1", "moderator")


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real ``celery worker`` process on the configured broker, using the test database."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    env["FACE_MARKET_TEST_DB_NAME"] = str(db["NAME"])
    env["PYTHONPATH"] = str(REPO_ROOT)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.celery_worker_app",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    from celery import current_app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output = proc.stdout.read() if proc.stdout else ""
            raise RuntimeError("celery worker exited at start:\n" + output)
        replies = current_app.control.ping(timeout=1.0)
        if replies:
            break
    else:
        proc.terminate()
        raise RuntimeError("celery worker did not answer a ping within 60 s")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright for the session: its sync API cannot be started twice in one thread."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_driver):
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser, live_server):
    # Playwright's wait_for_function evaluates strings in the page, which the site's CSP forbids; the
    # policy itself is tested with it on in tests/marketplace/test_browser_csp.py
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def have(cmd: str) -> bool:
    return shutil.which(cmd) is not None
