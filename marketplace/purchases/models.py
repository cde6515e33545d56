"""Orders (checkouts) and the licences they issue, with their status history."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kernel.money import MoneyAttribute
from marketplace.purchases.state import LicenceStatus, OrderStatus


class Order(models.Model):
    """A buyer's checkout for one scope of one listing, priced on one terms version.

    The ``reference`` is the licence's reference too: payouts knows the purchase only by it
    (escrow hold, Stripe ``transfer_group``).
    """

    public_id = models.UUIDField(unique=True, editable=False)
    reference = models.CharField(max_length=40, unique=True, editable=False)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fm_orders")
    listing = models.ForeignKey("fm_listings.Listing", on_delete=models.PROTECT, related_name="+")
    terms_version = models.ForeignKey(
        "fm_listings.LicenceTermsVersion", on_delete=models.PROTECT, related_name="+"
    )
    scope = models.JSONField()
    quote_lines = models.JSONField(help_text=_("The price explanation the buyer saw, line by line."))
    amount_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    #: one token per checkout form: a double-submitted form finds the order it already made
    checkout_key = models.CharField(max_length=64)
    checkout_url = models.CharField(max_length=1000, blank=True)
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING_PAYMENT)
    status_reason = models.CharField(max_length=200, blank=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["buyer", "checkout_key"], name="fm_order_checkout_once"),
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="fm_order_amount_positive"),
            models.CheckConstraint(condition=Q(status__in=OrderStatus.values), name="fm_order_status_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="fm_order_expiry"),
            models.Index(fields=["buyer", "-created_at"], name="fm_order_buyer_recent"),
        ]

    def __str__(self) -> str:
        return self.reference

    amount = MoneyAttribute("amount_minor")


class Licence(models.Model):
    """The right a buyer holds: one listing's face, one terms version, one scope, a start and an end."""

    reference = models.CharField(max_length=40, unique=True, editable=False)
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="licence")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fm_licences")
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fm_licences_sold"
    )
    listing = models.ForeignKey("fm_listings.Listing", on_delete=models.PROTECT, related_name="+")
    # PROTECT: a sold terms version can never be deleted (it is what the licence means)
    terms_version = models.ForeignKey(
        "fm_listings.LicenceTermsVersion", on_delete=models.PROTECT, related_name="+"
    )
    scope = models.JSONField()
    amount_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=LicenceStatus.choices, default=LicenceStatus.ACTIVE)
    issued_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="fm_licence_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status__in=LicenceStatus.values), name="fm_licence_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["buyer", "-issued_at"], name="fm_licence_buyer_recent"),
            models.Index(fields=["seller", "-issued_at"], name="fm_licence_seller_recent"),
            models.Index(fields=["status", "ends_at"], name="fm_licence_expiry"),
        ]

    def __str__(self) -> str:
        return self.reference

    amount = MoneyAttribute("amount_minor")
