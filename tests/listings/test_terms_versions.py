"""Licence terms are versioned: edits make a new version; a sold version never changes."""

import pytest
from django.db import IntegrityError, connection, transaction

from listings.errors import NotTheOwner, SoldTermsImmutable
from listings.models import LicenceTermsVersion
from listings.selectors import terms_version_current, terms_versions_of
from listings.services import (
    terms_version_create,
    terms_version_edit,
    terms_version_guard_unsold,
    terms_version_mark_sold,
)

pytestmark = pytest.mark.django_db


def test_a_new_listing_has_version_one_from_its_template(verified_seller, make_listing, templates):
    listing = make_listing(verified_seller, terms={"max_duration_months": 6})
    version = terms_version_current(listing)
    assert version.number == 1 and version.template == templates["lead-drama-advertising"]
    assert version.max_duration_months == 6  # the override
    assert version.use_categories == templates["lead-drama-advertising"].use_categories
    assert version.ai_training_allowed is False and version.sensitive_uses_allowed == []


def test_an_edit_makes_a_new_version_and_leaves_the_old_one(verified_seller, make_listing):
    listing = make_listing(verified_seller)
    v1 = terms_version_current(listing)
    v2 = terms_version_create(
        listing=listing, actor=verified_seller, terms={"max_duration_months": 3}, change_note="shorter"
    )
    assert v2.number == 2 and v2.max_duration_months == 3 and v2.change_note == "shorter"
    v1.refresh_from_db()
    assert v1.max_duration_months == 12
    listing.refresh_from_db()
    assert listing.current_terms == v2
    assert [v.number for v in terms_versions_of(listing)] == [2, 1]


def test_saving_identical_terms_makes_no_empty_version(verified_seller, make_listing):
    listing = make_listing(verified_seller)
    v1 = terms_version_current(listing)
    assert terms_version_create(listing=listing, actor=verified_seller, terms={}) == v1
    assert LicenceTermsVersion.objects.filter(listing=listing).count() == 1


def test_a_sold_version_is_frozen_and_an_edit_makes_the_next_one(published_listing, verified_seller):
    sold = terms_version_mark_sold(terms_version_current(published_listing))
    assert sold.is_sold
    stamp = sold.sold_at
    assert terms_version_mark_sold(sold).sold_at == stamp  # idempotent: the first sale dates it
    with pytest.raises(SoldTermsImmutable):
        terms_version_guard_unsold(sold)
    v2 = terms_version_edit(version=sold, actor=verified_seller, changes={"ai_training_allowed": True})
    assert v2.number == 2 and v2.ai_training_allowed and not v2.is_sold
    sold.refresh_from_db()
    assert sold.ai_training_allowed is False and sold.sold_at == stamp


def test_the_database_refuses_to_change_a_sold_version(published_listing):
    sold = terms_version_mark_sold(terms_version_current(published_listing))
    with pytest.raises(IntegrityError), transaction.atomic():
        LicenceTermsVersion.objects.filter(pk=sold.pk).update(max_duration_months=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        LicenceTermsVersion.objects.filter(pk=sold.pk).update(sold_at=None)
    if connection.vendor == "postgresql":  # SQLite keeps DELETE free for the test flush; see migration 0002
        with pytest.raises(IntegrityError), transaction.atomic():
            LicenceTermsVersion.objects.filter(pk=sold.pk).delete()
    sold.refresh_from_db()
    assert sold.max_duration_months == 12 and sold.is_sold


def test_an_unsold_version_can_still_be_stamped_sold(published_listing):
    version = terms_version_current(published_listing)
    LicenceTermsVersion.objects.filter(pk=version.pk).update(change_note="fine before any sale")
    assert terms_version_mark_sold(version).is_sold


def test_only_the_owner_edits_terms(published_listing, make_user):
    other = make_user("other_seller", "seller")
    with pytest.raises(NotTheOwner):
        terms_version_create(listing=published_listing, actor=other, terms={"max_duration_months": 1})


def test_bad_terms_write_nothing(verified_seller, make_listing):
    from django.core.exceptions import ValidationError

    listing = make_listing(verified_seller)
    with pytest.raises(ValidationError) as info:
        terms_version_create(
            listing=listing,
            actor=verified_seller,
            terms={"max_duration_months": 13, "use_categories": ["cooking_show"]},
        )
    assert set(info.value.message_dict) == {"max_duration_months", "use_categories"}
    assert LicenceTermsVersion.objects.filter(listing=listing).count() == 1
