"""The standalone site sends HSTS outside DEBUG (on HTTPS responses; browsers ignore it over HTTP)."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_hsts_is_on_outside_debug_for_a_year():
    assert not settings.DEBUG
    assert settings.SECURE_HSTS_SECONDS == 31_536_000


def test_an_https_response_carries_strict_transport_security(client):
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/accounts/login/")
