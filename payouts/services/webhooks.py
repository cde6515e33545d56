"""Gateway events: verified, stored raw, processed once by event id in their own transaction.

The Stripe webhook endpoint and the sandbox page both end here, so both gateways share every line
of the processing. Processing is safe in any order because each step checks state before acting
(a failure after a success changes nothing; a refund that overtakes its payment records the
capture first) and every posting is idempotent.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from kernel.money import Money
from kernel.transitions import transition

from ..conf import payouts_settings
from ..exceptions import PayoutsError, UnknownReference
from ..gateways import get_gateway, sandbox_enabled
from ..gateways.base import EventType, GatewayEvent, ReceivedEvent
from ..gateways.sandbox import SandboxGateway
from ..models import GatewayPayment, PayoutAccount, WebhookEvent
from ..state import WebhookEventStatus
from .accounts import payout_account_status_record
from .escrow import payment_refunds_sync
from .payments import payment_capture_record, payment_failure_record
from .refunds import refund_status_record
from .transfers import transfer_reversal_record

logger = logging.getLogger(__name__)


def _store(*, gateway: str, received: ReceivedEvent) -> WebhookEvent:
    try:
        with transaction.atomic():
            return WebhookEvent.objects.create(
                gateway=gateway,
                event_id=received.event_id,
                type=received.type[:128],
                payload=received.payload,
                signature_verified=True,
            )
    except IntegrityError:  # delivered again (maybe concurrently): the stored one stands
        return WebhookEvent.objects.get(gateway=gateway, event_id=received.event_id)


def webhook_event_receive(*, gateway: str, payload: bytes, signature: str) -> WebhookEvent:
    """Verify a delivery (raises ``InvalidSignature``, storing nothing), store it once, process it once."""
    received = get_gateway(gateway).webhook_verify(payload=payload, signature=signature)
    event = _store(gateway=gateway, received=received)
    if event.status != WebhookEventStatus.RECEIVED:  # processed, or failed for good: staff have it
        return event
    return webhook_event_process(webhook_event_id=event.pk)


def webhook_event_process(*, webhook_event_id: int) -> WebhookEvent:
    """Apply a stored event in its own transaction, once. A domain refusal (``PayoutsError``) is recorded
    for staff and ends processing; anything else is recorded and re-raised so the delivery is retried,
    until the event has failed the same way ``WEBHOOK_EVENT_MAX_SAME_FAILURES`` times in a row: then it
    is marked failed (returned, not raised) and only staff can send it round again."""
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.select_for_update(no_key=True).get(pk=webhook_event_id)
            if event.status != WebhookEventStatus.RECEIVED:
                return event
            gateway = get_gateway(event.gateway)
            for item in gateway.event_translate(event.payload):
                gateway_event_apply(gateway=event.gateway, event=item)
            _processed(event, handled=event.type in gateway.known_event_types, error="")
            return event
    except PayoutsError as exc:
        logger.warning("webhook event %s refused: %s", webhook_event_id, type(exc).__name__)
        with transaction.atomic():
            event = WebhookEvent.objects.select_for_update(no_key=True).get(pk=webhook_event_id)
            if event.status == WebhookEventStatus.RECEIVED:
                _processed(event, handled=False, error=f"{type(exc).__name__}: {exc}")
        return event
    except Exception as exc:
        if _failure_record(webhook_event_id, error=f"{type(exc).__name__}: {exc}"[:2000]):
            return WebhookEvent.objects.get(pk=webhook_event_id)
        raise


def _processed(event: WebhookEvent, *, handled: bool, error: str) -> None:
    transition(
        event,
        to=WebhookEventStatus.PROCESSED,
        action="process",
        processed_at=timezone.now(),
        handled=handled,
        processing_error=error[:2000],
        attempts=event.attempts + 1,
        same_failures=0,
    )


def _failure_record(webhook_event_id: int, *, error: str) -> bool:
    """Count one failed attempt; True when this one made the event failed for good."""
    limit = max(1, int(payouts_settings.WEBHOOK_EVENT_MAX_SAME_FAILURES))
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update(no_key=True).get(pk=webhook_event_id)
        if event.status != WebhookEventStatus.RECEIVED:
            return event.status == WebhookEventStatus.FAILED
        same = event.same_failures + 1 if error == event.processing_error else 1
        fields = {"processing_error": error, "attempts": event.attempts + 1, "same_failures": same}
        if same < limit:
            WebhookEvent.objects.filter(pk=event.pk).update(**fields)
            return False
        logger.error("webhook event %s failed %s times the same way: marked failed", event.pk, same)
        transition(
            event,
            to=WebhookEventStatus.FAILED,
            action="give_up",
            reason=error,
            failed_at=timezone.now(),
            **fields,
        )
        return True


def webhook_event_requeue(*, webhook_event_id: int, actor) -> WebhookEvent:
    """Staff send a failed event round again (after fixing what made it fail); processed at once."""
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update(no_key=True).get(pk=webhook_event_id)
        transition(
            event,
            to=WebhookEventStatus.RECEIVED,
            actor=actor,
            action="requeue",
            failed_at=None,
            same_failures=0,
        )
    return webhook_event_process(webhook_event_id=webhook_event_id)


def gateway_event_apply(*, gateway: str, event: GatewayEvent) -> None:
    """Route one gateway-neutral event to the service that records it."""
    if event.type == EventType.PAYMENT_SUCCEEDED:
        reference = event.reference or _payment_reference(gateway, event.object_id)
        payment_capture_record(
            reference=reference,
            amount=Money(event.amount, event.currency),
            gateway=gateway,
            gateway_payment_id=event.object_id,
            charge_id=event.charge_id,
        )
    elif event.type in (EventType.PAYMENT_FAILED, EventType.PAYMENT_CANCELED):
        payment_failure_record(
            gateway=gateway,
            gateway_payment_id=event.object_id,
            message=event.message,
            canceled=event.type == EventType.PAYMENT_CANCELED,
        )
    elif event.type == EventType.PAYMENT_REFUNDED:
        payment_refunds_sync(
            gateway=gateway,
            gateway_payment_id=event.object_id,
            charge_id=event.charge_id,
            amount_refunded=event.amount_refunded,
            refunds=event.refunds,
        )
    elif event.type == EventType.REFUND_UPDATED:
        refund_status_record(gateway=gateway, gateway_refund_id=event.object_id, status=event.status)
    elif event.type == EventType.ACCOUNT_UPDATED:
        payout_account_status_record(gateway=gateway, gateway_account_id=event.object_id, status=event.status)
    elif event.type == EventType.TRANSFER_REVERSED:
        transfer_reversal_record(
            gateway=gateway, gateway_transfer_id=event.object_id, amount_reversed=event.amount
        )


def _payment_reference(gateway: str, gateway_payment_id: str) -> str:
    payment = GatewayPayment.objects.filter(gateway=gateway, gateway_payment_id=gateway_payment_id).first()
    if payment is None:
        raise UnknownReference(f"No payment {gateway}:{gateway_payment_id}")
    return payment.reference


def webhook_events_retry(*, older_than: timedelta = timedelta(minutes=1)) -> int:
    """Process stored events whose processing failed (each in its own transaction); how many succeeded."""
    done = 0
    cutoff = timezone.now() - older_than
    waiting = WebhookEvent.objects.filter(status=WebhookEventStatus.RECEIVED, received_at__lt=cutoff)
    for pk in waiting.values_list("pk", flat=True):
        try:
            done += webhook_event_process(webhook_event_id=pk).status == WebhookEventStatus.PROCESSED
        except Exception:  # noqa: BLE001 - recorded on the row; the next run tries again
            logger.exception("webhook event %s still fails", pk)
    return done


# -- the sandbox's "webhooks": its page emits the same events -------------------------------------


def _sandbox() -> SandboxGateway:
    if not sandbox_enabled():
        raise PermissionDenied("The sandbox gateway is not enabled")
    gateway = get_gateway(SandboxGateway.name)
    assert isinstance(gateway, SandboxGateway)
    return gateway


def sandbox_payment_complete(*, gateway_payment_id: str, user, succeeded: bool) -> GatewayPayment:
    """The payer pressed "pay" or "decline" on the sandbox page. Only the payer may."""
    sandbox = _sandbox()
    payment = GatewayPayment.objects.filter(
        gateway=SandboxGateway.name, gateway_payment_id=gateway_payment_id
    ).first()
    if payment is None:
        raise UnknownReference(f"No sandbox payment {gateway_payment_id}")
    if payment.payer_id is None or payment.payer_id != getattr(user, "pk", None):
        raise PermissionDenied("Only the payer can complete this payment")
    with transaction.atomic():
        received = sandbox.session_complete(gateway_payment_id=gateway_payment_id, succeeded=succeeded)
        event = _store(gateway=SandboxGateway.name, received=received) if received else None
    if event is not None:
        webhook_event_process(webhook_event_id=event.pk)
    payment.refresh_from_db()
    return payment


def sandbox_account_activate(*, gateway_account_id: str, user) -> str:
    """The seller finished the sandbox onboarding page; returns where to send them back to."""
    sandbox = _sandbox()
    account = PayoutAccount.objects.filter(
        gateway=SandboxGateway.name, gateway_account_id=gateway_account_id
    ).first()
    if account is None or account.user_id != getattr(user, "pk", None):
        raise PermissionDenied("Only the account's owner can onboard it")
    with transaction.atomic():
        event = _store(
            gateway=SandboxGateway.name,
            received=sandbox.account_activate(gateway_account_id=gateway_account_id),
        )
    webhook_event_process(webhook_event_id=event.pk)
    return sandbox.account_return_url(gateway_account_id)
