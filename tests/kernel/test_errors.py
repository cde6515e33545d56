"""One error body for every API error: ``{code, message, fields}``, JSON even for a 500."""

from __future__ import annotations

import pytest
from django.urls import path
from rest_framework.test import APIClient

from kernel.api import PluginAPIView
from kernel.errors import Conflict

pytestmark = pytest.mark.django_db


class Boom(PluginAPIView):
    permission_classes = []

    def get(self, request):
        raise KeyError("a bug")

    def post(self, request):
        raise Conflict("Not now.", code="not_now")


urlpatterns = [path("boom/", Boom.as_view())]


def body_keys(response) -> set:
    return set(response.json())


def test_an_unexpected_error_is_a_json_500_with_the_one_body(settings):
    settings.ROOT_URLCONF = __name__
    client = APIClient(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "server_error" and "a bug" not in response.content.decode()
    conflict = client.post("/boom/")
    assert conflict.status_code == 409 and conflict.json() == {
        "code": "not_now",
        "message": "Not now.",
        "fields": {},
    }


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/api/v1/licences/", 401),
        ("get", "/api/v1/listings/catalogue/999999/", 404),
        ("post", "/api/v1/listings/catalogue/abc/quote/", 404),
        ("delete", "/api/v1/me/", 401),
        ("post", "/api/v1/orders/", 401),
    ],
)
def test_every_refusal_has_the_one_body(method, url, status):
    response = getattr(APIClient(), method)(url, {}, format="json")
    assert response.status_code == status, response.content
    assert body_keys(response) == {"code", "message", "fields"}


def test_bad_input_names_its_fields(buyer):
    client = APIClient()
    client.force_authenticate(buyer)
    response = client.post("/api/v1/orders/", {"listing": "x"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input" and {"listing", "scope", "checkout_key"} <= set(body["fields"])


def test_the_schema_documents_the_error_body():
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {"code", "message", "fields"}
    operation = schema["paths"]["/api/v1/orders/"]["post"]
    for code in ("400", "401", "403", "409"):
        assert operation["responses"][code]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/Error"
        )
