"""Refusals a seller reads name things in words: a move by its label and status, a photo by what to do."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from listings.errors import TransitionRefused
from listings.models import PortfolioPhoto
from listings.services import listing_transition, portfolio_photo_add
from listings.state import ListingAction

from .conftest import photo_bytes

pytestmark = pytest.mark.django_db


def test_a_refused_move_names_the_action_and_the_status_in_words(verified_seller, make_listing):
    listing = make_listing(verified_seller)  # a draft
    with pytest.raises(TransitionRefused) as info:
        listing_transition(listing=listing, action=ListingAction.PAUSE, actor=verified_seller)
    assert str(info.value.message) == "“Pause” is not possible while the status is “Draft”."


def test_a_photo_before_verification_says_to_verify_first(seller, faces, make_profile):
    make_profile(seller)
    with pytest.raises(ValidationError) as info:
        portfolio_photo_add(user=seller, data=photo_bytes())
    assert info.value.code == "no_template"
    message = info.value.messages[0]
    assert message.startswith("Verify your face first") and "no_template" not in message
    assert not PortfolioPhoto.objects.exists()
