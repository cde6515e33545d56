"""Serializers of the listings API: shapes only. Validation of meaning happens in the services."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kernel.money import Money

from ..models import LicenceTermsVersion, Listing, PortfolioPhoto, QuoteRequest, SellerProfile, Tier
from ..state import PreviewStatus
from ..vocabulary import Exclusivity


def money_display(amount_minor: int | None, currency: str) -> str | None:
    if amount_minor is None:
        return None
    return Money(amount_minor, currency).format(get_language() or "en")


def preview_url(photo: PortfolioPhoto | None) -> str | None:
    if photo is None or photo.preview_status != PreviewStatus.READY:
        return None
    return reverse("listings:photo_preview", args=[photo.public_id])


class TierSerializer(serializers.ModelSerializer):
    base_annual_price_display = serializers.SerializerMethodField()

    class Meta:
        model = Tier
        fields = [
            "slug",
            "name",
            "rank",
            "description",
            "base_annual_price_minor",
            "currency",
            "price_on_request",
            "base_annual_price_display",
        ]

    def get_base_annual_price_display(self, tier: Tier) -> str | None:
        return money_display(tier.base_annual_price_minor, tier.currency)


TERMS_FIELDS = list(LicenceTermsVersion.TERMS_FIELD_NAMES)


class TermsVersionSerializer(serializers.ModelSerializer):
    sold = serializers.BooleanField(source="is_sold", read_only=True)

    class Meta:
        model = LicenceTermsVersion
        fields = ["id", "number", "created_at", "change_note", "sold", *TERMS_FIELDS]
        read_only_fields = fields


class TermsWriteSerializer(serializers.Serializer):
    """New terms: any subset of the terms fields (the rest comes from the current version or template)."""

    template = serializers.SlugField(required=False)
    change_note = serializers.CharField(required=False, allow_blank=True, max_length=200)
    terms = serializers.DictField(required=False, help_text="Terms fields to set (see TermsVersion).")


class ListingPhotoSerializer(serializers.ModelSerializer):
    preview_url = serializers.SerializerMethodField()
    original_url = serializers.SerializerMethodField()

    class Meta:
        model = PortfolioPhoto
        fields = [
            "public_id",
            "width",
            "height",
            "preview_status",
            "preview_url",
            "original_url",
            "created_at",
        ]
        read_only_fields = fields

    def get_preview_url(self, photo: PortfolioPhoto) -> str | None:
        return preview_url(photo)

    def get_original_url(self, photo: PortfolioPhoto) -> str | None:
        # only the owner's own endpoints serialise photos with this field; the view re-checks anyway
        return reverse("listings:photo_original", args=[photo.public_id])


class ListingPhotoUploadSerializer(serializers.Serializer):
    image = serializers.FileField()


class SellerProfileSerializer(serializers.ModelSerializer):
    languages = serializers.ListField(child=serializers.CharField(), required=False)
    tags = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        model = SellerProfile
        fields = ["display_name", "bio", "languages", "tags", "updated_at"]
        read_only_fields = ["updated_at"]


class PublicProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = SellerProfile
        fields = ["display_name", "bio", "languages", "tags"]
        read_only_fields = fields


class CatalogueListingSerializer(serializers.ModelSerializer):
    tier = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    tier_name = serializers.CharField(source="tier.name", read_only=True)
    seller_name = serializers.CharField(source="profile.display_name", read_only=True)
    price_on_request = serializers.BooleanField(read_only=True)
    annual_price_display = serializers.SerializerMethodField()
    cover_preview_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Listing
        fields = [
            "id",
            "title",
            "tier",
            "tier_name",
            "seller_name",
            "annual_price_minor",
            "currency",
            "annual_price_display",
            "price_on_request",
            "published_at",
            "popularity",
            "exclusivity_available",
            "seller_verified_at",
            "cover_preview_url",
            "page_url",
        ]
        read_only_fields = fields

    def get_annual_price_display(self, listing: Listing) -> str | None:
        return money_display(listing.annual_price_minor, listing.currency)

    def get_cover_preview_url(self, listing: Listing) -> str | None:
        return preview_url(listing.cover_photo)

    def get_page_url(self, listing: Listing) -> str:
        return reverse("listings:detail", args=[listing.pk])


class ListingDetailSerializer(CatalogueListingSerializer):
    # plain strings: several apps have a "status" enum, and one shared schema name cannot describe them all
    status = serializers.CharField(
        read_only=True, help_text="draft, published, paused, withdrawn, taken_down"
    )
    profile = PublicProfileSerializer(read_only=True)
    terms = TermsVersionSerializer(source="current_terms", read_only=True)

    class Meta(CatalogueListingSerializer.Meta):
        fields = [*CatalogueListingSerializer.Meta.fields, "description", "status", "profile", "terms"]
        read_only_fields = fields


class SellerListingSerializer(ListingDetailSerializer):
    class Meta(ListingDetailSerializer.Meta):
        fields = [*ListingDetailSerializer.Meta.fields, "created_at", "updated_at"]
        read_only_fields = fields


class SellerListingWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=8000)
    tier = serializers.SlugRelatedField(slug_field="slug", queryset=Tier.objects.filter(is_active=True))
    annual_price_minor = serializers.IntegerField(
        required=False, allow_null=True, help_text="Minor units (fen); omit for price on request."
    )
    cover_photo = serializers.UUIDField(required=False, allow_null=True)
    template = serializers.SlugField(required=False, help_text="Terms template code (on create).")
    terms = serializers.DictField(
        required=False, help_text="Terms fields overriding the template (on create)."
    )


class TransitionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class QuoteScopeSerializer(serializers.Serializer):
    """Shapes only; whether each value is allowed by the listing's terms is checked by the selector."""

    use_categories = serializers.ListField(child=serializers.CharField(max_length=40), max_length=20)
    media = serializers.ListField(child=serializers.CharField(max_length=40), max_length=20)
    territories = serializers.ListField(child=serializers.CharField(max_length=8), max_length=20)
    duration_months = serializers.IntegerField()
    reach_band = serializers.CharField(max_length=40)
    monetisation = serializers.CharField(max_length=40)
    exclusivity = serializers.CharField(max_length=40, default=Exclusivity.NONE)
    sensitive_uses = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=20
    )
    ai_training = serializers.BooleanField(required=False, default=False)


class QuoteLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    factor = serializers.CharField()
    amount_minor = serializers.IntegerField(source="amount.amount")
    amount_display = serializers.SerializerMethodField()

    def get_amount_display(self, line) -> str:
        return line.amount.format(get_language() or "en")


class QuoteSerializer(serializers.Serializer):
    listing_id = serializers.IntegerField()
    terms_version_id = serializers.IntegerField()
    terms_version_number = serializers.IntegerField()
    currency = serializers.CharField(source="quote.total.currency")
    total_minor = serializers.IntegerField(source="quote.total.amount")
    total_display = serializers.SerializerMethodField()
    rounding = serializers.CharField(source="quote.rounding")
    lines = QuoteLineSerializer(source="quote.lines", many=True)
    scope = serializers.SerializerMethodField()

    def get_total_display(self, result) -> str:
        return result.quote.total.format(get_language() or "en")

    @extend_schema_field(QuoteScopeSerializer)  # the named model, not a second inline "QuoteScope"
    def get_scope(self, result) -> dict:
        return result.scope.as_dict()


class QuoteRequestCreateSerializer(serializers.Serializer):
    scope = QuoteScopeSerializer()
    message = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class QuoteRequestSerializer(serializers.ModelSerializer):
    listing_title = serializers.CharField(source="listing.title", read_only=True)
    status = serializers.CharField(read_only=True, help_text="open, quoted, declined, withdrawn")
    quoted_amount_display = serializers.SerializerMethodField()

    class Meta:
        model = QuoteRequest
        fields = [
            "public_id",
            "listing",
            "listing_title",
            "terms_version",
            "scope",
            "message",
            "status",
            "quoted_amount_minor",
            "currency",
            "quoted_amount_display",
            "seller_note",
            "quoted_at",
            "valid_until",
            "created_at",
        ]
        read_only_fields = fields

    def get_quoted_amount_display(self, request: QuoteRequest) -> str | None:
        return money_display(request.quoted_amount_minor, request.currency)


class QuoteAnswerSerializer(serializers.Serializer):
    amount_minor = serializers.IntegerField(help_text="Minor units (fen).")
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
