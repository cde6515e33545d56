"""Licence-terms versions (immutable once sold) and sold exclusivity claims."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..vocabulary import Exclusivity
from .listings import Listing
from .terms_fields import TermsFields
from .tiers import LicenceTermsTemplate


class LicenceTermsVersion(TermsFields):
    """One version of a listing's terms. Append-only: an edit creates the next number.

    Once ``sold_at`` is set the row is frozen: the services refuse to touch it and a database trigger
    (migration 0002) rejects any UPDATE of a sold row (and, on PostgreSQL, any DELETE).
    """

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="terms_versions")
    number = models.PositiveIntegerField(_("version"))
    template = models.ForeignKey(
        LicenceTermsTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    change_note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sold_at = models.DateTimeField(_("first sold at"), null=True, blank=True)

    class Meta(TermsFields.Meta):
        ordering = ["listing", "-number"]
        verbose_name = _("licence terms version")
        verbose_name_plural = _("licence terms versions")
        constraints = [
            *TermsFields.Meta.constraints,
            models.UniqueConstraint(fields=["listing", "number"], name="fm_terms_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.listing_id} v{self.number}"

    @property
    def is_sold(self) -> bool:
        return self.sold_at is not None


class ExclusivityClaim(models.Model):
    """A sold (or, with ``reserved_until``, reserved) exclusivity over one use category of a listing.

    An open checkout reserves its scope until it expires: exclusive rows hold their categories, and
    a non-exclusive checkout's rows (``exclusivity="none"``) keep an exclusivity that would breach
    its licence from being sold meanwhile. Capture turns the reservation into the licence's claim.

    A fully exclusive licence claims every category of its terms. The partial unique constraint on
    ``(listing, category)`` among unreleased claims is what stops two racing buyers from both
    getting exclusivity: the second INSERT fails in the database, whatever the code above it did.
    """

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="exclusivity_claims")
    terms_version = models.ForeignKey(LicenceTermsVersion, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=40)
    exclusivity = models.CharField(max_length=12, choices=Exclusivity.choices)
    licence_reference = models.CharField(max_length=64, db_index=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)
    #: set while the row only reserves the scope for an open checkout; cleared when it is paid
    reserved_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "category"],
                condition=models.Q(released_at__isnull=True) & ~models.Q(exclusivity="none"),
                name="fm_exclusivity_one_active_per_category",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="fm_exclusivity_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.listing_id}/{self.category} ({self.licence_reference})"
