"""Fixtures of the trust tests (on top of tests/marketplace/conftest.py): a paid licence bought
through the real purchase flow, a generation tool's account, API clients."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from ..purchase_helpers import key, pay, scope_for


@pytest.fixture(autouse=True)
def fresh_signing_keys():
    """Each test's database starts without keys: drop the process's cached copy of earlier ones."""
    from marketplace.trust.keys import keys_cache_clear

    keys_cache_clear()
    yield
    keys_cache_clear()


@pytest.fixture
def buy(buyer, django_capture_on_commit_callbacks):
    """Buy a licence to ``listing`` through the sandbox; the trust hooks run on commit, as in production."""
    from marketplace.models import Licence
    from marketplace.services import order_create

    def buy_licence(listing, buyer_user=None, **scope):
        order = order_create(
            buyer=buyer_user or buyer,
            listing_id=listing.pk,
            scope=scope_for(listing, **scope),
            checkout_key=key(),
        )
        pay(order, capture=django_capture_on_commit_callbacks)
        return Licence.objects.get(reference=order.reference)

    return buy_licence


@pytest.fixture
def licence(buy, published_listing):
    return buy(published_listing)


@pytest.fixture
def platform(make_user):
    """A generation tool's account: holds ``check_consent``, no marketplace role."""
    from django.contrib.auth.models import Permission

    user = make_user("genai_tool")
    user.user_permissions.add(Permission.objects.get(codename="check_consent"))
    return user


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client
