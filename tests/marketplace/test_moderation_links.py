"""The way in to moderation: links on a listing's page and the role navigation."""

from __future__ import annotations

import importlib

import pytest
from django.urls import NoReverseMatch, reverse

from kernel import links

pytestmark = pytest.mark.django_db


def test_a_listing_page_offers_report_and_claim_to_others_but_not_to_its_seller(
    client, published_listing, buyer
):
    detail = reverse("listings:detail", args=[published_listing.pk])
    report = reverse("marketplace:report_listing", args=[published_listing.pk])
    claim = reverse("marketplace:face_claim", args=[published_listing.pk])
    for user in (None, buyer):
        if user is not None:
            client.force_login(user)
        html = client.get(detail).content.decode()
        assert f'href="{report}" id="report-listing"' in html and f'href="{claim}" id="claim-face"' in html
    client.force_login(published_listing.seller)
    html = client.get(detail).content.decode()
    assert 'id="report-listing"' not in html and 'id="claim-face"' not in html


def test_the_links_are_left_out_where_moderation_is_not_installed(published_listing, buyer, monkeypatch):
    catalogue = importlib.import_module("listings.views.catalogue")  # the module, not the view of that name
    # what a host that installed listings without the deal sees: no app lent these links
    monkeypatch.setattr(links, "_LINKS", {})
    assert catalogue._moderation_urls(buyer, published_listing) == {}

    def reverse_without_moderation(*args, **kwargs):
        raise NoReverseMatch("marketplace:report_listing")

    # a lent link whose page is not mounted is left out too
    links.link_register("listing.report", reverse_without_moderation)
    assert "report_url" not in catalogue._moderation_urls(buyer, published_listing)


def test_navigation_leads_sellers_to_their_cases_and_moderators_to_the_audit_log(client, make_user):
    seller, moderator = make_user("nav_seller", "seller"), make_user("nav_mod", "moderator")
    client.force_login(seller)
    html = client.get(reverse("marketplace:home")).content.decode()
    assert f'href="{reverse("marketplace:moderation_mine")}" data-role="seller"' in html
    assert reverse("marketplace:moderation_audit") not in html
    client.force_login(moderator)
    html = client.get(reverse("marketplace:home")).content.decode()
    assert f'href="{reverse("marketplace:moderation_audit")}" data-role="moderator"' in html
