"""The public catalogue: published listings, searched, filtered and sorted on indexed columns.

Full-text search on PostgreSQL matches ``to_tsvector('simple', search_document)`` against a
``websearch`` query, served by the GIN expression index of migration 0002 (the expression here
must stay identical to the index's). Other databases fall back to ``icontains`` per word.
The 'simple' configuration does not stem: it treats Chinese and English alike, word by word.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connections
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from ..models import FacetKind, Listing, ListingFacet
from ..search_words import cjk_segment
from ..state import ListingStatus

SEARCH_CONFIG = "simple"
SEARCH_MAX_CHARS = 200


class Sort:
    NEWEST = "newest"
    PRICE = "price"
    PRICE_DESC = "price_desc"
    POPULAR = "popular"
    CHOICES = (NEWEST, PRICE, PRICE_DESC, POPULAR)


# each order matches a partial index of Listing.Meta (ties broken by id so pages never overlap)
ORDERINGS = {
    Sort.NEWEST: (F("published_at").desc(), F("id").desc()),
    Sort.PRICE: (F("annual_price_minor").asc(nulls_last=True), F("id").asc()),
    # price on request sorts above every price from high to low: Star listings cost the most
    Sort.PRICE_DESC: (F("annual_price_minor").desc(nulls_first=True), F("id").desc()),
    Sort.POPULAR: (F("popularity").desc(), F("id").desc()),
}


@dataclass(frozen=True)
class CatalogueFilters:
    q: str = ""
    tiers: tuple[str, ...] = ()  # tier slugs, any of
    price_min_minor: int | None = None
    price_max_minor: int | None = None
    tags: tuple[str, ...] = ()  # all of
    languages: tuple[str, ...] = ()  # any of
    use_categories: tuple[str, ...] = ()  # all of: each must be allowed by the terms
    exclusivity_available: bool | None = None
    verified_from: date | None = None  # face verified on or after
    verified_until: date | None = None  # face verified on or before
    sort: str = Sort.NEWEST


def catalogue_base() -> QuerySet[Listing]:
    return (
        Listing.objects.filter(status=ListingStatus.PUBLISHED)
        .select_related("tier", "profile", "cover_photo")
        .defer("search_document", "profile__bio")
    )


def _facet(kind: str, values) -> Exists:
    lookup = {"value__in": list(values)} if not isinstance(values, str) else {"value": values}
    return Exists(ListingFacet.objects.filter(listing=OuterRef("pk"), kind=kind, **lookup))


def _day_start(day: date) -> datetime:
    # a range on the raw column keeps the index usable (a __date lookup would wrap it in a function)
    return timezone.make_aware(datetime.combine(day, time.min))


def catalogue_search_filter(queryset: QuerySet[Listing], filters: CatalogueFilters) -> QuerySet[Listing]:
    q = " ".join(cjk_segment(filters.q[:SEARCH_MAX_CHARS]).split())
    if q:
        if connections[queryset.db].vendor == "postgresql":
            # imported here: django.contrib.postgres needs a PostgreSQL driver, which a SQLite host lacks
            from django.contrib.postgres.search import SearchQuery, SearchVector

            queryset = queryset.alias(
                search_vector=SearchVector("search_document", config=SEARCH_CONFIG)
            ).filter(search_vector=SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch"))
        else:
            for word in q.split():
                queryset = queryset.filter(search_document__icontains=word.strip('"'))
    if filters.tiers:
        queryset = queryset.filter(tier__slug__in=filters.tiers)
    if filters.price_min_minor is not None:
        queryset = queryset.filter(annual_price_minor__gte=filters.price_min_minor)
    if filters.price_max_minor is not None:
        queryset = queryset.filter(annual_price_minor__lte=filters.price_max_minor)
    for tag in filters.tags:
        queryset = queryset.filter(_facet(FacetKind.TAG, tag))
    if filters.languages:
        queryset = queryset.filter(_facet(FacetKind.LANGUAGE, filters.languages))
    for category in filters.use_categories:
        queryset = queryset.filter(_facet(FacetKind.CATEGORY, category))
    if filters.exclusivity_available is not None:
        queryset = queryset.filter(exclusivity_available=filters.exclusivity_available)
    if filters.verified_from:
        queryset = queryset.filter(seller_verified_at__gte=_day_start(filters.verified_from))
    if filters.verified_until:
        queryset = queryset.filter(
            seller_verified_at__lt=_day_start(filters.verified_until + timedelta(days=1))
        )
    return queryset.order_by(*ORDERINGS.get(filters.sort, ORDERINGS[Sort.NEWEST]))


def catalogue_search(filters: CatalogueFilters) -> QuerySet[Listing]:
    """Published listings matching ``filters``, in the requested order (lazy: paginate it)."""
    return catalogue_search_filter(catalogue_base(), filters)
