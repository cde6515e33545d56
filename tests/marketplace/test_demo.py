import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from listings.models import Listing
from marketplace.selectors import user_roles
from verification.models import ProtectedPerson
from verification.selectors import seller_is_verified

pytestmark = [pytest.mark.django_db, pytest.mark.faces]


def test_demo_loads_a_really_verified_seller_listings_and_logins(settings, capsys, tmp_media):
    settings.DEBUG = True
    call_command("demo")
    call_command("demo")  # repeatable
    out = capsys.readouterr().out
    User = get_user_model()
    for username, role in [
        ("demo_seller", "seller"),
        ("demo_buyer", "buyer"),
        ("demo_moderator", "moderator"),
    ]:
        user = User.objects.get(username=username)
        assert role in user_roles(user)
        assert user.check_password("demo-pass-2026")
        assert username in out
    seller = User.objects.get(username="demo_seller")
    assert seller_is_verified(seller)
    published = Listing.objects.filter(seller=seller, status="published")
    assert set(published.values_list("tier__slug", flat=True)) == {
        "extra",
        "featured",
        "supporting",
        "lead",
        "star",
    }
    assert not Listing.objects.filter(seller__username="demo_seller_unverified", status="published").exists()
    assert ProtectedPerson.objects.filter(name="Barack Obama").count() == 1
    assert "verified by the real liveness flow: yes" in out


def test_demo_is_refused_outside_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo")
    assert not get_user_model().objects.filter(username__startswith="demo_").exists()
