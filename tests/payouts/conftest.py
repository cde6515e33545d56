"""Fixtures of the payouts tests: holds paid through the sandbox, payout accounts, a localstripe server."""

from __future__ import annotations

import hashlib
import hmac
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import Request, urlopen

import pytest

from kernel.money import Money

HERE = Path(__file__).resolve().parent
STRIPE_KEY = "sk_test_face_market_local"  # the platform's key (the gateway under test)
BUYER_SIDE_KEY = "sk_test_buyer_side_and_dashboard"  # the test's own calls, told apart in audits
WEBHOOK_SECRET = "whsec_face_market_test_secret"
STRIPE_GATEWAY = "payouts.gateways.stripe_gateway.StripeGateway"


def assert_ledger_healthy() -> None:
    """Every transaction balanced per currency, and so the whole ledger sums to zero."""
    from payouts.selectors import ledger_totals_by_currency, unbalanced_transaction_ids

    assert unbalanced_transaction_ids() == []
    assert all(total == 0 for total in ledger_totals_by_currency().values())


@pytest.fixture
def sandbox_hold(db):
    """``sandbox_hold(reference=..., amount=..., payer=..., payee=...)``: a buyer pays on the sandbox page."""
    from payouts.models import EscrowHold
    from payouts.services import payment_session_create, sandbox_payment_complete

    def make(*, reference: str, amount: int = 10_000, payer, payee, currency: str = "CNY") -> EscrowHold:
        session = payment_session_create(
            reference=reference,
            amount=Money(amount, currency),
            payer=payer,
            payee=payee,
            idempotency_key=f"checkout:{reference}",
            description=f"Licence {reference}",
        )
        sandbox_payment_complete(
            gateway_payment_id=session.payment.gateway_payment_id, user=payer, succeeded=True
        )
        return EscrowHold.objects.get(reference=reference)

    return make


@pytest.fixture
def active_payout_account(db):
    """``active_payout_account(user)``: the seller onboarded at the sandbox gateway."""
    from payouts.services import payout_account_onboard, sandbox_account_activate

    def make(user):
        link = payout_account_onboard(
            user=user, refresh_url="http://testserver/r", return_url="http://testserver/ok"
        )
        sandbox_account_activate(gateway_account_id=link.account.gateway_account_id, user=user)
        link.account.refresh_from_db()
        return link.account

    return make


# -- Stripe through localstripe -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe_url():
    """localstripe (with Connect added) on a free loopback port, in memory, for the whole session."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "localstripe_server.py"), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            raise RuntimeError("localstripe exited at start:\n" + (proc.stdout.read() if proc.stdout else ""))
        try:
            # a loopback http URL we built: no file: or custom scheme can reach urlopen
            request = Request(url + "/v1/balance", headers={"Authorization": f"Bearer {STRIPE_KEY}"})  # noqa: S310
            with urlopen(request, timeout=1):  # noqa: S310
                break
        except OSError:
            if time.monotonic() > deadline:
                proc.terminate()
                raise RuntimeError("localstripe did not answer within 30 s") from None
            time.sleep(0.1)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def stripe_settings(settings, localstripe_url):
    """The Stripe gateway, pointed at localstripe."""
    settings.STRIPE_SECRET_KEY = STRIPE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = localstripe_url
    settings.FACE_MARKET = {**settings.FACE_MARKET, "PAYMENT_GATEWAY": STRIPE_GATEWAY}
    return settings


@pytest.fixture
def stripe_client(localstripe_url):
    """The real SDK, as the buyer's browser (Stripe.js) and the test's eyes on "Stripe"."""
    import stripe

    return stripe.StripeClient(BUYER_SIDE_KEY, base_addresses={"api": localstripe_url}, max_network_retries=0)


def stripe_signature(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """Stripe's scheme: ``t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>``."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def deliver(client, payload: bytes, *, signature: str | None = None):
    """POST a webhook delivery to the endpoint as Stripe would."""
    return client.post(
        "/api/v1/payouts/webhooks/stripe/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stripe_signature(payload) if signature is None else signature,
    )
