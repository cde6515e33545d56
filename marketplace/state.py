"""State machines of the deal: orders (checkout) and licences.

A transition is a conditional ``UPDATE ... WHERE status = <from>`` plus a history row, so two
racing callers cannot both move the same object: the loser updates no row and is told so.
"""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
    LICENSED = "licensed", _("Paid: licence issued")
    FAILED = "failed", _("Payment failed")
    EXPIRED = "expired", _("Checkout expired")
    REFUNDED = "refunded", _("Paid but refunded")


class LicenceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
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
    LicenceStatus.ACTIVE: {LicenceStatus.REVOKED, LicenceStatus.EXPIRED},
    LicenceStatus.REVOKED: set(),
    LicenceStatus.EXPIRED: set(),
}


class TransitionRefused(Exception):
    """The object is not (or no longer) in a status that allows this move."""


@transaction.atomic
def transition(
    obj,
    *,
    to: str,
    transitions: dict[str, set[str]],
    reason: str = "",
    actor=None,
    from_statuses: set[str] | None = None,
    **fields,
) -> None:
    """Move ``obj`` to ``to`` if its current status allows it, setting ``fields`` in the same UPDATE.

    Every status-bearing deal object (orders, licences, usage reports, disputes, moderation cases,
    claims, appeals) moves through here, so each move leaves one ``StatusChange`` row.
    """
    from .models import StatusChange

    allowed_from = {s for s, targets in transitions.items() if to in targets}
    if from_statuses is not None:
        allowed_from &= set(from_statuses)
    now = timezone.now()
    model = type(obj)
    current = model.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
    updated = model.objects.filter(pk=obj.pk, status__in=allowed_from).update(
        status=to, updated_at=now, **fields
    )
    reference = getattr(obj, "reference", "") or str(obj.pk)
    if not updated:
        raise TransitionRefused(f"{model.__name__} {reference}: cannot go from {current} to {to}")
    StatusChange.objects.create(
        subject=model.__name__.lower(),
        reference=reference,
        from_status=current or "",
        to_status=to,
        reason=reason[:500],
        actor=actor,
    )
    obj.status = to
    obj.updated_at = now
    for name, value in fields.items():
        setattr(obj, name, value)
