"""A host embeds the plugin through the README's four steps, and only those (see ../settings.py).

Run apart from the site's suite: ``pytest tests/host_project --ds=tests.host_project.settings``.
Nothing is mocked: the real face engine verifies the seller, the sandbox gateway takes the payment,
and the plugin's tasks run inline after commit because this host has no broker.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks

REPO = Path(__file__).resolve().parents[3]
PLUGIN_APPS = ("marketplace", "listings", "verification", "payouts")
CATALOGUE_SHIPPED = any((REPO / app / "locale").is_dir() for app in PLUGIN_APPS)


def test_check_is_clean_with_debug_off_and_no_secure_cookie_settings(settings):
    assert settings.DEBUG is False
    assert not settings.SESSION_COOKIE_SECURE and not settings.CSRF_COOKIE_SECURE
    assert run_checks() == []


def test_migrate_on_sqlite_needs_no_postgresql_driver(tmp_path):
    """`pip install` without extras has no psycopg: migrate a fresh SQLite database with it unimportable."""
    script = (
        "import sys; sys.modules.update(psycopg=None, psycopg2=None);"  # None: `import psycopg` fails
        "import django; from django.conf import settings; django.setup();"
        "from django.core.management import call_command; call_command('migrate', verbosity=0);"
        "print('migrated', sorted(sys.modules.keys() & {'psycopg', 'psycopg2', 'dlib', 'mediapipe'}))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "tests.host_project.settings",
        "TMPDIR": str(tmp_path),  # the host's SQLite file lands here
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300, cwd=REPO
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # psycopg modules stay None placeholders; no face model library was loaded by migrating
    assert "migrated ['psycopg', 'psycopg2']" in result.stdout, result.stdout


def test_importing_the_plugin_loads_no_face_model():
    script = (
        "import django; django.setup();"
        "import marketplace.urls, listings.selectors, verification.selectors, verification.services;"
        "import sys; print(sorted(m for m in ('dlib', 'mediapipe', 'insightface', 'onnxruntime', "
        "'face_recognition_models') if m in sys.modules))"
    )
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "tests.host_project.settings"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "[]"


@pytest.mark.django_db
def test_plugin_pages_render_inside_the_host_layout_with_the_plugin_css(client):
    for url in ("/faces/", "/faces/listings/"):
        html = client.get(url).content.decode()
        assert 'id="host-header"' in html and "宿主商城" in html  # the host's own base.html
        assert "/static/face_market/site.css" in html  # the plugin's stylesheet, from the app's static/
        assert 'id="nav-signup"' not in html  # the site's header is not used


@pytest.mark.django_db
@pytest.mark.skipif(not CATALOGUE_SHIPPED, reason="the zh-hans catalogue moves into the apps at merge")
def test_plugin_pages_speak_the_hosts_language(client):
    html = client.get("/faces/").content.decode()
    assert "按你的条件授权你的面孔" in html and "License your face on your own terms" not in html
    assert "面孔目录" in client.get("/faces/listings/").content.decode()


@pytest.mark.django_db
def test_the_host_owns_sign_up_and_log_in(client):
    assert client.get("/faces/accounts/signup/").status_code == 404  # FACE_MARKET["SIGNUP_ENABLED"] = False
    response = client.get("/faces/licences/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/faces/licences/")
    assert "/login/" in client.get("/faces/").content.decode()  # the plugin's log-in link is LOGIN_URL


@pytest.mark.django_db
def test_schema_lists_the_plugin_api_under_the_hosts_prefix(client):
    response = client.get("/faces/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/faces/api/v1/orders/" in paths and "/faces/api/v1/listings/catalogue/" in paths
    assert not any(path.startswith(("/login", "/signup")) for path in paths)
    assert client.get("/faces/api/docs/").status_code == 200


@pytest.mark.django_db
def test_the_plugins_sign_up_works_with_an_email_user_model_when_switched_on(client, settings):
    from django.contrib.auth import get_user_model

    from marketplace.selectors import user_roles

    settings.FACE_MARKET = {"SIGNUP_ENABLED": True}
    page = client.get("/faces/accounts/signup/").content.decode()
    assert 'name="email"' in page and 'name="username"' not in page  # the e-mail is the login
    form = {"role": "buyer", "email": "Mei@Host.Example", "password1": "a sturdy pass 42", "password2": ""}
    form["password2"] = form["password1"]
    response = client.post("/faces/accounts/signup/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    user = get_user_model().objects.get(email="Mei@host.example")
    assert user_roles(user) == ["buyer"]
    from django.test import Client

    again = Client().post("/faces/accounts/signup/", {**form, "email": "mei@host.example"})
    assert again.status_code == 200 and get_user_model().objects.count() == 1  # one account per e-mail


@pytest.mark.django_db
def test_the_role_command_names_people_by_email():
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    get_user_model().objects.create_user("mod@host.example", "a sturdy pass 42")
    out = StringIO()
    call_command("face_market_role", "grant", "mod@host.example", "moderator", stdout=out)
    assert out.getvalue().strip() == "mod@host.example: moderator"


@pytest.mark.django_db
def test_demo_accounts_log_in_by_email_in_an_email_user_host(settings):
    from marketplace.demo import demo_accounts_ensure

    settings.DEBUG = True  # the demo refuses to make known passwords otherwise
    first = demo_accounts_ensure()
    again = demo_accounts_ensure()  # safe to run again: the same people
    assert first["demo_buyer"].pk == again["demo_buyer"].pk
    assert again["demo_buyer"].get_username() == "demo_buyer@example.test"


def test_a_missing_app_is_a_check_error_that_names_it(tmp_path):
    (tmp_path / "host_without_authtoken.py").write_text(
        "from tests.host_project.settings import *  # noqa: F403\n"
        "INSTALLED_APPS = [a for a in INSTALLED_APPS if a != 'rest_framework.authtoken']  # noqa: F405\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": f"{tmp_path}:{REPO}",
        "DJANGO_SETTINGS_MODULE": "host_without_authtoken",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "django", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert result.returncode != 0
    assert "(marketplace.E016) The face market needs 'rest_framework.authtoken'" in result.stderr
    assert "Traceback" not in result.stderr
