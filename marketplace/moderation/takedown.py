"""Takedown: one atomic, idempotent service that removes a stolen face and makes every buyer whole.

In one transaction: the listing goes to ``taken_down``; payouts for the seller and for each licence are
frozen (so a release or transfer already queued finds the freeze and sends nothing); active licences are
revoked; whatever each buyer still has in escrow is refunded in full, with an idempotency key derived from
the licence so a second run refunds nothing more; buyers and seller are told; and every step that changed
something leaves an audit-log entry. A second run finds each step done and changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from kernel.transitions import TransitionRefused, transition
from listings.models import Listing
from listings.services import listing_takedown_mark
from listings.state import ListingStatus
from marketplace.accounts.notifications import notify
from marketplace.domain_events import licence_event_emit
from marketplace.models import Licence, ModerationCase
from marketplace.moderation.audit import audit_record, refund_movement
from marketplace.purchases.services import licence_escrow_refund
from marketplace.purchases.state import LICENCE_TRANSITIONS, LicenceStatus
from payouts.exceptions import HoldNotPending
from payouts.selectors import hold_status, is_frozen
from payouts.services import payouts_freeze

logger = logging.getLogger(__name__)


@dataclass
class TakedownResult:
    listing: Listing
    newly_taken_down: bool = False
    revoked: list[str] = field(default_factory=list)
    refunds: list[dict] = field(default_factory=list)
    frozen: list[str] = field(default_factory=list)


def takedown_refund_key(licence: Licence) -> str:
    """One refund per licence whatever runs the takedown (a retry, a second case, a ban)."""
    return f"takedown:{licence.reference}"


def _freeze(*, reference: str = "", seller=None, reason: str, moderator, case, result) -> None:
    seller_id = getattr(seller, "pk", None)
    if is_frozen(reference=reference, seller_id=seller_id):
        return
    payouts_freeze(reference=reference, seller=seller, reason=reason, actor=moderator)
    subject = reference or f"seller:{seller_id}"
    result.frozen.append(subject)
    audit_record(
        actor=moderator,
        action="payouts.frozen",
        subject_type="payouts",
        subject_ref=subject,
        reason=reason,
        case=case,
        before={"frozen": False},
        after={"frozen": True},
    )


def _revoke(licence: Licence, *, reason: str, moderator, case, result) -> None:
    if licence.status != LicenceStatus.ACTIVE:
        return
    try:
        transition(
            licence, to=LicenceStatus.REVOKED, transitions=LICENCE_TRANSITIONS, reason=reason, actor=moderator
        )
    except TransitionRefused:  # expired or revoked meanwhile: nothing left to revoke
        return
    result.revoked.append(licence.reference)
    licence_event_emit(licence, "revoked")
    audit_record(
        actor=moderator,
        action="licence.revoked",
        subject_type="licence",
        subject_ref=licence.reference,
        reason=reason,
        case=case,
        before={"status": LicenceStatus.ACTIVE},
        after={"status": LicenceStatus.REVOKED},
    )


def _refund(licence: Licence, *, reason: str, moderator, case, result) -> None:
    hold = hold_status(reference=licence.reference)
    if hold is None or hold.status != "pending" or hold.releasable.amount <= 0:
        return  # nothing held (already refunded, or released to the seller before the takedown)
    try:
        refund = licence_escrow_refund(
            licence=licence,
            amount=None,
            reason=f"takedown: {reason}"[:200],
            idempotency_key=takedown_refund_key(licence),
        )
    except HoldNotPending:
        return
    movement = refund_movement(refund)
    result.refunds.append(movement)
    audit_record(
        actor=moderator,
        action="escrow.refunded",
        subject_type="licence",
        subject_ref=licence.reference,
        reason=reason,
        case=case,
        before={"held_minor": hold.releasable.amount, "currency": hold.releasable.currency},
        after={"held_minor": 0, "currency": hold.releasable.currency},
        money=[movement],
    )


def _notify_all(listing: Listing, buyers: set, *, reason: str) -> None:
    notify(
        user=listing.seller,
        kind="listing_taken_down",
        message=_(
            "Your listing “%(title)s” was taken down by moderation: %(reason)s. "
            "You may appeal from your moderation cases page."
        )
        % {"title": listing.title, "reason": reason},
    )
    for buyer in buyers:
        notify(
            user=buyer,
            kind="licence_refunded_takedown",
            message=_(
                "The face listing “%(title)s” was taken down. Your licence is revoked and "
                "what you paid into escrow is refunded in full."
            )
            % {"title": listing.title},
        )


@transaction.atomic
def listing_takedown(
    *, listing: Listing, reason: str, moderator=None, case: ModerationCase | None = None
) -> TakedownResult:
    """Take ``listing`` down completely (see the module doc). Safe to run again: changes nothing more."""
    listing = (
        Listing.objects.select_for_update(no_key=True, of=("self",))
        .select_related("seller")
        .get(pk=listing.pk)
    )
    result = TakedownResult(listing=listing)
    if listing.status != ListingStatus.TAKEN_DOWN:
        before = listing.status
        listing = listing_takedown_mark(listing=listing, reason=reason, moderator=moderator)
        result.listing, result.newly_taken_down = listing, True
        audit_record(
            actor=moderator,
            action="listing.taken_down",
            subject_type="listing",
            subject_ref=listing.pk,
            reason=reason,
            case=case,
            before={"status": before},
            after={"status": listing.status},
        )
    # freeze first: a release racing this transaction either finished before (its transfer is then
    # stopped by the freeze) or waits on the hold lock and finds the hold voided or the freeze in place
    _freeze(seller=listing.seller, reason=reason, moderator=moderator, case=case, result=result)
    buyers = {}
    licences = (
        Licence.objects.select_for_update(no_key=True, of=("self",))
        .filter(listing=listing)
        .select_related("buyer")
    )
    for licence in licences:
        _freeze(reference=licence.reference, reason=reason, moderator=moderator, case=case, result=result)
        _revoke(licence, reason=reason, moderator=moderator, case=case, result=result)
        refunded_before = len(result.refunds)
        _refund(licence, reason=reason, moderator=moderator, case=case, result=result)
        if len(result.refunds) > refunded_before or licence.reference in result.revoked:
            buyers[licence.buyer_id] = licence.buyer
    if result.newly_taken_down or buyers:
        _notify_all(listing, set(buyers.values()), reason=reason)
    logger.info(
        "listing %s taken down: %s licences revoked, %s refunds",
        listing.pk,
        len(result.revoked),
        len(result.refunds),
    )
    return result
