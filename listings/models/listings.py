"""Listings, their status history and the catalogue facets they are filtered by."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kernel.money import MoneyAttribute, default_currency

from ..state import ListingStatus
from .profiles import PortfolioPhoto, SellerProfile
from .tiers import LicenceTermsTemplate, Tier

PUBLISHED = Q(status=ListingStatus.PUBLISHED)


class Listing(models.Model):
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="fm_listings",
        verbose_name=_("seller"),
    )
    profile = models.ForeignKey(SellerProfile, on_delete=models.PROTECT, related_name="listings")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="listings", verbose_name=_("tier"))
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    annual_price_minor = models.PositiveBigIntegerField(
        _("annual price (minor units)"),
        null=True,
        blank=True,
        help_text=_("Empty when the tier's price is on request."),
    )
    currency = models.CharField(_("currency"), max_length=3, default=default_currency)
    status = models.CharField(
        _("status"), max_length=12, choices=ListingStatus.choices, default=ListingStatus.DRAFT
    )
    cover_photo = models.ForeignKey(
        PortfolioPhoto,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cover photo"),
    )
    terms_template = models.ForeignKey(
        LicenceTermsTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # the newest terms version, kept here so the catalogue and quotes need no extra query
    current_terms = models.ForeignKey(
        "LicenceTermsVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # catalogue projection, rewritten by services.catalogue.listing_catalogue_refresh
    popularity = models.PositiveIntegerField(default=0)
    exclusivity_available = models.BooleanField(default=False)
    seller_verified_at = models.DateTimeField(_("face verified since"), null=True, blank=True)
    search_document = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        constraints = [
            models.CheckConstraint(
                condition=Q(annual_price_minor__isnull=True) | Q(annual_price_minor__gt=0),
                name="fm_listings_listing_price_positive",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ListingStatus.values), name="fm_listings_listing_status_valid"
            ),
        ]
        indexes = [
            # the catalogue only ever reads published rows: partial indexes, one per sort order
            models.Index(fields=["-published_at", "-id"], condition=PUBLISHED, name="fm_listing_pub_newest"),
            models.Index(
                fields=["annual_price_minor", "id"], condition=PUBLISHED, name="fm_listing_pub_price"
            ),
            models.Index(fields=["-popularity", "-id"], condition=PUBLISHED, name="fm_listing_pub_popular"),
            models.Index(fields=["tier", "-published_at"], condition=PUBLISHED, name="fm_listing_pub_tier"),
            models.Index(fields=["seller_verified_at"], condition=PUBLISHED, name="fm_listing_pub_verified"),
            models.Index(fields=["seller", "-created_at"], name="fm_listing_seller_recent"),
        ]

    def __str__(self) -> str:
        return self.title

    annual_price = MoneyAttribute("annual_price_minor")

    @property
    def price_on_request(self) -> bool:
        return self.annual_price_minor is None


class FacetKind(models.TextChoices):
    TAG = "tag", _("Tag")
    LANGUAGE = "language", _("Language")
    CATEGORY = "category", _("Allowed use category")


class ListingFacet(models.Model):
    """A multi-valued filter value of a listing (tag, language, allowed category), one row each.

    A narrow indexed table filters the same way on SQLite and PostgreSQL (``EXISTS`` on
    ``(kind, value, listing)``), which JSON or array columns cannot do portably.
    """

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="facets")
    kind = models.CharField(max_length=12, choices=FacetKind.choices)
    value = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["listing", "kind", "value"], name="fm_listing_facet_unique"),
        ]
        indexes = [models.Index(fields=["kind", "value", "listing"], name="fm_listing_facet_lookup")]

    def __str__(self) -> str:
        return f"{self.kind}={self.value}"
