"""Price on request (Star tier): the buyer asks with a scope, the seller quotes a price."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kernel.money import MoneyAttribute, default_currency

from ..state import QuoteRequestStatus
from .listings import Listing
from .terms import LicenceTermsVersion


class QuoteRequest(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="quote_requests")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # the terms the buyer asked about; a later terms edit does not change what this request is for
    terms_version = models.ForeignKey(LicenceTermsVersion, on_delete=models.PROTECT, related_name="+")
    scope = models.JSONField(_("requested scope"))
    message = models.TextField(_("message to the seller"), max_length=2000, blank=True)
    status = models.CharField(
        max_length=12, choices=QuoteRequestStatus.choices, default=QuoteRequestStatus.OPEN
    )
    quoted_amount_minor = models.PositiveBigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, default=default_currency)
    seller_note = models.TextField(_("seller's note"), max_length=2000, blank=True)
    quoted_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=QuoteRequestStatus.QUOTED)
                | Q(quoted_amount_minor__isnull=False, quoted_amount_minor__gt=0),
                name="fm_quote_request_quoted_has_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["listing", "status"], name="fm_quote_request_listing"),
            models.Index(fields=["buyer", "-created_at"], name="fm_quote_request_buyer"),
        ]

    def __str__(self) -> str:
        return f"quote request {self.public_id}"

    quoted_amount = MoneyAttribute("quoted_amount_minor")
