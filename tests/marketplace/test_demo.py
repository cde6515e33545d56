import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from marketplace.selectors import user_roles

pytestmark = pytest.mark.django_db


def test_demo_creates_one_login_per_role_and_is_repeatable(settings, capsys):
    settings.DEBUG = True
    call_command("demo")
    call_command("demo")
    out = capsys.readouterr().out
    User = get_user_model()
    expected = [("demo_seller", "seller"), ("demo_buyer", "buyer"), ("demo_moderator", "moderator")]
    for username, role in expected:
        user = User.objects.get(username=username)
        assert role in user_roles(user)
        assert user.check_password("demo-pass-2026")
        assert username in out
    assert User.objects.filter(username__startswith="demo_").count() == 3


def test_demo_is_refused_outside_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo")
    assert not get_user_model().objects.filter(username__startswith="demo_").exists()
