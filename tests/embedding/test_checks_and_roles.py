"""What a host must install is checked by id; roles are granted by a service, a command and a staff API."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from marketplace.embedding import checks
from marketplace.selectors import user_roles

pytestmark = pytest.mark.django_db


def test_the_site_has_every_app_the_plugin_needs():
    assert checks.check_required_apps() == []


@pytest.mark.parametrize(
    ("missing", "check_id"),
    [("rest_framework.authtoken", "marketplace.E016"), ("listings", "marketplace.E022")],
)
def test_a_missing_app_is_an_error_that_names_it(monkeypatch, missing, check_id):
    installed = apps.is_installed
    monkeypatch.setattr(apps, "is_installed", lambda name: name != missing and installed(name))
    errors = checks.check_required_apps()
    assert [e.id for e in errors] == [check_id]
    assert f"'{missing}'" in errors[0].msg


def test_a_base_template_setting_needs_the_context_processor(settings):
    settings.FACE_MARKET = {"BASE_TEMPLATE": "host/layout.html"}
    assert checks.check_base_template_reaches_pages() == []  # the site has the processor
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "OPTIONS": {"context_processors": []}},
    ]
    assert [e.id for e in checks.check_base_template_reaches_pages()] == ["marketplace.E031"]


def test_host_security_settings_are_not_the_plugins_business(settings):
    from django.core.checks import run_checks

    settings.DEBUG = False
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    ids = {m.id for m in run_checks()}
    assert not {i for i in ids if i.startswith("marketplace.")}
    assert "facemarket_site.E003" in ids  # the standalone site still refuses them, for itself


def test_the_role_command_grants_revokes_and_shows(make_user):
    user = make_user("ana")
    out = StringIO()
    call_command("face_market_role", "grant", "ana", "seller", stdout=out)
    assert out.getvalue().strip() == "ana: seller"
    call_command("face_market_role", "grant", "ana", "buyer", stdout=StringIO())
    call_command("face_market_role", "revoke", "ana", "seller", stdout=StringIO())
    user.refresh_from_db()
    assert user_roles(type(user).objects.get(pk=user.pk)) == ["buyer"]
    with pytest.raises(CommandError):
        call_command("face_market_role", "grant", "nobody", "seller")
    with pytest.raises(CommandError):
        call_command("face_market_role", "grant", "ana")


def staff_api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_staff_grant_and_revoke_roles_through_the_api(make_user):
    staff = make_user("staff", is_staff=True)
    person = make_user("bo")
    url = f"/api/v1/staff/users/{person.pk}/roles/"
    assert staff_api(staff).get(url).json() == {"user": person.pk, "roles": []}
    granted = staff_api(staff).put(f"{url}moderator/")
    assert granted.status_code == 200 and granted.json()["roles"] == ["moderator"]
    revoked = staff_api(staff).delete(f"{url}moderator/")
    assert revoked.json()["roles"] == []


def test_the_roles_api_is_staff_only_and_refuses_bad_input(make_user):
    staff = make_user("staff", is_staff=True)
    person = make_user("bo", "buyer")
    url = f"/api/v1/staff/users/{person.pk}/roles/"
    assert APIClient().get(url).status_code == 401
    assert staff_api(person).put(f"{url}moderator/").status_code == 403  # no self-promotion
    bad = staff_api(staff).put(f"{url}emperor/")
    assert bad.status_code == 400
    assert bad.json() == {"code": "unknown_role", "message": "Unknown role.", "fields": bad.json()["fields"]}
    assert "role" in bad.json()["fields"]
    missing = staff_api(staff).put("/api/v1/staff/users/999999/roles/buyer/")
    assert missing.status_code == 404 and missing.json()["code"] == "user_not_found"
    assert user_roles(type(person).objects.get(pk=person.pk)) == ["buyer"]  # nothing written
