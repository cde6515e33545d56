"""Password guessing stops: after a few wrong passwords the right one is refused too, for a while,
on the site's login page and on the API token endpoint, with a message that says so."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-123"  # make_user's password


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def victim(make_user):
    user = make_user("victim", "buyer")
    user.set_password(PASSWORD)
    user.save()
    return user


def _login_field(user) -> str:
    return user.get_username()


def test_the_login_page_refuses_even_the_right_password_after_five_wrong_ones(client, victim, settings):
    settings.LANGUAGE_CODE = "en"
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": _login_field(victim), "password": "wrong"})
        assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post("/accounts/login/", {"username": _login_field(victim), "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Too many failed log-in attempts" in response.content.decode()


def test_a_right_password_before_the_limit_logs_in_and_resets_the_count(client, victim):
    for _ in range(4):
        client.post("/accounts/login/", {"username": _login_field(victim), "password": "wrong"})
    response = client.post("/accounts/login/", {"username": _login_field(victim), "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(victim.pk)


def test_the_lockout_is_per_account_other_accounts_still_log_in(client, victim, make_user):
    other = make_user("other", "buyer")
    other.set_password(PASSWORD)
    other.save()
    for _ in range(6):
        client.post("/accounts/login/", {"username": _login_field(victim), "password": "wrong"})
    response = client.post("/accounts/login/", {"username": _login_field(other), "password": PASSWORD})
    assert response.status_code == 302


def test_one_address_guessing_across_many_accounts_is_stopped(client, victim, settings):
    settings.FACE_MARKET = {**settings.FACE_MARKET, "LOGIN_FAILURES_PER_ADDRESS": 3}
    for n in range(3):
        client.post("/accounts/login/", {"username": f"nobody{n}@example.com", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": _login_field(victim), "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_the_token_endpoint_answers_429_with_the_error_body_after_five_wrong_passwords(victim):
    api = APIClient()
    for _ in range(5):
        response = api.post("/api/v1/auth/token/", {"username": _login_field(victim), "password": "wrong"})
        assert response.status_code == 400
    response = api.post("/api/v1/auth/token/", {"username": _login_field(victim), "password": PASSWORD})
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled" and "Too many failed log-in attempts" in body["message"]
    assert int(response["Retry-After"]) > 0


def test_the_token_endpoint_issues_a_token_for_the_right_password(victim):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": _login_field(victim), "password": PASSWORD}
    )
    assert response.status_code == 200 and response.json()["token"]
