"""Reads of the purchase flow: orders, licences and their receipts, with object-level visibility."""

from __future__ import annotations

from django.db.models import Q

from kernel.roles import Role
from marketplace.accounts.selectors import user_has_role
from marketplace.models import Licence, Order
from payouts.selectors import hold_status


def _is_moderator(user) -> bool:
    return user_has_role(user, Role.MODERATOR)


def orders_of_buyer(user):
    return Order.objects.filter(buyer=user).select_related("listing")


def order_for_buyer(*, user, public_id) -> Order | None:
    """The buyer's own order; anyone else's is invisible (None, shown as 404)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Order.objects.filter(public_id=public_id, buyer=user).select_related("listing").first()


def licences_of_buyer(user):
    return Licence.objects.filter(buyer=user).select_related("listing", "terms_version")


def licences_of_seller(user):
    return Licence.objects.filter(seller=user).select_related("listing", "terms_version")


def licence_for_viewer(*, user, reference: str) -> Licence | None:
    """A licence is visible to its buyer, its seller and moderators; to no one else."""
    if not getattr(user, "is_authenticated", False):
        return None
    queryset = Licence.objects.filter(reference=reference).select_related("listing", "terms_version", "order")
    if not _is_moderator(user):
        queryset = queryset.filter(Q(buyer=user) | Q(seller=user))
    return queryset.first()


def licence_receipt(licence) -> dict:
    """What the buyer paid and where the money is now (escrow hold, refunds, release)."""
    return {"hold": hold_status(reference=licence.reference)}
