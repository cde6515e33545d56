"""The deal's domain events, through the kernel outbox: written with the change, handled after commit.

One event per thing a host, the trust surface or a person must hear of. The services emit them inside
their transaction (``licence_event_emit(licence, "revoked")``); lower apps emit their own
(``listing.published`` from listings, ``verification.blocked`` from verification, ``hold.released``
from payouts). :func:`domain_handlers_register` (``AppConfig.ready()``) wires them to:

- the outbound webhooks and public signals (``marketplace.webhooks``), one webhook type per event;
- the trust surface: a licence's credential and its status-list entry follow the licence (and a
  moderation hold or release of its listing);
- the order: a refund made at the payment provider that empties the hold ends the order or licence;
- moderation: a verification held for review becomes a moderation case at once, not at the next sweep.

Every handler is idempotent: the outbox may run it again after a crash.
"""

from __future__ import annotations

from kernel import outbox

#: outbox type -> webhook type, for events whose outbox name is another app's own
WEBHOOK_TYPES = {
    "hold.released": "escrow.released",
    "hold.voided": "escrow.refunded",
}
LICENCE_KINDS = ("issued", "revoked", "expired", "suspended", "reinstated")
#: listings' own moderation-hold events: the listing's licences' credentials follow them
LISTING_REVIEW_KINDS = ("held_for_review", "review_released")


def licence_event_emit(licence, kind: str) -> None:
    """Announce a licence's change (``kind`` in :data:`LICENCE_KINDS`), in the caller's transaction."""
    from marketplace.webhooks.events import licence_event_payload

    outbox.event_emit(
        f"licence.{kind}", subject=f"licence:{licence.reference}", payload=licence_event_payload(licence)
    )


def usage_report_event_emit(report, kind: str) -> None:
    from marketplace.webhooks.events import usage_report_event_payload

    outbox.event_emit(
        f"usage_report.{kind}",
        subject=f"licence:{report.licence.reference}",
        payload=usage_report_event_payload(report),
    )


def revocation_event_emit(revocation, kind: str) -> None:
    from marketplace.webhooks.events import revocation_event_payload

    outbox.event_emit(
        f"revocation.{kind}",
        subject=f"listing:{revocation.listing_id}",
        payload=revocation_event_payload(revocation),
    )


# --- handlers ---------------------------------------------------------------------------------------


def _payload_for_webhook(event) -> tuple[str, str, dict] | None:
    """(webhook type, subject, data) of an outbox event, or None when hosts are not told of it."""
    from listings.models import Listing
    from marketplace.webhooks.events import (
        EVENT_TYPES,
        escrow_event_payload,
        listing_event_payload,
        verification_event_payload,
    )
    from payouts.models import EscrowHold
    from verification.models import Enrollment

    webhook_type = WEBHOOK_TYPES.get(event.type, event.type)
    if webhook_type not in EVENT_TYPES:
        return None
    data = event.payload
    if webhook_type.startswith("listing."):  # listings sends its id: the host gets the listing as it is
        listing = Listing.objects.select_related("tier").filter(pk=data.get("listing")).first()
        return (webhook_type, event.subject, listing_event_payload(listing)) if listing else None
    if webhook_type.startswith("escrow."):
        hold = EscrowHold.objects.filter(reference=data.get("reference", "")).first()
        if hold is None:
            return None
        return webhook_type, f"licence:{hold.reference}", escrow_event_payload(hold)
    if webhook_type.startswith("verification."):
        enrollment = Enrollment.objects.filter(pk=data.get("enrollment")).first()
        if enrollment is None:
            return None
        return webhook_type, f"seller:{enrollment.user_id}", verification_event_payload(enrollment)
    return webhook_type, event.subject, data


def webhooks_publish(event) -> None:
    from marketplace.webhooks.services import webhook_event_publish

    found = _payload_for_webhook(event)
    if found is None:
        return
    webhook_type, subject, data = found
    webhook_event_publish(
        event_type=webhook_type,
        event_id=str(event.pk),
        occurred_at=event.created_at,
        subject=subject,
        payload=data,
    )


def trust_licence_follow(event) -> None:
    """The licence's credential is issued, or its status-list entry flipped, to match the licence."""
    from marketplace.models import Licence
    from marketplace.trust.services import trust_licence_sync

    reference = event.payload.get("licence", "")
    if not reference:
        return
    try:
        trust_licence_sync(reference=reference)
    except Licence.DoesNotExist:  # not one of ours (found by a read: nothing was written)
        return


def trust_listing_follow(event) -> None:
    """A moderation hold or release of a listing suspends or restores its licences' credentials."""
    from marketplace.models import Licence
    from marketplace.trust.services import trust_licence_sync

    for licence_id in Licence.objects.filter(listing_id=event.payload.get("listing")).values_list(
        "pk", flat=True
    ):
        trust_licence_sync(licence_id=licence_id)


def provider_refund_follow(event) -> None:
    """A hold emptied by a refund made at the provider ends the order or its licence."""
    from marketplace.purchases.provider_refunds import order_follow_provider_refund

    order_follow_provider_refund(reference=event.payload.get("reference", ""))


def held_verification_to_moderation(event) -> None:
    """A verification held for review reaches a moderator now, not at the next sweep: a claimant's
    verdict decides their face claim first (the claim owns its flag), then any other flag opens a case."""
    from marketplace.services import face_claims_decide_pending, moderation_cases_sync_from_verification

    face_claims_decide_pending()
    moderation_cases_sync_from_verification()  # both idempotent


def claims_after_verification(event) -> None:
    """A claimant who verified (no match found) has their face claim decided now."""
    from marketplace.services import face_claims_decide_pending

    face_claims_decide_pending()


def domain_handlers_register() -> None:
    from marketplace.webhooks.events import EVENT_TYPES

    for outbox_type in {*EVENT_TYPES, *WEBHOOK_TYPES}:
        outbox.handler_register(outbox_type, webhooks_publish)
    for kind in LICENCE_KINDS:
        outbox.handler_register(f"licence.{kind}", trust_licence_follow)
    for kind in LISTING_REVIEW_KINDS:
        outbox.handler_register(f"listing.{kind}", trust_listing_follow)
    outbox.handler_register("hold.voided", provider_refund_follow)
    outbox.handler_register("verification.blocked", held_verification_to_moderation)
    outbox.handler_register("verification.verified", claims_after_verification)
