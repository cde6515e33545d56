"""Revocation of portrait licences (modelled on the Chinese Civil Code's portrait-licence rules).

A seller may withdraw a listing (no new sales at once) and end its active licences after a notice
period (``REVOCATION_NOTICE_DAYS``). When the revocation takes effect each licence ends and the buyer
gets the unused time back pro rata out of escrow, to the fen: ``paid x remaining days / total days``,
rounded half up (a tie favours the buyer, who did not choose to end the deal). The used part stays
held until a usage report is accepted, like any other licence money.
"""

from __future__ import annotations

import contextlib
import secrets
from datetime import timedelta
from decimal import ROUND_HALF_UP
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.money import Money
from kernel.transitions import TransitionRefused, transition
from listings.services import exclusivity_release, listing_withdraw
from listings.state import ListingStatus
from marketplace.accounts.notifications import notify, notify_moderators
from marketplace.conf import market_settings
from marketplace.domain_events import licence_event_emit, revocation_event_emit
from marketplace.models import Licence, Revocation
from marketplace.purchases.services import licence_escrow_refund
from marketplace.purchases.state import LICENCE_TRANSITIONS, LicenceStatus
from marketplace.usage.state import REVOCATION_TRANSITIONS, RevocationStatus
from payouts.selectors import hold_status
from payouts.state import HoldStatus

WITHDRAWABLE = {ListingStatus.DRAFT, ListingStatus.PUBLISHED, ListingStatus.PAUSED}


def unused_days(licence: Licence, effective_at) -> tuple[int, int]:
    """(remaining, total) whole calendar days of the licence at ``effective_at``."""
    total = max((licence.ends_at.date() - licence.starts_at.date()).days, 1)
    remaining = (licence.ends_at.date() - effective_at.date()).days
    return max(0, min(remaining, total)), total


def pro_rata_refund(licence: Licence, effective_at) -> Money:
    remaining, total = unused_days(licence, effective_at)
    return licence.amount.scale(Fraction(remaining, total), ROUND_HALF_UP)


def _affected(revocation: Revocation):
    return Licence.objects.filter(
        listing_id=revocation.listing_id,
        status__in=(LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED),
        ends_at__gt=revocation.effective_at,
    )


@transaction.atomic
def revocation_request(*, seller, listing, reason: str = "", now=None) -> Revocation:
    """Withdraw the listing now and end its active licences after the notice period; buyers are told."""
    if listing.seller_id != getattr(seller, "pk", None):
        raise PermissionDenied(_("Only the listing's seller can revoke its licences."))
    now = now or timezone.now()
    reason = (reason or "").strip()
    has_licences = Licence.objects.filter(
        listing_id=listing.pk, status__in=(LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED), ends_at__gt=now
    ).exists()
    if has_licences and not reason:
        # every licence here has a fixed term: ending it early needs a justified reason (Civil Code 1022)
        raise ValidationError({"reason": [_("Say why the licences must end early.")]}, code="reason_required")
    if listing.status in WITHDRAWABLE:
        listing_withdraw(listing=listing, actor=seller, reason=reason or "licences revoked")
    existing = Revocation.objects.filter(listing=listing, status=RevocationStatus.NOTICE).first()
    if existing is not None:
        return existing
    days = int(market_settings.REVOCATION_NOTICE_DAYS)
    revocation = Revocation.objects.create(
        reference="RV-" + secrets.token_hex(6).upper(),
        listing=listing,
        seller=seller,
        reason=(reason or "")[:2000],
        notice_days=days,
        effective_at=now + timedelta(days=days),
    )
    revocation_event_emit(revocation, "requested")
    for licence in _affected(revocation).select_related("buyer"):
        notify(
            user=licence.buyer,
            kind="licence_revocation_notice",
            message=_("The seller is ending licence %(ref)s on %(date)s; the unused time will be refunded.")
            % {"ref": licence.reference, "date": revocation.effective_at.date()},
            link=reverse("marketplace:licence", args=[licence.reference]),
        )
    return revocation


def _end_licence(revocation: Revocation, licence: Licence) -> dict:
    remaining, total = unused_days(licence, revocation.effective_at)
    refund = pro_rata_refund(licence, revocation.effective_at)
    held = hold_status(reference=licence.reference)
    outcome = {"remaining_days": remaining, "total_days": total, "refund_minor": 0, "note": ""}
    if refund.amount and held is not None and held.status == HoldStatus.PENDING:
        refund = min(refund, held.releasable)
        licence_escrow_refund(
            licence=licence,
            amount=refund,
            reason=f"revocation {revocation.reference}: {remaining}/{total} days unused",
            idempotency_key=f"revocation:{revocation.reference}:{licence.reference}",
        )
        outcome["refund_minor"] = refund.amount
    elif refund.amount:
        # the hold was released to the seller already: the refund must come from the seller
        outcome["note"] = "released_before_revocation"
        notify_moderators(
            kind="revocation_refund_unfunded",
            message=_(
                "Licence %(ref)s was revoked after its escrow was released; %(amount)s is owed to the buyer."
            )
            % {"ref": licence.reference, "amount": refund},
        )
    with contextlib.suppress(TransitionRefused):  # expired in the meantime
        transition(
            licence,
            to=LicenceStatus.REVOKED,
            transitions=LICENCE_TRANSITIONS,
            reason=f"revocation {revocation.reference}",
            from_statuses={LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED},
        )
    exclusivity_release(licence_reference=licence.reference)
    if licence.status == LicenceStatus.REVOKED:  # not when it expired in the meantime
        licence_event_emit(licence, "revoked")
    notify(
        user=licence.buyer,
        kind="licence_revoked",
        message=_("Licence %(ref)s ended by revocation; %(amount)s refunded.")
        % {"ref": licence.reference, "amount": Money(outcome["refund_minor"], licence.currency)},
        link=reverse("marketplace:licence", args=[licence.reference]),
    )
    return outcome


def revocations_apply(*, now=None) -> int:
    """Periodic: revocations whose notice ran out end their licences (each revocation atomically)."""
    now = now or timezone.now()
    done = 0
    for pk in list(
        Revocation.objects.filter(status=RevocationStatus.NOTICE, effective_at__lte=now).values_list(
            "pk", flat=True
        )
    ):
        with transaction.atomic():
            revocation = Revocation.objects.select_for_update(no_key=True).get(pk=pk)
            if revocation.status != RevocationStatus.NOTICE:
                continue
            outcome = dict(revocation.outcome)
            for licence in _affected(revocation).select_for_update(no_key=True):
                outcome[licence.reference] = _end_licence(revocation, licence)
            revocation.outcome = outcome
            revocation.save(update_fields=["outcome", "updated_at"])
            transition(
                revocation,
                to=RevocationStatus.EFFECTIVE,
                transitions=REVOCATION_TRANSITIONS,
                reason="notice period over",
            )
            revocation_event_emit(revocation, "effective")
            done += 1
    return done
