"""The one interface every payment gateway implements, and the gateway-neutral values it speaks in.

A gateway is a thin adapter: it talks to the provider and translates. It never touches the ledger;
the services do that with what the gateway returns, so the sandbox and Stripe share every line of
money logic. Every call that moves money takes an idempotency key the provider honours, so a call
repeated after a crash (our transaction rolled back, theirs did not) returns the same object.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar

from kernel.money import Money


class GatewayError(Exception):
    """The provider refused or could not be reached. The message is safe to store and show staff."""


class InvalidSignature(GatewayError):
    """A webhook delivery whose signature does not verify."""


class EventType:
    """Gateway-neutral events, what both the Stripe webhook and the sandbox page produce."""

    PAYMENT_SUCCEEDED = "payment.succeeded"
    PAYMENT_FAILED = "payment.failed"
    PAYMENT_CANCELED = "payment.canceled"
    PAYMENT_REFUNDED = "payment.refunded"  # the charge was (partly) refunded, maybe outside the platform
    REFUND_UPDATED = "refund.updated"
    ACCOUNT_UPDATED = "account.updated"
    TRANSFER_REVERSED = "transfer.reversed"


@dataclass(frozen=True)
class GatewayEvent:
    type: str
    object_id: str  # the payment, refund, account or transfer id at the gateway
    reference: str = ""
    amount: int = 0  # minor units
    currency: str = ""
    charge_id: str = ""
    status: str = ""
    payment_id: str = ""  # for refunds: the payment they belong to
    amount_refunded: int = 0
    #: (refund id, amount, status) known at the gateway for a refunded charge
    refunds: tuple[tuple[str, int, str], ...] = ()
    message: str = ""


@dataclass(frozen=True)
class ReceivedEvent:
    """A webhook delivery whose signature verified: its id, type and the raw body as received."""

    event_id: str
    type: str
    payload: str


@dataclass(frozen=True)
class PaymentSession:
    gateway_payment_id: str
    status: str
    #: where the payer completes the payment (the sandbox page); empty for Stripe, which pays in the
    #: deal app's own page through Stripe.js with ``client_secret``
    checkout_url: str = ""
    client_secret: str = field(default="", repr=False)  # for the payer's browser only: never logged or stored


@dataclass(frozen=True)
class BrowserCheckout:
    """Handed to the payer's page only: a publishable key and the payment's client secret."""

    gateway: str
    publishable_key: str
    client_secret: str = field(repr=False)


@dataclass(frozen=True)
class PaymentInfo:
    gateway_payment_id: str
    status: str
    amount: Money
    charge_id: str = ""
    reference: str = ""


@dataclass(frozen=True)
class RefundResult:
    gateway_refund_id: str
    status: str  # a RefundStatus value


@dataclass(frozen=True)
class TransferResult:
    gateway_transfer_id: str
    destination: str


@dataclass(frozen=True)
class ReversalResult:
    gateway_reversal_id: str
    amount: int


@dataclass(frozen=True)
class AccountResult:
    gateway_account_id: str
    status: str  # a PayoutAccountStatus value


@dataclass
class GatewayRecords:
    """What the gateway says happened, for reconciliation: id -> facts."""

    payments: dict[str, dict] = field(default_factory=dict)  # amount, currency, status, reference
    refunds: dict[str, dict] = field(default_factory=dict)  # amount, currency, status, payment_id
    transfers: dict[str, dict] = field(default_factory=dict)  # amount, currency, destination, reference


class PaymentGateway(ABC):
    """Chosen by dotted path in ``FACE_MARKET["PAYMENT_GATEWAY"]``."""

    #: stored on every record made through it, so later calls reach the same provider
    name: ClassVar[str]
    #: event types this gateway's webhooks carry that the platform acts on; others are recorded and ignored
    known_event_types: ClassVar[frozenset[str]] = frozenset()

    # -- payments ---------------------------------------------------------------------------

    @abstractmethod
    def payment_session_create(
        self,
        *,
        reference: str,
        amount: Money,
        description: str,
        payer_id: int | None,
        return_url: str,
        idempotency_key: str,
    ) -> PaymentSession:
        """Start a payment that is captured at once (cards, Alipay and WeChat Pay alike)."""

    @abstractmethod
    def payment_retrieve(self, gateway_payment_id: str) -> PaymentInfo: ...

    def payment_browser_checkout(self, gateway_payment_id: str) -> BrowserCheckout | None:
        """What the payer's page needs to pay in the browser (Stripe.js), or None (a hosted page)."""
        return None

    @abstractmethod
    def refund_create(
        self,
        *,
        gateway_payment_id: str,
        charge_id: str,
        amount: Money,
        reference: str,
        reason: str,
        idempotency_key: str,
    ) -> RefundResult: ...

    # -- payouts ----------------------------------------------------------------------------

    @abstractmethod
    def transfer_create(
        self,
        *,
        destination: str,
        amount: Money,
        reference: str,
        source_transaction: str,
        idempotency_key: str,
    ) -> TransferResult:
        """Pay a seller's connected account; ``reference`` is the transfer group."""

    @abstractmethod
    def transfer_reverse(
        self, *, gateway_transfer_id: str, amount: Money, idempotency_key: str
    ) -> ReversalResult: ...

    @abstractmethod
    def account_create(self, *, user_id: int, email: str, idempotency_key: str) -> AccountResult: ...

    @abstractmethod
    def account_link(self, *, gateway_account_id: str, refresh_url: str, return_url: str) -> str:
        """A one-time URL where the seller finishes onboarding."""

    @abstractmethod
    def account_status(self, gateway_account_id: str) -> str: ...

    # -- events and records -----------------------------------------------------------------

    @abstractmethod
    def webhook_verify(self, *, payload: bytes, signature: str) -> ReceivedEvent:
        """Verify a delivery's signature; raise :class:`InvalidSignature` if it does not."""

    @abstractmethod
    def event_translate(self, payload: str) -> list[GatewayEvent]:
        """The gateway-neutral events in a stored raw event (none for types we ignore)."""

    @abstractmethod
    def reconciliation_records(self, *, since: int | None = None) -> GatewayRecords:
        """Payments, refunds and transfers at the gateway (created at or after ``since``, a Unix time)."""
