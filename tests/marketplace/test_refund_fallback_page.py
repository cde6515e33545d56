"""A refund past the payment method's window becomes platform credit, and the buyer's licence page says
so in words (zh-hans here), with the amount."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kernel.money import Money
from payouts.models import GatewayPayment
from payouts.selectors import hold_status, unbalanced_transaction_ids
from payouts.services import escrow_refund

pytestmark = pytest.mark.django_db


def test_the_licence_page_shows_the_credit_in_words(
    buyer, published_listing, django_capture_on_commit_callbacks, client
):
    from marketplace.models import Licence
    from tests.marketplace.usage_helpers import licensed

    licence = licensed(buyer, published_listing, django_capture_on_commit_callbacks)
    hold = hold_status(reference=licence.reference)
    GatewayPayment.objects.filter(hold__reference=hold.reference).update(
        method="wechat_pay", created_at=timezone.now() - timedelta(days=200)
    )
    with django_capture_on_commit_callbacks(execute=True):  # the gateway step runs after commit
        escrow_refund(
            reference=licence.reference, amount=Money(1_999, "CNY"), reason="r", idempotency_key="pg-1"
        )
    client.force_login(Licence.objects.get(pk=licence.pk).buyer)
    page = client.get(f"/licences/{licence.reference}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="receipt-credited"' in page and "以平台余额退款" in page and "19.99" in page
    assert unbalanced_transaction_ids() == []
