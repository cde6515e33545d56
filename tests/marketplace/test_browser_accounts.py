"""Sign up, log out, log in and switch language in headless Chromium against the live server."""

import pytest
from django.contrib.auth import get_user_model

from marketplace.selectors import user_roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a sturdy pass phrase 42"


def test_sign_up_log_out_log_in_and_switch_language(page):
    page.goto("/")
    page.click("#nav-signup")
    page.check("input[name=role][value=seller]")
    page.fill("input[name=username]", "meilin")
    page.fill("input[name=email]", "meilin@example.test")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("#signup-form button[type=submit]")
    page.wait_for_selector(".nav-user")
    assert page.inner_text(".nav-user") == "meilin"
    assert page.is_visible('.nav-role[data-role="seller"]')
    assert user_roles(get_user_model().objects.get(username="meilin")) == ["seller"]

    page.click("#logout")
    page.wait_for_selector("#nav-login")
    page.click("#nav-login")
    page.fill("input[name=username]", "meilin")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector(".nav-user")

    assert page.inner_text("#home-title") == "License your face on your own terms"
    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    assert page.get_attribute("html", "lang") == "zh-hans"
    assert page.inner_text("#home-title") == "按你的条件授权你的面孔"
    assert page.inner_text("#logout") == "退出登录"
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.inner_text("#home-title") == "License your face on your own terms"


def test_wrong_password_shows_an_error(page, make_user):
    make_user("ana", password=PASSWORD)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", "wrong password")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector(".errorlist")
    assert page.locator(".nav-user").count() == 0
