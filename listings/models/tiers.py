"""Tiers (seeded, editable by staff) and the licence-terms templates sellers start from."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kernel.money import MoneyAttribute, default_currency

from .terms_fields import TermsFields


class Tier(models.Model):
    slug = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=80)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True, help_text=_("Lower ranks list first."))
    description = models.TextField(_("description"), blank=True)
    base_annual_price_minor = models.PositiveBigIntegerField(
        _("lowest annual price (minor units)"),
        null=True,
        blank=True,
        help_text=_(
            "A listing in this tier asks at least this much for a year. Empty with price on request."
        ),
    )
    currency = models.CharField(_("currency"), max_length=3, default=default_currency)
    price_on_request = models.BooleanField(
        _("price on request"),
        default=False,
        help_text=_("Buyers ask; the seller quotes each request."),
    )
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["rank"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(price_on_request=True, base_annual_price_minor__isnull=True)
                    # isnull=False spelled out: NULL > 0 is NULL, and a CHECK lets NULL through
                    | Q(
                        price_on_request=False,
                        base_annual_price_minor__isnull=False,
                        base_annual_price_minor__gt=0,
                    )
                ),
                name="fm_listings_tier_price_or_on_request",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    base_annual_price = MoneyAttribute("base_annual_price_minor")


class LicenceTermsTemplate(TermsFields):
    """A ready-made set of terms (staff-maintained) a seller picks and adjusts for a listing."""

    slug = models.SlugField(_("code"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    suggested_tier = models.ForeignKey(
        Tier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suggested tier"),
    )
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta(TermsFields.Meta):
        ordering = ["name"]
        verbose_name = _("licence terms template")
        verbose_name_plural = _("licence terms templates")

    def __str__(self) -> str:
        return self.name
