import warnings
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_api_root_lists_entry_points():
    response = APIClient().get("/api/v1/")
    assert response.status_code == 200
    assert {"me", "token", "schema", "docs"} <= set(response.json())


def test_me_requires_authentication():
    assert APIClient().get("/api/v1/me/").status_code in (401, 403)


def test_token_authentication(make_user):
    user = make_user("studio", "buyer", password="a sturdy pass phrase 42")
    client = APIClient()
    credentials = {"username": "studio", "password": "a sturdy pass phrase 42"}
    response = client.post("/api/v1/auth/token/", credentials)
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=user).key == token
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/").json()
    assert me["username"] == "studio" and me["roles"] == ["buyer"]
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/v1/me/").status_code == 401


def test_session_authentication(client, make_user):
    make_user("ana", "seller", password="a sturdy pass phrase 42")
    client.login(username="ana", password="a sturdy pass phrase 42")
    assert client.get("/api/v1/me/").json()["roles"] == ["seller"]


def test_openapi_schema_generates_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.settings import patched_settings

    from marketplace.api.schema import SCHEMA_SETTINGS, MarketSchemaGenerator

    GENERATOR_STATS.reset()
    with warnings.catch_warnings(), patched_settings(SCHEMA_SETTINGS):
        warnings.simplefilter("error")
        schema = MarketSchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache, f"schema warnings: {list(GENERATOR_STATS._warn_cache)}"
    assert not GENERATOR_STATS._error_cache, f"schema errors: {list(GENERATOR_STATS._error_cache)}"
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]
    assert "/api/schema/" not in schema["paths"]  # the plugin's own endpoints only


def test_schema_and_docs_are_served_without_a_cdn(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get(reverse("face_market:api-docs")).content.decode()
    assert "cdn.jsdelivr" not in docs and "unpkg.com" not in docs
    assert "/static/drf_spectacular_sidecar/" in docs


def test_healthz_reports_each_part(client):
    call_command("face_market_schedule", "--once", stdout=StringIO())  # the schedule has run
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "storage", "schedule"}
    assert all(check["status"] == "ok" for check in body["checks"].values())


def test_healthz_reports_a_broken_part_without_leaking_details(client, settings, monkeypatch):
    from marketplace import health

    def broken():
        raise ConnectionError("redis://:s3cret@10.0.0.1 refused")

    monkeypatch.setitem(health.CHECKS, "broker", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["broker"] == {"status": "error", "detail": "ConnectionError"}
    assert "s3cret" not in response.content.decode()


def test_pages_do_not_reference_external_assets(client):
    html = client.get("/").content.decode()
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
