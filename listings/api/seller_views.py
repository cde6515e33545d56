"""The seller's side of the listings API: own listings, terms versions, profile, photos, quotes."""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # a bad id is a 404, not a 500
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from kernel.api import PluginAPIMixin, PluginAPIView

from ..models import LicenceTermsTemplate, PortfolioPhoto, QuoteRequest, SellerProfile
from ..selectors import listings_of_seller, terms_versions_of
from ..services import (
    listing_create,
    listing_transition,
    listing_update,
    portfolio_photo_add,
    portfolio_photo_remove,
    quote_request_answer,
    quote_request_decline,
    quote_request_withdraw,
    seller_profile_upsert,
    terms_version_create,
)
from ..state import ListingAction
from .permissions import IsListingOwner, IsSeller
from .serializers import (
    ListingPhotoSerializer,
    ListingPhotoUploadSerializer,
    QuoteAnswerSerializer,
    QuoteRequestSerializer,
    SellerListingSerializer,
    SellerListingWriteSerializer,
    SellerProfileSerializer,
    TermsVersionSerializer,
    TermsWriteSerializer,
    TransitionSerializer,
)


def _own_photo(user, public_id) -> PortfolioPhoto | None:
    if public_id is None:
        return None
    return get_object_or_404(PortfolioPhoto, public_id=public_id, profile__user=user)


def _template(slug: str | None) -> LicenceTermsTemplate | None:
    return get_object_or_404(LicenceTermsTemplate, slug=slug, is_active=True) if slug else None


class SellerListingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    PluginAPIMixin,
    viewsets.GenericViewSet,
):
    """The signed-in seller's own listings, in every status. Other sellers' listings are 404 here."""

    permission_classes = [IsAuthenticated, IsSeller, IsListingOwner]
    serializer_class = SellerListingSerializer

    def get_queryset(self):
        return listings_of_seller(self.request.user).select_related("profile", "cover_photo")

    @extend_schema(request=SellerListingWriteSerializer, responses={201: SellerListingSerializer})
    def create(self, request, *args, **kwargs):
        body = SellerListingWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        listing = listing_create(
            seller=request.user,
            tier=data["tier"],
            title=data["title"],
            description=data.get("description", ""),
            annual_price_minor=data.get("annual_price_minor"),
            cover_photo=_own_photo(request.user, data.get("cover_photo")),
            template=_template(data.get("template")),
            terms=data.get("terms"),
        )
        return Response(SellerListingSerializer(listing).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SellerListingWriteSerializer(partial=True), responses=SellerListingSerializer)
    def partial_update(self, request, *args, **kwargs):
        listing = self.get_object()
        body = SellerListingWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        changes = {k: v for k, v in body.validated_data.items() if k not in {"template", "terms"}}
        if "cover_photo" in changes:
            changes["cover_photo"] = _own_photo(request.user, changes["cover_photo"])
        listing = listing_update(listing=listing, actor=request.user, **changes)
        return Response(SellerListingSerializer(listing).data)

    def _transition(self, request, action_name: str):
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        listing = listing_transition(
            listing=self.get_object(),
            action=action_name,
            actor=request.user,
            reason=body.validated_data.get("reason", ""),
        )
        return Response(SellerListingSerializer(listing).data)

    @extend_schema(request=TransitionSerializer, responses=SellerListingSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Put the listing on sale (needs a verified face)."""
        return self._transition(request, ListingAction.PUBLISH)

    @extend_schema(request=TransitionSerializer, responses=SellerListingSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        return self._transition(request, ListingAction.PAUSE)

    @extend_schema(request=TransitionSerializer, responses=SellerListingSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._transition(request, ListingAction.WITHDRAW)

    @extend_schema(methods=["get"], responses=TermsVersionSerializer(many=True))
    @extend_schema(methods=["post"], request=TermsWriteSerializer, responses={201: TermsVersionSerializer})
    @action(detail=True, methods=["get", "post"])
    def terms(self, request, pk=None):
        """Every terms version (newest first); POST makes a new version (sold versions never change)."""
        listing = self.get_object()
        if request.method == "GET":
            return Response(TermsVersionSerializer(terms_versions_of(listing), many=True).data)
        body = TermsWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = terms_version_create(
            listing=listing,
            actor=request.user,
            terms=body.validated_data.get("terms"),
            template=_template(body.validated_data.get("template")),
            change_note=body.validated_data.get("change_note", ""),
        )
        return Response(TermsVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class SellerProfileView(PluginAPIView):
    """The signed-in seller's public profile."""

    permission_classes = [IsAuthenticated, IsSeller]

    @extend_schema(responses=SellerProfileSerializer)
    def get(self, request):
        profile = get_object_or_404(SellerProfile, user=request.user)
        return Response(SellerProfileSerializer(profile).data)

    @extend_schema(request=SellerProfileSerializer, responses=SellerProfileSerializer)
    def put(self, request):
        body = SellerProfileSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        profile = seller_profile_upsert(user=request.user, **body.validated_data)
        return Response(SellerProfileSerializer(profile).data)


class PortfolioPhotoViewSet(
    mixins.ListModelMixin,
    mixins.DestroyModelMixin,
    PluginAPIMixin,
    viewsets.GenericViewSet,
):
    """The seller's portfolio photos; each must match their verified face."""

    permission_classes = [IsAuthenticated, IsSeller, IsListingOwner]
    serializer_class = ListingPhotoSerializer
    lookup_field = "public_id"
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return PortfolioPhoto.objects.none()
        return PortfolioPhoto.objects.filter(profile__user=self.request.user).select_related("profile")

    @extend_schema(
        request={"multipart/form-data": ListingPhotoUploadSerializer}, responses={201: ListingPhotoSerializer}
    )
    def create(self, request):
        body = ListingPhotoUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        photo = portfolio_photo_add(user=request.user, data=body.validated_data["image"].read())
        return Response(ListingPhotoSerializer(photo).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        portfolio_photo_remove(user=self.request.user, photo=instance)


class QuoteRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    PluginAPIMixin,
    viewsets.GenericViewSet,
):
    """Price-on-request asks: a buyer sees the ones they made, a seller the ones made to them."""

    permission_classes = [IsAuthenticated]
    serializer_class = QuoteRequestSerializer
    lookup_field = "public_id"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return QuoteRequest.objects.none()
        user = self.request.user
        return QuoteRequest.objects.filter(Q(buyer=user) | Q(listing__seller=user)).select_related("listing")

    @extend_schema(request=QuoteAnswerSerializer, responses=QuoteRequestSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, public_id=None):
        body = QuoteAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        answered = quote_request_answer(
            quote_request=self.get_object(),
            seller=request.user,
            amount_minor=body.validated_data["amount_minor"],
            note=body.validated_data.get("note", ""),
        )
        return Response(QuoteRequestSerializer(answered).data)

    @extend_schema(request=TransitionSerializer, responses=QuoteRequestSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, public_id=None):
        note = TransitionSerializer(data=request.data)
        note.is_valid(raise_exception=True)
        declined = quote_request_decline(
            quote_request=self.get_object(), seller=request.user, note=note.validated_data.get("reason", "")
        )
        return Response(QuoteRequestSerializer(declined).data)

    @extend_schema(request=None, responses=QuoteRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, public_id=None):
        return Response(
            QuoteRequestSerializer(
                quote_request_withdraw(quote_request=self.get_object(), buyer=request.user)
            ).data
        )
