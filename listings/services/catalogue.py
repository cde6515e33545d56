"""The catalogue projection of a listing: search document, facets, exclusivity flag, popularity.

Listings are denormalised for the catalogue so one indexed table answers every filter; these
services rewrite that projection whenever what it is built from changes (listing, terms, profile,
exclusivity claims). Every write service that touches those calls :func:`listing_catalogue_refresh`.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import translation

from ..catalogue_cache import catalogue_cache_invalidate
from ..labels import tier_name
from ..models import FacetKind, Listing, ListingFacet
from ..search_words import cjk_segment
from ..selectors.exclusivity import exclusivity_held
from ..vocabulary import Exclusivity, Language, UseCategory

SEARCH_DOCUMENT_MAX_CHARS = 8_000


def _labels(choices, codes) -> list[str]:
    labels = []
    for code in codes:
        try:
            labels.append(str(choices(code).label))
        except ValueError:
            labels.append(code)
    return labels


def _search_document(listing: Listing) -> str:
    profile = listing.profile
    terms = listing.current_terms
    categories = terms.use_categories if terms else []
    parts = [
        listing.title,
        listing.description,
        listing.tier.name,
        profile.display_name,
        profile.bio,
        " ".join(profile.tags),
        " ".join(profile.languages),
        " ".join(_labels(Language, profile.languages)),
        " ".join(categories).replace("_", " "),
        " ".join(_labels(UseCategory, categories)),
    ]
    # the Chinese words too, whatever language the seller wrote in: 演员 finds an extra (群众演员)
    with translation.override("zh-hans"):
        parts += [
            tier_name(listing.tier),
            " ".join(_labels(Language, profile.languages)),
            " ".join(_labels(UseCategory, categories)),
        ]
    return cjk_segment("\n".join(p for p in parts if p))[:SEARCH_DOCUMENT_MAX_CHARS]


def _exclusivity_available(listing: Listing) -> bool:
    terms = listing.current_terms
    if terms is None:
        return False
    offered = set(terms.exclusivity_factors_bps) - {Exclusivity.NONE}
    if not offered:
        return False
    held = exclusivity_held(listing)  # sold claims and open checkouts' reservations
    claimed = held.exclusive | held.shared
    if "*" in held.exclusive:  # fully exclusive licence sold
        return False
    if Exclusivity.FULL in offered and not claimed:
        return True
    return Exclusivity.CATEGORY in offered and bool(set(terms.use_categories) - claimed)


@transaction.atomic
def listing_catalogue_refresh(*, listing: Listing) -> Listing:
    """Rewrite the listing's search document, facets and exclusivity flag from its current data."""
    listing = Listing.objects.select_related("profile", "tier", "current_terms").get(pk=listing.pk)
    profile = listing.profile
    terms = listing.current_terms
    wanted = {(FacetKind.TAG, tag) for tag in profile.tags}
    wanted |= {(FacetKind.LANGUAGE, code) for code in profile.languages}
    wanted |= {(FacetKind.CATEGORY, code) for code in (terms.use_categories if terms else [])}
    existing = set(ListingFacet.objects.filter(listing=listing).values_list("kind", "value"))
    stale = existing - wanted
    for kind, value in stale:
        ListingFacet.objects.filter(listing=listing, kind=kind, value=value).delete()
    ListingFacet.objects.bulk_create(
        [ListingFacet(listing=listing, kind=kind, value=value) for kind, value in sorted(wanted - existing)]
    )
    Listing.objects.filter(pk=listing.pk).update(
        search_document=_search_document(listing), exclusivity_available=_exclusivity_available(listing)
    )
    listing.refresh_from_db()
    transaction.on_commit(catalogue_cache_invalidate)
    return listing


def listing_exclusivity_flag_refresh(*, listing: Listing, popularity_points: int = 0) -> None:
    """Only the exclusivity flag (and a sale's popularity) after claims changed: the search document
    and facets are not built from claims, so a sale does not rebuild them. ``listing`` must carry its
    ``current_terms``; one UPDATE, and only when something changes."""
    available = _exclusivity_available(listing)
    values: dict = {"popularity": F("popularity") + popularity_points} if popularity_points else {}
    if available != listing.exclusivity_available:
        values["exclusivity_available"] = available
        listing.exclusivity_available = available
        transaction.on_commit(catalogue_cache_invalidate)
    if values:
        Listing.objects.filter(pk=listing.pk).update(**values)


def listing_popularity_bump(*, listing_id: int, points: int = 1) -> None:
    """Add to a listing's popularity (a detail view: 1, a quote: 2, a sale: 20). Atomic in SQL."""
    Listing.objects.filter(pk=listing_id).update(popularity=F("popularity") + points)
