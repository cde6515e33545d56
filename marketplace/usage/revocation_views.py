"""Pages of seller revocation: revoke a listing's licences with notice, read a revocation's refunds."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from listings.selectors import listing_for_viewer
from marketplace.conf import market_settings
from marketplace.models import Licence
from marketplace.purchases.state import LicenceStatus
from marketplace.selectors import revocation_licences, revocations_visible_to
from marketplace.services import revocation_request
from marketplace.usage.revocation import pro_rata_refund, unused_days


def _running_licences(listing, effective_at) -> list[dict]:
    """What each running licence would get back if the notice starts now (shown before confirming)."""
    rows = []
    running = Licence.objects.filter(
        listing_id=listing.pk,
        status__in=(LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED),
        ends_at__gt=effective_at,
    ).order_by("ends_at")
    for licence in running:
        remaining, total = unused_days(licence, effective_at)
        rows.append(
            {
                "licence": licence,
                "remaining": remaining,
                "total": total,
                "refund": pro_rata_refund(licence, effective_at),
            }
        )
    return rows


@login_required
def revocation_new(request, listing_id: int):
    """The seller revokes a listing: no new sales at once; its licences end after the notice period."""
    listing = listing_for_viewer(user=request.user, listing_id=listing_id)
    if listing is None or listing.seller_id != request.user.pk:
        raise Http404
    notice_days = int(market_settings.REVOCATION_NOTICE_DAYS)
    effective_at = timezone.now() + timedelta(days=notice_days)
    reason = ""
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            revocation = revocation_request(seller=request.user, listing=listing, reason=reason)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(
                request,
                _("Sales stopped. The licences end on %(date)s; every buyer has been told.")
                % {"date": revocation.effective_at.date()},
            )
            return redirect("marketplace:revocation", reference=revocation.reference)
    return render(
        request,
        "marketplace/revocation/new.html",
        {
            "listing": listing,
            "notice_days": notice_days,
            "effective_at": effective_at,
            "rows": _running_licences(listing, effective_at),
            "reason": reason,
        },
    )


@login_required
def revocation_detail(request, reference: str):
    revocation = revocations_visible_to(request.user).filter(reference=reference).first()
    if revocation is None:
        raise Http404
    return render(
        request,
        "marketplace/revocation/detail.html",
        {
            "revocation": revocation,
            "rows": revocation_licences(revocation, user=request.user),
            "is_seller": revocation.seller_id == request.user.pk,
        },
    )
