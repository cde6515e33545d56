"""How many published listings each catalogue filter option has, cached (``listings.catalogue_cache``).

At 100k listings these are GROUP BYs over the whole catalogue and its facet rows, far costlier than the
page itself, yet they change only when a listing does: computed once per catalogue version.
"""

from __future__ import annotations

from django.db.models import Count

from ..catalogue_cache import catalogue_cached
from ..models import FacetKind, Listing, ListingFacet
from ..state import ListingStatus


def _facet_counts() -> dict[str, dict[str, int]]:
    published = Listing.objects.filter(status=ListingStatus.PUBLISHED)
    counts: dict[str, dict[str, int]] = {"tier": {}, FacetKind.LANGUAGE: {}, FacetKind.CATEGORY: {}}
    for slug, count in published.order_by().values_list("tier__slug").annotate(n=Count("pk")):
        counts["tier"][slug] = count
    facets = (
        ListingFacet.objects.filter(
            listing__status=ListingStatus.PUBLISHED, kind__in=[FacetKind.LANGUAGE, FacetKind.CATEGORY]
        )
        .order_by()
        .values_list("kind", "value")
        .annotate(n=Count("pk"))
    )
    for kind, value, count in facets:
        counts[str(kind)][value] = count
    return counts


def catalogue_facet_counts() -> dict[str, dict[str, int]]:
    """Published listings per tier slug, language code and allowed-use category code."""
    return catalogue_cached("facets", _facet_counts)
