"""Staff pages: tiers and terms templates are edited here; listings are inspected, not rewritten.

Status changes stay with the services (a take-down goes through moderation), and sold terms
versions are read-only here as everywhere.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model

from kernel.admin import StatusHistoryInline

from .models import (
    ExclusivityClaim,
    LicenceTermsTemplate,
    LicenceTermsVersion,
    Listing,
    QuoteRequest,
    SellerProfile,
    Tier,
)


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = [
        "rank",
        "name",
        "slug",
        "base_annual_price_minor",
        "currency",
        "price_on_request",
        "is_active",
    ]
    list_display_links = ["name"]
    list_editable = ["base_annual_price_minor", "is_active"]
    ordering = ["rank"]


@admin.register(LicenceTermsTemplate)
class LicenceTermsTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "suggested_tier", "max_duration_months", "approval_mode", "is_active"]
    list_filter = ["is_active", "approval_mode"]
    search_fields = ["name", "slug"]


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ["title", "seller", "tier", "status", "annual_price_minor", "published_at", "popularity"]
    list_filter = ["status", "tier"]
    search_fields = ["title", "profile__display_name"]
    raw_id_fields = ["seller", "profile", "cover_photo", "current_terms", "terms_template"]
    readonly_fields = ["status", "published_at", "popularity", "exclusivity_available", "seller_verified_at"]
    inlines = [StatusHistoryInline]


@admin.register(LicenceTermsVersion)
class LicenceTermsVersionAdmin(admin.ModelAdmin):
    list_display = ["listing", "number", "created_at", "sold_at"]
    list_filter = ["sold_at"]
    raw_id_fields = ["listing", "template", "created_by"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # versions are append-only: edits go through the seller's terms page

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SellerProfile)
class SellerProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "updated_at"]
    raw_id_fields = ["user"]

    def get_search_fields(self, request):
        # the host's user model names its own login field (an e-mail user model has no username)
        return ["display_name", f"user__{get_user_model().USERNAME_FIELD}"]


@admin.register(ExclusivityClaim)
class ExclusivityClaimAdmin(admin.ModelAdmin):
    list_display = ["listing", "category", "exclusivity", "licence_reference", "ends_at", "released_at"]
    search_fields = ["licence_reference"]
    raw_id_fields = ["listing", "terms_version"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(QuoteRequest)
class QuoteRequestAdmin(admin.ModelAdmin):
    list_display = ["public_id", "listing", "buyer", "status", "quoted_amount_minor", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["listing", "buyer", "terms_version"]
    readonly_fields = ["status"]
