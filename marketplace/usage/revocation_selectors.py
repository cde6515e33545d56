"""Reads of seller revocations: what a licence's buyer and seller are told (dates and amounts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from kernel.money import Money
from kernel.roles import Role
from marketplace.accounts.selectors import user_has_role
from marketplace.models import Licence, Revocation
from marketplace.purchases.state import LicenceStatus
from marketplace.usage.state import RevocationStatus


@dataclass(frozen=True)
class LicenceRevocation:
    """One licence's part of a revocation: the refund is projected until the effective date, then actual."""

    revocation: Revocation
    effective_at: datetime
    remaining_days: int
    total_days: int
    refund: Money
    effective: bool
    #: "released_before_revocation": the escrow had gone to the seller, so the refund is owed, not paid
    note: str


def licence_revocation(licence: Licence) -> LicenceRevocation | None:
    """The revocation that ends (or ended) ``licence``, with its refund; None when there is none."""
    from marketplace.usage.revocation import pro_rata_refund, unused_days

    for revocation in Revocation.objects.filter(listing_id=licence.listing_id).order_by("-created_at"):
        done = revocation.outcome.get(licence.reference)
        if done is not None:
            return LicenceRevocation(
                revocation=revocation,
                effective_at=revocation.effective_at,
                remaining_days=done["remaining_days"],
                total_days=done["total_days"],
                refund=Money(done["refund_minor"], licence.currency),
                effective=True,
                note=done.get("note", ""),
            )
        if revocation.status == RevocationStatus.NOTICE and licence.status in (
            LicenceStatus.ACTIVE,
            LicenceStatus.SUSPENDED,
        ):
            if licence.ends_at <= revocation.effective_at:
                return None  # ends by itself before the revocation takes effect
            remaining, total = unused_days(licence, revocation.effective_at)
            return LicenceRevocation(
                revocation=revocation,
                effective_at=revocation.effective_at,
                remaining_days=remaining,
                total_days=total,
                refund=pro_rata_refund(licence, revocation.effective_at),
                effective=False,
                note="",
            )
    return None


def revocations_visible_to(user):
    """Revocations a user may read: their own as seller, those ending their licences, all for moderators."""
    if not getattr(user, "is_authenticated", False):
        return Revocation.objects.none()
    queryset = Revocation.objects.select_related("listing")
    if user_has_role(user, Role.MODERATOR):
        return queryset
    bought = Licence.objects.filter(buyer=user).values("listing_id")
    return queryset.filter(Q(seller=user) | Q(listing_id__in=bought))


def revocation_licences(revocation: Revocation, *, user) -> list[tuple[Licence, LicenceRevocation]]:
    """The licences a revocation ends that ``user`` may see, each with its part (refund, days)."""
    queryset = Licence.objects.filter(listing_id=revocation.listing_id).select_related("listing")
    if revocation.seller_id != user.pk and not user_has_role(user, Role.MODERATOR):
        queryset = queryset.filter(buyer=user)
    rows = []
    for licence in queryset:
        part = licence_revocation(licence)
        if part is not None and part.revocation.pk == revocation.pk:
            rows.append((licence, part))
    return rows
