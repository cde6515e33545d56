"""State machines of the deal: orders (checkout) and licences.

Moves go through the kernel's one engine (``kernel.transitions.transition``): a conditional
``UPDATE ... WHERE status = <from>`` plus a history row, so two racing callers cannot both move the
same object: the loser updates no row and gets ``TransitionConflict``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
    LICENSED = "licensed", _("Paid: licence issued")
    FAILED = "failed", _("Payment failed")
    EXPIRED = "expired", _("Checkout expired")
    REFUNDED = "refunded", _("Paid but refunded")


class LicenceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    #: the kill switch: no use allowed while a breach is reviewed (back to active, or ended)
    SUSPENDED = "suspended", _("Suspended pending review")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


ORDER_TRANSITIONS: dict[str, set[str]] = {
    OrderStatus.PENDING_PAYMENT: {
        OrderStatus.LICENSED,
        OrderStatus.FAILED,
        OrderStatus.EXPIRED,
        OrderStatus.REFUNDED,
    },
    # a payment that arrives after the checkout expired or failed is refunded, never licensed
    OrderStatus.EXPIRED: {OrderStatus.REFUNDED},
    OrderStatus.FAILED: {OrderStatus.REFUNDED, OrderStatus.PENDING_PAYMENT},
    OrderStatus.LICENSED: set(),
    OrderStatus.REFUNDED: set(),
}

LICENCE_TRANSITIONS: dict[str, set[str]] = {
    LicenceStatus.ACTIVE: {LicenceStatus.REVOKED, LicenceStatus.EXPIRED, LicenceStatus.SUSPENDED},
    LicenceStatus.SUSPENDED: {LicenceStatus.ACTIVE, LicenceStatus.REVOKED, LicenceStatus.EXPIRED},
    LicenceStatus.REVOKED: set(),
    LicenceStatus.EXPIRED: set(),
}
