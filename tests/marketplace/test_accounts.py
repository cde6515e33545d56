import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from kernel.roles import Role, role_group_name
from marketplace.selectors import user_has_role, user_roles
from marketplace.services import role_groups_sync, user_signup

pytestmark = pytest.mark.django_db
PASSWORD = "a sturdy pass phrase 42"


def test_role_groups_exist_after_migrate_with_their_permissions():
    for role in Role:
        group = Group.objects.get(name=role_group_name(role))
        assert group.permissions.count() == 1
    moderator = Group.objects.get(name=role_group_name(Role.MODERATOR))
    assert moderator.permissions.get().codename == "moderate"


def test_role_groups_sync_is_idempotent():
    role_groups_sync()
    role_groups_sync()
    assert Group.objects.filter(name__startswith="face_market:").count() == 3


def test_signup_service_grants_exactly_the_chosen_role():
    user = user_signup(username="lin", email="lin@example.test", password=PASSWORD, role="seller")
    assert user_roles(user) == ["seller"]
    assert user.check_password(PASSWORD)
    assert not user_has_role(user, "moderator")


def test_moderator_cannot_be_chosen_at_signup():
    with pytest.raises(ValueError):
        user_signup(username="sneaky", email="s@example.test", password=PASSWORD, role="moderator")
    assert not get_user_model().objects.filter(username="sneaky").exists()


def test_signup_page_creates_buyer_and_logs_in(client):
    response = client.post(
        reverse("marketplace:signup"),
        {
            "role": "buyer",
            "username": "studio",
            "email": "studio@example.test",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="studio")
    assert user_roles(user) == ["buyer"]
    home = client.get(reverse("marketplace:home"))
    assert home.context["user"] == user
    assert 'data-role="buyer"' in home.content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"role": "moderator"}, "role"),
        ({"password2": "different pass phrase 42"}, "password2"),
        ({"password1": "123", "password2": "123"}, "password1"),
        ({"email": "not-an-email"}, "email"),
        ({"username": ""}, "username"),
    ],
)
def test_signup_page_rejects_bad_input_and_writes_nothing(client, data, field):
    form = {
        "role": "seller",
        "username": "newbie",
        "email": "n@example.test",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **data,
    }
    response = client.post(reverse("marketplace:signup"), form)
    assert response.status_code == 200
    assert field in response.context["form"].errors or response.context["form"].non_field_errors()
    assert not get_user_model().objects.filter(username="newbie").exists()


def test_signup_rejects_taken_username_case_insensitively(client, make_user):
    make_user("Taken")
    response = client.post(
        reverse("marketplace:signup"),
        {
            "role": "seller",
            "username": "taken",
            "email": "t@example.test",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert "username" in response.context["form"].errors


def test_signup_page_requires_csrf(make_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("marketplace:signup"), {"role": "buyer", "username": "x"})
    assert response.status_code == 403


def test_login_and_logout(client, make_user):
    make_user("ana", "seller", password=PASSWORD)
    response = client.post(reverse("login"), {"username": "ana", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("marketplace:home")).context["user"].username == "ana"
    assert client.post(reverse("logout")).status_code == 302
    assert not client.get(reverse("marketplace:home")).context["user"].is_authenticated


def test_login_with_wrong_password_fails(client, make_user):
    make_user("ana", password=PASSWORD)
    response = client.post(reverse("login"), {"username": "ana", "password": "wrong"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated


def test_password_reset_sends_a_working_link(client, make_user):
    make_user("ana", password=PASSWORD)
    client.post(reverse("password_reset"), {"email": "ana@example.test"})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    new = "another sturdy phrase 77"
    response = client.post(response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert client.login(username="ana", password=new)


def test_password_reset_for_unknown_email_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.test"})
    assert response.status_code == 302  # same answer either way: no account enumeration
    assert mail.outbox == []


def test_navigation_shows_each_role_only_its_entries(client, make_user):
    make_user("mod", "moderator", password=PASSWORD)
    client.login(username="mod", password=PASSWORD)
    html = client.get(reverse("marketplace:home")).content.decode()
    assert 'data-role="moderator"' in html
    assert 'data-role="seller"' not in html
