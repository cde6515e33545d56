"""Test settings: the site's own settings with fast hashing, in-memory mail and a private media dir."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-" + "k" * 60)

from facemarket_site.settings import *  # noqa: F403,E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="face-market-test-media-")
STATIC_ROOT = tempfile.mkdtemp(prefix="face-market-test-static-")
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False}

# The integration tests' Celery worker runs in its own process on the database pytest created.
if os.environ.get("FACE_MARKET_TEST_DB_NAME"):
    DATABASES["default"]["NAME"] = os.environ["FACE_MARKET_TEST_DB_NAME"]  # noqa: F405

# SQLite tests run on a file (in memory where /dev/shm exists), as the site does: an in-memory
# shared-cache database locks whole tables and ignores the busy timeout, so concurrency tests would
# test the test database, not the site's IMMEDIATE + timeout settings.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    _shm = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.path.join(  # noqa: F405
        _shm, f"face-market-test-{os.getpid()}.sqlite3"
    )

# The plugin's API throttles stay on in tests, with rates no test reaches by accident; the throttle
# tests set their own.
FACE_MARKET = {  # noqa: F405
    **FACE_MARKET,  # noqa: F405
    "API_THROTTLE_RATES": {
        "anon": "100000/min",
        "user": "100000/min",
        "reports": "20/hour",
        "login": "100000/min",
        "consent_checks": "100000/min",
    },
}
