"""Settings of a host platform: what ``startproject`` writes, plus the README's four steps.

The host has its own e-mail user model (no username), its own base.html, Chinese as its language, its
own app with its own ``Listing`` and ``Order``, DRF's default settings, no Celery app, no broker,
``DEBUG = False`` and no secure-cookie settings. The plugin needs nothing more than the steps.
"""

import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = "host-project-" + "s3cr3t-" * 8  # the host's own business, not the plugin's
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # step 2: the third-party apps the README lists ...
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    # ... and the plugin's five apps
    "kernel",
    "verification",
    "payouts",
    "listings",
    "marketplace",
    # the host's own app
    "tests.host_project.shop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tests.host_project.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": Path(tempfile.gettempdir()) / "host-project.sqlite3",
        # concurrent writes queue instead of failing (the plugin's kernel.W001 says so otherwise)
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "shop.User"
LOGIN_URL = "shop:login"
LOGIN_REDIRECT_URL = "shop:home"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # the host's tests: fast hashing

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
MEDIA_ROOT = tempfile.mkdtemp(prefix="host-project-media-")

# optional: the host owns sign-up (its own page grants the plugin's roles)
FACE_MARKET = {"SIGNUP_ENABLED": False}
