import pytest
from django.core.checks import Error, run_checks
from django.core.exceptions import ImproperlyConfigured

from facemarket_site.checks import check_production_safety
from kernel.checks import check_face_market_settings
from kernel.conf import kernel_settings
from payouts.checks import check_payouts_settings
from payouts.conf import DEFAULTS as PAYOUTS_DEFAULTS
from payouts.conf import payouts_settings
from verification.conf import verification_settings

SAFE_KEY = "x8#Jd0!qL2v" * 6


def ids(messages):
    return sorted(m.id for m in messages)


def test_defaults_run_on_one_machine(settings):
    assert kernel_settings.CURRENCY == "CNY"
    assert verification_settings.raw("FACE_ENGINE") == "verification.engines.dlib_engine.DlibFaceEngine"
    assert payouts_settings.raw("PAYMENT_GATEWAY").endswith("SandboxGateway")
    assert payouts_settings.PLATFORM_COMMISSION_BPS == PAYOUTS_DEFAULTS["PLATFORM_COMMISSION_BPS"]


def test_site_defaults_are_sqlite_eager_and_local():
    # read the shell's own defaults with no environment overrides
    import importlib
    import os

    saved = {k: os.environ.pop(k) for k in ("DATABASE_URL", "CELERY_BROKER_URL") if k in os.environ}
    try:
        import facemarket_site.settings as site_settings

        fresh = importlib.reload(site_settings)
        assert fresh.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
        assert fresh.CELERY_TASK_ALWAYS_EAGER is True
        assert fresh.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")
        assert fresh.DEBUG is False  # production-safe unless asked
    finally:
        os.environ.update(saved)
        importlib.reload(site_settings)


def test_settings_are_lazy_and_follow_overrides(settings):
    settings.FACE_MARKET = {"CURRENCY": "USD"}
    assert kernel_settings.CURRENCY == "USD"
    settings.FACE_MARKET = {}
    assert kernel_settings.CURRENCY == "CNY"


def test_unknown_setting_attribute_raises():
    with pytest.raises(AttributeError):
        kernel_settings.NOT_A_SETTING  # noqa: B018


def test_dotted_path_settings_are_imported(settings):
    settings.FACE_MARKET = {"FACE_INDEX_BACKEND": "kernel.money.Money"}
    from kernel.money import Money

    assert verification_settings.FACE_INDEX_BACKEND is Money
    settings.FACE_MARKET = {"FACE_INDEX_BACKEND": "nowhere.Nothing"}
    with pytest.raises(ImproperlyConfigured):
        verification_settings.FACE_INDEX_BACKEND  # noqa: B018


def test_debug_skips_production_checks(settings):
    settings.DEBUG = True
    settings.SECRET_KEY = "short"
    assert check_production_safety() == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"SECRET_KEY": "django-insecure-" + "a1b2c3" * 10}, ["facemarket_site.E001"]),
        ({"SECRET_KEY": "short"}, ["facemarket_site.E001"]),
        ({"ALLOWED_HOSTS": []}, ["facemarket_site.E002"]),
        ({"ALLOWED_HOSTS": ["*"]}, ["facemarket_site.E002"]),
        ({"SESSION_COOKIE_SECURE": False}, ["facemarket_site.E003"]),
        ({}, []),
    ],
)
def test_production_refuses_unsafe_configuration(settings, overrides, expected):
    settings.DEBUG = False
    settings.SECRET_KEY = SAFE_KEY
    settings.ALLOWED_HOSTS = ["market.example.com"]
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.CELERY_TASK_ALWAYS_EAGER = False
    for name, value in overrides.items():
        setattr(settings, name, value)
    messages = check_production_safety()
    assert ids(messages) == expected
    assert all(isinstance(m, Error) for m in messages)


def test_eager_celery_in_production_warns(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = SAFE_KEY
    settings.ALLOWED_HOSTS = ["market.example.com"]
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert ids(check_production_safety()) == ["facemarket_site.W001"]


def test_misspelt_face_market_setting_is_an_error(settings):
    settings.FACE_MARKET = {"FACE_ENGIN": "x"}
    assert ids(check_face_market_settings()) == ["kernel.E002"]
    settings.FACE_MARKET = {"PLATFORM_COMMISSION_BPS": 0.15}
    assert ids(check_payouts_settings()) == ["payouts.E004"]
    settings.FACE_MARKET = []
    assert ids(check_face_market_settings()) == ["kernel.E001"]


def test_checks_are_registered_and_run_by_django(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "short"
    assert "facemarket_site.E001" in ids(run_checks())


def test_wsgi_refuses_to_start_unsafe(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "0",
        "SECRET_KEY": "",
        "ALLOWED_HOSTS": "",
        "FACE_MARKET_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", "import facemarket_site.wsgi"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode != 0
    assert "facemarket_site.E001" in result.stderr and "facemarket_site.E002" in result.stderr
