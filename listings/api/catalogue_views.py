"""Public part of the listings API: tiers, the catalogue, quotes, and price-on-request asks."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # a non-numeric id is a 404, not a 500
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from kernel.api import PluginAPIMixin

from ..filters import CatalogueFilterSet
from ..pagination import CataloguePagination
from ..selectors import listing_quote, tiers_offered
from ..selectors.catalogue import catalogue_base
from ..services import listing_popularity_bump, quote_request_create
from .permissions import IsBuyer
from .serializers import (
    CatalogueListingSerializer,
    ListingDetailSerializer,
    QuoteRequestCreateSerializer,
    QuoteRequestSerializer,
    QuoteScopeSerializer,
    QuoteSerializer,
    TierSerializer,
)

QUOTE_POPULARITY_POINTS = 1


class TierViewSet(PluginAPIMixin, viewsets.ReadOnlyModelViewSet):
    """The tiers, from the background extra to the star whose price is on request."""

    permission_classes = [AllowAny]
    serializer_class = TierSerializer
    lookup_field = "slug"
    pagination_class = None

    def get_queryset(self):
        return tiers_offered()


class CatalogueViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    PluginAPIMixin,
    viewsets.GenericViewSet,
):
    """Published listings: full-text search (``q``), filters, sorting and pages. Public."""

    permission_classes = [AllowAny]
    filter_backends = [DjangoFilterBackend]
    filterset_class = CatalogueFilterSet
    pagination_class = CataloguePagination

    def get_queryset(self):
        # cards need no terms; a single listing shows them
        return catalogue_base() if self.action == "list" else catalogue_base().select_related("current_terms")

    def get_serializer_class(self):
        return CatalogueListingSerializer if self.action == "list" else ListingDetailSerializer

    @extend_schema(
        request=QuoteScopeSerializer,
        responses={
            200: QuoteSerializer,
            400: OpenApiResponse(description="The scope is outside the licence terms."),
            409: OpenApiResponse(description="Price on request, or exclusivity already sold over the scope."),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[AllowAny])
    def quote(self, request, pk=None):
        """Price a usage scope on this listing's current terms, line by line, to the fen."""
        listing = get_object_or_404(catalogue_base().select_related("current_terms"), pk=pk)
        scope = QuoteScopeSerializer(data=request.data)
        scope.is_valid(raise_exception=True)
        result = listing_quote(listing=listing, scope=scope.validated_data)
        listing_popularity_bump(listing_id=listing.pk, points=QUOTE_POPULARITY_POINTS)
        return Response(QuoteSerializer(result).data)

    @extend_schema(request=QuoteRequestCreateSerializer, responses={201: QuoteRequestSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="quote-requests",
        permission_classes=[IsAuthenticated, IsBuyer],
    )
    def quote_request(self, request, pk=None):
        """Ask the seller of a price-on-request (Star) listing to quote a scope."""
        listing = get_object_or_404(catalogue_base().select_related("current_terms"), pk=pk)
        body = QuoteRequestCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        created = quote_request_create(
            buyer=request.user,
            listing=listing,
            scope=body.validated_data["scope"],
            message=body.validated_data.get("message", ""),
        )
        return Response(QuoteRequestSerializer(created).data, status=status.HTTP_201_CREATED)
