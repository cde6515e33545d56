"""Stripe: PaymentIntents with automatic payment methods (cards, Alipay, WeChat Pay), Connect Express
accounts for sellers, "separate charges and transfers" (``transfer_group`` = licence reference,
``source_transaction`` = the charge), refunds and transfer reversals.

Keys come from Django settings (``STRIPE_SECRET_KEY``, ``STRIPE_WEBHOOK_SECRET``, and
``STRIPE_API_BASE`` to point the SDK at a local fake). Every write carries an idempotency key.
Nothing here logs a key, a client secret or a raw payload.
"""

from __future__ import annotations

import json
import uuid
from functools import lru_cache

import stripe
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from kernel.money import Money

from ..state import PaymentStatus, PayoutAccountStatus, RefundStatus
from .base import (
    AccountResult,
    BrowserCheckout,
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

PAYMENT_STATUSES = {
    "requires_payment_method": PaymentStatus.REQUIRES_PAYMENT,
    "requires_confirmation": PaymentStatus.REQUIRES_PAYMENT,
    "requires_action": PaymentStatus.REQUIRES_PAYMENT,
    "processing": PaymentStatus.PROCESSING,
    "requires_capture": PaymentStatus.PROCESSING,
    "succeeded": PaymentStatus.SUCCEEDED,
    "canceled": PaymentStatus.CANCELED,
}
REFUND_STATUSES = {
    "pending": RefundStatus.PENDING,
    "requires_action": RefundStatus.PENDING,
    "succeeded": RefundStatus.SUCCEEDED,
    "failed": RefundStatus.FAILED,
    "canceled": RefundStatus.FAILED,
}
LIST_PAGE = 100


@lru_cache(maxsize=4)
def _client(api_key: str, api_base: str) -> stripe.StripeClient:
    options = {"base_addresses": {"api": api_base}} if api_base else {}
    return stripe.StripeClient(api_key, max_network_retries=2, **options)


def _id(value) -> str:
    """An expandable field: an id string, an expanded object, or nothing."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return value.get("id", "")
    return getattr(value, "id", "") or ""


def _safe_error(exc: stripe.StripeError) -> GatewayError:
    # user_message/code carry no credentials; the full message may echo request details
    code = getattr(exc, "code", None) or type(exc).__name__
    message = getattr(exc, "user_message", None) or ""
    return GatewayError(f"Stripe: {code}{': ' + message if message else ''}"[:500])


def account_status_from(account: dict) -> str:
    """Active only when Stripe will let the platform transfer to it; pending until the seller has
    submitted their details (a fresh account already lists requirements); restricted otherwise."""
    capabilities = account.get("capabilities") or {}
    requirements = account.get("requirements") or {}
    transfers_ok = capabilities.get("transfers") == "active" and account.get("payouts_enabled")
    if transfers_ok and not requirements.get("disabled_reason"):
        return PayoutAccountStatus.ACTIVE
    if not account.get("details_submitted"):
        return PayoutAccountStatus.PENDING
    return PayoutAccountStatus.RESTRICTED


#: PaymentIntent statuses in which the payer's page can still confirm the payment
AWAITING_THE_PAYER = frozenset({"requires_payment_method", "requires_confirmation", "requires_action"})


class StripeGateway(PaymentGateway):
    name = "stripe"
    known_event_types = frozenset(
        {
            "payment_intent.succeeded",
            "payment_intent.payment_failed",
            "payment_intent.canceled",
            "charge.refunded",
            "refund.updated",
            "refund.failed",
            "charge.refund.updated",
            "account.updated",
            "transfer.reversed",
        }
    )

    def __init__(self) -> None:
        api_key = getattr(settings, "STRIPE_SECRET_KEY", "")
        if not api_key:
            raise ImproperlyConfigured("STRIPE_SECRET_KEY is not set")
        self.client = _client(api_key, getattr(settings, "STRIPE_API_BASE", "") or "")
        self.webhook_secret = getattr(settings, "STRIPE_WEBHOOK_SECRET", "")

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except stripe.StripeError as exc:
            raise _safe_error(exc) from None

    # -- payments ---------------------------------------------------------------------------

    def payment_session_create(
        self, *, reference, amount, description, payer_id, return_url, idempotency_key
    ):
        intent = self._call(
            self.client.v1.payment_intents.create,
            params={
                "amount": amount.amount,
                "currency": amount.currency.lower(),
                # Stripe picks what the buyer's account and country allow: cards, Alipay, WeChat Pay.
                # Captured at once: Alipay and WeChat Pay have no delayed capture; escrow is our ledger.
                "automatic_payment_methods": {"enabled": True},
                "transfer_group": reference,
                "description": description[:200] if description else reference,
                "metadata": {"reference": reference, "payer_id": str(payer_id or "")},
            },
            options={"idempotency_key": idempotency_key},
        )
        return PaymentSession(
            gateway_payment_id=intent.id,
            status=PAYMENT_STATUSES.get(intent.status, PaymentStatus.REQUIRES_PAYMENT),
            client_secret=intent.client_secret or "",
        )

    def payment_retrieve(self, gateway_payment_id):
        intent = self._call(self.client.v1.payment_intents.retrieve, gateway_payment_id).to_dict()
        return PaymentInfo(
            gateway_payment_id=intent["id"],
            status=PAYMENT_STATUSES.get(intent.get("status"), PaymentStatus.REQUIRES_PAYMENT),
            amount=Money(int(intent.get("amount_received") or intent["amount"]), intent["currency"].upper()),
            charge_id=_id(intent.get("latest_charge")),
            reference=(intent.get("metadata") or {}).get("reference") or intent.get("transfer_group") or "",
        )

    def payment_browser_checkout(self, gateway_payment_id):
        """Stripe.js's Payment Element confirms the PaymentIntent in the payer's browser (cards, Alipay,
        WeChat Pay): it needs the publishable key and the intent's client secret, read fresh, never stored."""
        publishable_key = getattr(settings, "STRIPE_PUBLISHABLE_KEY", "")
        if not publishable_key:
            return None
        intent = self._call(self.client.v1.payment_intents.retrieve, gateway_payment_id).to_dict()
        if intent.get("status") not in AWAITING_THE_PAYER:
            return None
        return BrowserCheckout(
            gateway=self.name, publishable_key=publishable_key, client_secret=intent["client_secret"]
        )

    def refund_create(self, *, gateway_payment_id, charge_id, amount, reference, reason, idempotency_key):
        refund = self._call(
            self.client.v1.refunds.create,
            params={
                "payment_intent": gateway_payment_id,
                "amount": amount.amount,
                "metadata": {"reference": reference, "reason": reason[:400]},
            },
            options={"idempotency_key": idempotency_key},
        )
        return RefundResult(
            gateway_refund_id=refund.id, status=REFUND_STATUSES.get(refund.status, RefundStatus.PENDING)
        )

    # -- payouts ----------------------------------------------------------------------------

    def transfer_create(self, *, destination, amount, reference, source_transaction, idempotency_key):
        params = {
            "amount": amount.amount,
            "currency": amount.currency.lower(),
            "destination": destination,
            "transfer_group": reference,
            "metadata": {"reference": reference},
        }
        if source_transaction:
            # ties the transfer to the buyer's charge: it can go out before the funds settle
            params["source_transaction"] = source_transaction
        transfer = self._call(
            self.client.v1.transfers.create, params=params, options={"idempotency_key": idempotency_key}
        )
        return TransferResult(
            gateway_transfer_id=transfer.id, destination=_id(transfer.destination) or destination
        )

    def transfer_reverse(self, *, gateway_transfer_id, amount, idempotency_key):
        reversal = self._call(
            self.client.v1.transfers.reversals.create,
            gateway_transfer_id,
            params={"amount": amount.amount},
            options={"idempotency_key": idempotency_key},
        )
        return ReversalResult(gateway_reversal_id=reversal.id, amount=int(reversal.amount))

    def account_create(self, *, user_id, email, idempotency_key):
        params = {
            "type": "express",
            "capabilities": {"transfers": {"requested": True}},
            "metadata": {"user_id": str(user_id)},
        }
        if email:
            params["email"] = email
        account = self._call(
            self.client.v1.accounts.create, params=params, options={"idempotency_key": idempotency_key}
        )
        return AccountResult(gateway_account_id=account.id, status=account_status_from(account.to_dict()))

    def account_link(self, *, gateway_account_id, refresh_url, return_url):
        link = self._call(
            self.client.v1.account_links.create,
            params={
                "account": gateway_account_id,
                "refresh_url": refresh_url,
                "return_url": return_url,
                "type": "account_onboarding",
            },
            # A link is single-use and short-lived, so each request wants a fresh one; the key only
            # makes the SDK's own network retries of this request return the same link.
            options={"idempotency_key": f"account-link:{gateway_account_id}:{uuid.uuid4().hex}"},
        )
        return link.url

    def account_status(self, gateway_account_id):
        account = self._call(self.client.v1.accounts.retrieve, gateway_account_id)
        return account_status_from(account.to_dict())

    # -- events and records -----------------------------------------------------------------

    def webhook_verify(self, *, payload, signature):
        if not self.webhook_secret:
            raise InvalidSignature("STRIPE_WEBHOOK_SECRET is not set")
        try:
            event = stripe.Webhook.construct_event(payload, signature, self.webhook_secret)
        except (stripe.SignatureVerificationError, ValueError) as exc:
            raise InvalidSignature(type(exc).__name__) from None
        text = payload.decode("utf-8") if isinstance(payload, bytes | bytearray) else payload
        return ReceivedEvent(event_id=event.id, type=event.type, payload=text)

    def event_translate(self, payload):
        event = json.loads(payload)
        kind = event.get("type", "")
        obj = (event.get("data") or {}).get("object") or {}
        if kind.startswith("payment_intent."):
            return self._payment_event(kind, obj)
        if kind == "charge.refunded":
            refunds = tuple(
                (r["id"], int(r["amount"]), REFUND_STATUSES.get(r.get("status"), RefundStatus.PENDING))
                for r in ((obj.get("refunds") or {}).get("data") or [])
            )
            return [
                GatewayEvent(
                    type=EventType.PAYMENT_REFUNDED,
                    object_id=_id(obj.get("payment_intent")),
                    charge_id=obj["id"],
                    amount=int(obj["amount"]),
                    currency=obj["currency"].upper(),
                    amount_refunded=int(obj.get("amount_refunded") or 0),
                    refunds=refunds,
                    reference=(obj.get("metadata") or {}).get("reference", ""),
                )
            ]
        if kind in ("refund.updated", "refund.failed", "charge.refund.updated"):
            return [
                GatewayEvent(
                    type=EventType.REFUND_UPDATED,
                    object_id=obj["id"],
                    amount=int(obj.get("amount") or 0),
                    status=REFUND_STATUSES.get(obj.get("status"), RefundStatus.PENDING),
                    payment_id=_id(obj.get("payment_intent")),
                )
            ]
        if kind == "account.updated":
            return [
                GatewayEvent(
                    type=EventType.ACCOUNT_UPDATED, object_id=obj["id"], status=account_status_from(obj)
                )
            ]
        if kind == "transfer.reversed":
            return [
                GatewayEvent(
                    type=EventType.TRANSFER_REVERSED,
                    object_id=obj["id"],
                    amount=int(obj.get("amount_reversed") or 0),
                    currency=(obj.get("currency") or "").upper(),
                )
            ]
        return []

    def _payment_event(self, kind: str, obj: dict) -> list[GatewayEvent]:
        types = {
            "payment_intent.succeeded": EventType.PAYMENT_SUCCEEDED,
            "payment_intent.payment_failed": EventType.PAYMENT_FAILED,
            "payment_intent.canceled": EventType.PAYMENT_CANCELED,
        }
        if kind not in types:
            return []
        error = obj.get("last_payment_error") or {}
        return [
            GatewayEvent(
                type=types[kind],
                object_id=obj["id"],
                reference=(obj.get("metadata") or {}).get("reference") or obj.get("transfer_group") or "",
                amount=int(obj.get("amount_received") or obj["amount"]),
                currency=obj["currency"].upper(),
                charge_id=_id(obj.get("latest_charge")),
                status=PAYMENT_STATUSES.get(obj.get("status"), ""),
                message=(error.get("message") or "")[:300],
            )
        ]

    def reconciliation_records(self, *, since=None):
        records = GatewayRecords()
        params = {"limit": LIST_PAGE}
        if since is not None:
            params["created"] = {"gte": since}
        for intent in self._list(self.client.v1.payment_intents, params):
            records.payments[intent["id"]] = {
                "amount": int(intent.get("amount_received") or intent["amount"]),
                "currency": intent["currency"].upper(),
                "status": PAYMENT_STATUSES.get(intent.get("status"), intent.get("status")),
                "reference": (intent.get("metadata") or {}).get("reference")
                or intent.get("transfer_group")
                or "",
            }
        for refund in self._list(self.client.v1.refunds, params):
            records.refunds[refund["id"]] = {
                "amount": int(refund["amount"]),
                "currency": refund["currency"].upper(),
                "status": REFUND_STATUSES.get(refund.get("status"), refund.get("status")),
                "payment_id": _id(refund.get("payment_intent")),
                "reference": (refund.get("metadata") or {}).get("reference", ""),
            }
        for transfer in self._list(self.client.v1.transfers, params):
            records.transfers[transfer["id"]] = {
                "amount": int(transfer["amount"]),
                "currency": transfer["currency"].upper(),
                "status": "paid",
                "destination": _id(transfer.get("destination")),
                "reference": transfer.get("transfer_group") or "",
                "amount_reversed": int(transfer.get("amount_reversed") or 0),
            }
        return records

    def _list(self, service, params: dict):
        page = self._call(service.list, params=dict(params))
        while True:
            items = [item.to_dict() for item in page.data]
            yield from items
            if not page.has_more or not items:
                return
            page = self._call(service.list, params={**params, "starting_after": items[-1]["id"]})
