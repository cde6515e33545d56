"""A purchase through the Stripe gateway: the real stripe SDK against localstripe on 127.0.0.1.

The buyer's browser (Stripe.js) is played by the SDK with the buyer-side key; Stripe's webhook
delivery is played by posting the real signed event body to our endpoint, twice.
"""

import pytest
import stripe

from marketplace.models import Licence
from marketplace.purchases.state import OrderStatus
from marketplace.services import order_create
from payouts.selectors import hold_status, payment_for_reference
from tests.payouts.conftest import deliver
from tests.payouts.test_stripe import CARD_DECLINED, buyer_pays, stripe_event

from .purchase_helpers import assert_ledger_balanced, key, scope_for

pytestmark = pytest.mark.django_db


def test_stripe_purchase_issues_the_licence_from_the_signed_webhook(
    client, stripe_settings, stripe_client, buyer, published_listing, django_capture_on_commit_callbacks
):
    order = order_create(
        buyer=buyer, listing_id=published_listing.pk, scope=scope_for(published_listing), checkout_key=key()
    )
    payment = payment_for_reference(reference=order.reference)
    assert payment.gateway == "stripe" and payment.gateway_payment_id.startswith("pi_")
    intent = stripe_client.v1.payment_intents.retrieve(payment.gateway_payment_id)
    assert (intent.amount, intent.currency) == (750_000, "cny")
    assert not Licence.objects.exists()  # nothing until Stripe says the money is there

    assert buyer_pays(stripe_client, payment.gateway_payment_id).status == "succeeded"
    event = stripe_event(stripe_client, "payment_intent.succeeded", payment.gateway_payment_id)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, event).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, event).status_code == 200  # redelivered: nothing more happens

    order.refresh_from_db()
    assert order.status == OrderStatus.LICENSED
    licence = Licence.objects.get()
    assert licence.reference == order.reference
    assert hold_status(reference=order.reference).captured == order.amount
    assert_ledger_balanced()


def test_stripe_declined_card_leaves_the_order_unpaid_and_no_licence(
    client, stripe_settings, stripe_client, buyer, published_listing, django_capture_on_commit_callbacks
):
    order = order_create(
        buyer=buyer, listing_id=published_listing.pk, scope=scope_for(published_listing), checkout_key=key()
    )
    payment = payment_for_reference(reference=order.reference)
    with pytest.raises(stripe.CardError):  # what Stripe.js reports to the page
        buyer_pays(stripe_client, payment.gateway_payment_id, card=CARD_DECLINED)
    failed = stripe_event(stripe_client, "payment_intent.payment_failed", payment.gateway_payment_id)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, failed).status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.FAILED
    assert not Licence.objects.exists()
    assert hold_status(reference=order.reference) is None
    assert_ledger_balanced()


def test_the_order_page_mounts_stripes_payment_element_until_paid(
    client, stripe_settings, stripe_client, buyer, published_listing, django_capture_on_commit_callbacks
):
    """Stripe.js itself cannot load here (no internet): the test checks what the page hands it."""
    from django.urls import reverse

    stripe_settings.STRIPE_PUBLISHABLE_KEY = "pk_test_local"
    order = order_create(
        buyer=buyer, listing_id=published_listing.pk, scope=scope_for(published_listing), checkout_key=key()
    )
    assert order.checkout_url == ""  # no hosted page: the buyer pays on the order page
    intent = stripe_client.v1.payment_intents.retrieve(
        payment_for_reference(reference=order.reference).gateway_payment_id
    )
    client.force_login(buyer)
    page = client.get(reverse("marketplace:order", args=[order.public_id])).content.decode()
    assert 'data-publishable-key="pk_test_local"' in page
    assert f'data-client-secret="{intent.client_secret}"' in page
    assert "https://js.stripe.com/v3/" in page and "marketplace/stripe_checkout.js" in page
    assert 'http-equiv="refresh"' not in page  # the page must not reload under the payer's fingers

    assert buyer_pays(stripe_client, intent.id).status == "succeeded"
    event = stripe_event(stripe_client, "payment_intent.succeeded", intent.id)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, event).status_code == 200
    page = client.get(reverse("marketplace:order", args=[order.public_id])).content.decode()
    assert "stripe-payment-form" not in page and 'id="licence-link"' in page


def test_the_sandbox_order_page_has_no_stripe(client, buyer, published_listing):
    from django.urls import reverse

    order = order_create(
        buyer=buyer, listing_id=published_listing.pk, scope=scope_for(published_listing), checkout_key=key()
    )
    client.force_login(buyer)
    page = client.get(reverse("marketplace:order", args=[order.public_id])).content.decode()
    assert "js.stripe.com" not in page and 'id="continue-payment"' in page
