"""The sandbox gateway: the default, so the demo runs end to end with no keys and no network.

Payments are "sessions" the payer completes on a local page (payouts/templates/payouts/
sandbox_checkout.html) with a success and a failure button. Refunds, transfers and onboarding
succeed locally. The sandbox keeps its own books (``SandboxRecord``), as a real gateway would, so
reconciliation has something independent to compare the ledger with; and it emits events in the
same shape as webhooks, so both gateways share the processing code.
"""

from __future__ import annotations

import json
import secrets
import time

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse

from kernel.money import Money

from ..models import SandboxRecord
from ..state import PaymentStatus, PayoutAccountStatus, RefundStatus
from .base import (
    AccountResult,
    EventType,
    GatewayError,
    GatewayEvent,
    GatewayRecords,
    InvalidSignature,
    PaymentGateway,
    PaymentInfo,
    PaymentSession,
    ReceivedEvent,
    RefundResult,
    ReversalResult,
    TransferResult,
)

Kind = SandboxRecord.Kind


def _new_id(prefix: str) -> str:
    return f"sbx_{prefix}_{secrets.token_hex(10)}"


class SandboxGateway(PaymentGateway):
    name = "sandbox"
    known_event_types = frozenset(
        {EventType.PAYMENT_SUCCEEDED, EventType.PAYMENT_FAILED, EventType.ACCOUNT_UPDATED}
    )

    # -- helpers ----------------------------------------------------------------------------

    def _idempotent(self, *, kind: str, idempotency_key: str, same: dict, create: dict) -> SandboxRecord:
        """Like a real gateway: a repeated key returns the first result, a key reused for
        something else is an error."""
        record = SandboxRecord.objects.filter(idempotency_key=idempotency_key).first()
        if record is not None:
            if record.kind != kind or any(record.data.get(k) != v for k, v in same.items()):
                raise GatewayError("Idempotency key reused with different parameters")
            return record
        data = {**create.pop("data", {}), **same}
        return SandboxRecord.objects.create(kind=kind, idempotency_key=idempotency_key, data=data, **create)

    def _get(self, kind: str, gateway_id: str, *, lock: bool = False) -> SandboxRecord:
        qs = SandboxRecord.objects.select_for_update(no_key=True) if lock else SandboxRecord.objects
        try:
            return qs.get(kind=kind, gateway_id=gateway_id)
        except SandboxRecord.DoesNotExist:
            raise GatewayError(f"No sandbox {kind} {gateway_id}") from None

    @staticmethod
    def _event(event_type: str, obj: dict) -> ReceivedEvent:
        event_id = _new_id("evt")
        payload = json.dumps(
            {
                "id": event_id,
                "object": "event",
                "type": event_type,
                "created": int(time.time()),
                "data": {"object": obj},
            },
            sort_keys=True,
        )
        return ReceivedEvent(event_id=event_id, type=event_type, payload=payload)

    # -- payments ---------------------------------------------------------------------------

    def payment_session_create(
        self, *, reference, amount, description, payer_id, return_url, idempotency_key
    ):
        record = self._idempotent(
            kind=Kind.PAYMENT,
            idempotency_key=idempotency_key,
            same={"reference": reference, "amount": amount.amount, "currency": amount.currency},
            create={
                "gateway_id": _new_id("pay"),
                "reference": reference,
                "amount": amount.amount,
                "currency": amount.currency,
                "status": PaymentStatus.REQUIRES_PAYMENT,
                "payer_id": payer_id,
                "data": {"description": description[:200]},
            },
        )
        url = reverse("payouts:sandbox_checkout", args=[record.gateway_id])
        return PaymentSession(gateway_payment_id=record.gateway_id, status=record.status, checkout_url=url)

    def payment_retrieve(self, gateway_payment_id):
        record = self._get(Kind.PAYMENT, gateway_payment_id)
        return PaymentInfo(
            gateway_payment_id=record.gateway_id,
            status=record.status,
            amount=Money(record.amount, record.currency),
            charge_id=record.data.get("charge_id", ""),
            reference=record.reference,
        )

    def session_complete(self, *, gateway_payment_id: str, succeeded: bool) -> ReceivedEvent | None:
        """The payer pressed a button on the sandbox page: settle the session and emit its event.

        ``None`` when the session had already succeeded (a second click changes nothing).
        """
        record = self._get(Kind.PAYMENT, gateway_payment_id, lock=True)
        if record.status == PaymentStatus.SUCCEEDED:
            return None
        if succeeded:
            record.status = PaymentStatus.SUCCEEDED
            record.data["charge_id"] = record.data.get("charge_id") or _new_id("ch")
            record.data.pop("message", None)
        else:
            record.status = PaymentStatus.FAILED
            record.data["message"] = "Declined on the sandbox page"
        record.save(update_fields=["status", "data", "updated_at"])
        event_type = EventType.PAYMENT_SUCCEEDED if succeeded else EventType.PAYMENT_FAILED
        return self._event(event_type, self._payment_object(record))

    @staticmethod
    def _payment_object(record: SandboxRecord) -> dict:
        return {
            "id": record.gateway_id,
            "object": "sandbox.payment",
            "amount": record.amount,
            "currency": record.currency,
            "reference": record.reference,
            "status": record.status,
            "charge_id": record.data.get("charge_id", ""),
            "message": record.data.get("message", ""),
        }

    @transaction.atomic  # the fake provider's own storage: its locks need a transaction of its own
    def refund_create(self, *, gateway_payment_id, charge_id, amount, reference, reason, idempotency_key):
        payment = self._get(Kind.PAYMENT, gateway_payment_id, lock=True)
        existing = SandboxRecord.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            if payment.status != PaymentStatus.SUCCEEDED:
                raise GatewayError("Cannot refund a payment that has not succeeded")
            refunded = (
                SandboxRecord.objects.filter(kind=Kind.REFUND, data__payment_id=gateway_payment_id).aggregate(
                    total=Sum("amount")
                )["total"]
                or 0
            )
            if amount.currency != payment.currency or refunded + amount.amount > payment.amount:
                raise GatewayError("Refund exceeds what is left of the payment")
        record = self._idempotent(
            kind=Kind.REFUND,
            idempotency_key=idempotency_key,
            same={"payment_id": gateway_payment_id, "amount": amount.amount},
            create={
                "gateway_id": _new_id("re"),
                "reference": reference,
                "amount": amount.amount,
                "currency": amount.currency,
                "status": RefundStatus.SUCCEEDED,
            },
        )
        return RefundResult(gateway_refund_id=record.gateway_id, status=record.status)

    # -- payouts ----------------------------------------------------------------------------

    def transfer_create(self, *, destination, amount, reference, source_transaction, idempotency_key):
        account = self._get(Kind.ACCOUNT, destination)
        if account.status != PayoutAccountStatus.ACTIVE:
            raise GatewayError("The destination account cannot receive transfers yet")
        record = self._idempotent(
            kind=Kind.TRANSFER,
            idempotency_key=idempotency_key,
            same={"destination": destination, "amount": amount.amount, "transfer_group": reference},
            create={
                "gateway_id": _new_id("tr"),
                "reference": reference,
                "amount": amount.amount,
                "currency": amount.currency,
                "status": "paid",
                "data": {"source_transaction": source_transaction, "amount_reversed": 0},
            },
        )
        return TransferResult(gateway_transfer_id=record.gateway_id, destination=destination)

    @transaction.atomic  # the fake provider's own storage: its locks need a transaction of its own
    def transfer_reverse(self, *, gateway_transfer_id, amount, idempotency_key):
        transfer = self._get(Kind.TRANSFER, gateway_transfer_id, lock=True)
        existing = SandboxRecord.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            reversed_so_far = transfer.data.get("amount_reversed", 0)
            if reversed_so_far + amount.amount > transfer.amount:
                raise GatewayError("Reversal exceeds the transfer")
            transfer.data["amount_reversed"] = reversed_so_far + amount.amount
            transfer.save(update_fields=["data", "updated_at"])
        record = self._idempotent(
            kind=Kind.REVERSAL,
            idempotency_key=idempotency_key,
            same={"transfer": gateway_transfer_id, "amount": amount.amount},
            create={
                "gateway_id": _new_id("trr"),
                "reference": transfer.reference,
                "amount": amount.amount,
                "currency": amount.currency,
                "status": "succeeded",
            },
        )
        return ReversalResult(gateway_reversal_id=record.gateway_id, amount=record.amount)

    def account_create(self, *, user_id, email, idempotency_key):
        record = self._idempotent(
            kind=Kind.ACCOUNT,
            idempotency_key=idempotency_key,
            same={"user_id": user_id},
            create={"gateway_id": _new_id("acct"), "status": PayoutAccountStatus.PENDING},
        )
        return AccountResult(gateway_account_id=record.gateway_id, status=record.status)

    def account_link(self, *, gateway_account_id, refresh_url, return_url):
        record = self._get(Kind.ACCOUNT, gateway_account_id)
        record.data["return_url"] = return_url
        record.save(update_fields=["data", "updated_at"])
        return reverse("payouts:sandbox_onboard", args=[record.gateway_id])

    def account_status(self, gateway_account_id):
        return self._get(Kind.ACCOUNT, gateway_account_id).status

    def account_activate(self, *, gateway_account_id: str) -> ReceivedEvent:
        """The seller finished the sandbox onboarding page."""
        record = self._get(Kind.ACCOUNT, gateway_account_id, lock=True)
        record.status = PayoutAccountStatus.ACTIVE
        record.save(update_fields=["status", "updated_at"])
        return self._event(
            EventType.ACCOUNT_UPDATED,
            {"id": record.gateway_id, "object": "sandbox.account", "status": record.status},
        )

    def account_return_url(self, gateway_account_id: str) -> str:
        return self._get(Kind.ACCOUNT, gateway_account_id).data.get("return_url", "")

    # -- events and records -----------------------------------------------------------------

    def webhook_verify(self, *, payload, signature):
        # The sandbox emits its events in-process; nothing from outside is ever accepted as one.
        raise InvalidSignature("The sandbox gateway accepts no webhook deliveries")

    def event_translate(self, payload):
        event = json.loads(payload)
        obj = event["data"]["object"]
        kind = event["type"]
        if kind in (EventType.PAYMENT_SUCCEEDED, EventType.PAYMENT_FAILED):
            return [
                GatewayEvent(
                    type=kind,
                    object_id=obj["id"],
                    reference=obj["reference"],
                    amount=obj["amount"],
                    currency=obj["currency"],
                    charge_id=obj.get("charge_id", ""),
                    status=obj["status"],
                    message=obj.get("message", ""),
                )
            ]
        if kind == EventType.ACCOUNT_UPDATED:
            return [GatewayEvent(type=kind, object_id=obj["id"], status=obj["status"])]
        return []

    def reconciliation_records(self, *, since=None):
        records = GatewayRecords()
        qs = SandboxRecord.objects.exclude(kind=Kind.ACCOUNT)
        if since is not None:
            from datetime import UTC, datetime

            qs = qs.filter(created_at__gte=datetime.fromtimestamp(since, tz=UTC))
        for r in qs:
            facts = {"amount": r.amount, "currency": r.currency, "status": r.status, "reference": r.reference}
            if r.kind == Kind.PAYMENT:
                records.payments[r.gateway_id] = facts
            elif r.kind == Kind.REFUND:
                records.refunds[r.gateway_id] = {**facts, "payment_id": r.data.get("payment_id", "")}
            elif r.kind == Kind.TRANSFER:
                records.transfers[r.gateway_id] = {
                    **facts,
                    "destination": r.data.get("destination", ""),
                    "amount_reversed": r.data.get("amount_reversed", 0),
                }
        return records
