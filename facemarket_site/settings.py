"""Settings of the standalone site.

Defaults run on one machine with nothing else installed (SQLite, Celery eager, local media,
sandbox payments, offline face engine). Environment variables switch to production parts.
Unsafe production values are refused by the site's own system checks (``facemarket_site.E00x``),
which the WSGI/ASGI entry points run before serving. The plugin itself checks none of a host's
security settings.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from marketplace.embedding.schedule import face_market_beat_schedule

BASE_DIR = Path(__file__).resolve().parents[1]
VAR_DIR = Path(os.environ.get("FACE_MARKET_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

#: Marker the checks look for: the site must never serve with it outside DEBUG.
INSECURE_DEV_SECRET_KEY = "django-insecure-face-market-dev-only-never-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY") or INSECURE_DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    # the plugin: a host platform adds these five
    "kernel.apps.KernelConfig",
    "verification.apps.VerificationConfig",
    "payouts.apps.PayoutsConfig",
    "listings.apps.ListingsConfig",
    "marketplace.apps.MarketplaceConfig",
    # after the plugin: where both translate a message ("Log out"), the plugin's words win
    "django.contrib.admin",
    # the site itself: base layout, log-in pages, its own security checks
    "facemarket_site.apps.FaceMarketSiteConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

# Content-Security-Policy (django-csp 4): only this site's own files. No inline scripts anywhere (the
# templates load every script from static files); Stripe.js's origins are added only on the page that
# loads it (kernel.csp.stripe_js_allowed). Inline style attributes remain in a few templates, hence
# 'unsafe-inline' for styles only. A host embedding the plugin sets its own policy (see the README).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

ROOT_URLCONF = "facemarket_site.urls"
WSGI_APPLICATION = "facemarket_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "marketplace.context_processors.face_market",
            ],
        },
    },
]

# --- database: SQLite by default, DATABASE_URL for PostgreSQL (+ pgvector) ---
if not os.environ.get("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the zero-setup SQLite database lives here
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # the web server and the schedule process write at once: take the write lock when a transaction
    # begins (no deadlocked lock upgrades) and wait for it rather than fail with "database is locked"
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache (perf): per-process memory by default; CACHE_URL=redis://... shares it between the server's
# worker processes, which the catalogue's cached counts need to be invalidated everywhere at once ---
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "face-market"),
        }
        if os.environ.get("CACHE_URL", "").startswith(("redis://", "rediss://", "unix://"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- auth ---
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"  # the site's own django.contrib.auth pages
LOGIN_REDIRECT_URL = "marketplace:home"
LOGOUT_REDIRECT_URL = "marketplace:home"

# --- i18n: Simplified Chinese and English ---
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- files ---
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- Celery: eager in-process by default, a real broker when CELERY_BROKER_URL is set ---
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
#: periodic work: the plugin's schedule (django-celery-beat copies it into its database schedule).
#: Without a broker, scripts/run.sh runs the same schedule with ``manage.py face_market_schedule``.
CELERY_BEAT_SCHEDULE = face_market_beat_schedule()

# --- email ---
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "face-market@localhost")

# --- API ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated API call then gets 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 24,
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "600/min"},  # the plugin's scopes: FACE_MARKET
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Face licence marketplace API",
    "DESCRIPTION": "Licences to a person's likeness: specific, consented, revocable, verifiable and paid.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
}

# --- security: strict outside DEBUG ---
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HSTS outside DEBUG (sent on HTTPS responses only); a year, this host only unless told otherwise
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)

# --- the plugin ---
FACE_MARKET = {
    "FACE_ENGINE": os.environ.get("FACE_ENGINE", "verification.engines.dlib_engine.DlibFaceEngine"),
    "FACE_MODEL_DIR": os.environ.get("FACE_MODEL_DIR", ""),
    "FACE_MODEL_LICENCE_CONFIRMED": env_bool("FACE_MODEL_LICENCE_CONFIRMED", False),
    "PAYMENT_GATEWAY": os.environ.get("PAYMENT_GATEWAY", "payouts.gateways.sandbox.SandboxGateway"),
}
if os.environ.get("API_THROTTLE_ANON"):  # e.g. a load benchmark: its clients share one address
    from kernel.conf import DEFAULTS as KERNEL_DEFAULTS

    # anonymous requests count against the per-user rate too (DRF keys them by address)
    FACE_MARKET["API_THROTTLE_RATES"] = {
        **KERNEL_DEFAULTS["API_THROTTLE_RATES"],
        "anon": os.environ["API_THROTTLE_ANON"],
        "user": os.environ.get("API_THROTTLE_USER", os.environ["API_THROTTLE_ANON"]),
    }
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")  # for Stripe.js on the order page
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
