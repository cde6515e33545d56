"""Catalogue pagination with a capped count.

Counting every match of a broad query is the costliest part of a catalogue page at 100k listings
(the page itself comes straight off an index). Like most large catalogues we count up to a cap
("1,000+ listings") and let people narrow the search instead of paging past it.
"""

from __future__ import annotations

from collections import OrderedDict

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from listings.catalogue_cache import catalogue_cached, query_cache_name
from listings.conf import listings_settings

CATALOGUE_COUNT_CAP = 1_000
MAX_PAGE_SIZE = 100
#: query parameters that do not change how many listings match
COUNT_IGNORES = ("page", "page_size", "sort", "format")


class CappedPaginator(Paginator):
    cap = CATALOGUE_COUNT_CAP
    #: set by the catalogue (a name for its filters): the count is then cached per catalogue version
    count_cache_name: str = ""

    @cached_property
    def count(self) -> int:
        # no ORDER BY and no joins: any cap+1 matching ids will do to know whether there are more
        def capped() -> int:
            return self.object_list.order_by().values("pk")[: self.cap + 1].count()

        return catalogue_cached(self.count_cache_name, capped) if self.count_cache_name else capped()

    @property
    def count_capped(self) -> bool:
        return self.count > self.cap


class CataloguePagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        self.page_size = int(listings_settings.CATALOGUE_PAGE_SIZE)
        return super().get_page_size(request)

    def django_paginator_class(self, *args, **kwargs):  # DRF calls this attribute to build one
        paginator = CappedPaginator(*args, **kwargs)
        paginator.count_cache_name = query_cache_name(
            "count", self.request.query_params, ignore=COUNT_IGNORES
        )
        return paginator

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            OrderedDict(
                [
                    ("count", min(paginator.count, paginator.cap)),
                    ("count_is_capped", paginator.count_capped),
                    ("next", self.get_next_link()),
                    ("previous", self.get_previous_link()),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_is_capped"] = {
            "type": "boolean",
            "description": f"True when more than {CATALOGUE_COUNT_CAP} listings match.",
        }
        return response
