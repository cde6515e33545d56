"""Sellers' payout accounts at the gateway (Stripe Connect Express): onboarding and status."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from .. import events
from ..gateways import get_gateway
from ..models import PayoutAccount, Transfer
from ..state import PayoutAccountStatus, TransferStatus


@dataclass(frozen=True)
class OnboardingLink:
    account: PayoutAccount
    url: str


@transaction.atomic
def payout_account_onboard(*, user, refresh_url: str, return_url: str) -> OnboardingLink:
    """The seller's payout account at the configured gateway (created once) and a fresh onboarding link."""
    gateway = get_gateway()
    account = PayoutAccount.objects.filter(user=user, gateway=gateway.name).first()
    if account is None:
        result = gateway.account_create(
            user_id=user.pk,
            email=getattr(user, "email", "") or "",
            idempotency_key=f"payout-account:{gateway.name}:{user.pk}",
        )
        try:
            with transaction.atomic():
                account = PayoutAccount.objects.create(
                    user=user,
                    gateway=gateway.name,
                    gateway_account_id=result.gateway_account_id,
                    status=result.status,
                )
        except IntegrityError:  # a double click: the gateway's idempotency gave both the same account
            account = PayoutAccount.objects.get(user=user, gateway=gateway.name)
    url = gateway.account_link(
        gateway_account_id=account.gateway_account_id, refresh_url=refresh_url, return_url=return_url
    )
    return OnboardingLink(account=account, url=url)


@transaction.atomic
def payout_account_status_record(
    *, gateway: str, gateway_account_id: str, status: str
) -> PayoutAccount | None:
    """The gateway's word on an account (webhook or refresh). Becoming active sends what was waiting."""
    account = (
        PayoutAccount.objects.select_for_update(no_key=True)
        .filter(gateway=gateway, gateway_account_id=gateway_account_id)
        .first()
    )
    if account is None or account.status == status:
        return account
    account.status = PayoutAccountStatus(status)
    account.save(update_fields=["status", "updated_at"])
    if status == PayoutAccountStatus.ACTIVE:
        from ..tasks import transfer_execute_task

        waiting = Transfer.objects.filter(
            seller_id=account.user_id, gateway=gateway, status=TransferStatus.PENDING
        )
        for pk in waiting.values_list("pk", flat=True):
            events.enqueue_on_commit(transfer_execute_task, pk)
    return account


def payout_account_refresh(*, account: PayoutAccount) -> PayoutAccount:
    """Ask the gateway for the account's status now (the seller came back from onboarding)."""
    status = get_gateway(account.gateway).account_status(account.gateway_account_id)
    return (
        payout_account_status_record(
            gateway=account.gateway, gateway_account_id=account.gateway_account_id, status=status
        )
        or account
    )
