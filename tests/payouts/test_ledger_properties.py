"""Stateful property test: any sequence of purchases, releases, partial and full refunds, payouts and
reversals keeps every transaction balanced, ends each hold at most once, conserves money, and the
balances the database derives equal a shadow ledger kept here by hand.

Each example runs in a savepoint that is rolled back, so examples never see each other's rows.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from kernel.models import StatusChange as KernelStatusChange
from kernel.money import Money
from payouts.conf import payouts_settings
from payouts.exceptions import HoldNotPending, InsufficientFunds, NotReversible
from payouts.models import EscrowHold, LedgerAccount, LedgerLeg, LedgerTransaction, Transfer
from payouts.selectors import balances_by_account, ledger_totals_by_currency, unbalanced_transaction_ids
from payouts.services import (
    commission_split,
    escrow_release,
    ledger_reverse,
    payment_session_create,
    payout_account_onboard,
    sandbox_account_activate,
    sandbox_payment_complete,
    transfer_execute,
)
from payouts.state import HoldStatus, TransferStatus
from tests.payouts.refund_helpers import refund_now

Kind = LedgerAccount.Kind
CURRENCIES = ["CNY", "USD", "JPY"]


class EscrowLedgerMachine(RuleBasedStateMachine):
    holds = Bundle("holds")

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        User = get_user_model()
        self.buyer = User.objects.create_user(username="prop-buyer", password="x")
        self.seller = User.objects.create_user(username="prop-seller", password="x")
        self.onboarded = False
        self.count = 0
        #: the shadow ledger: account code -> balance, updated by hand from what each rule means
        self.shadow: dict[str, int] = defaultdict(int)

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # -- helpers ----------------------------------------------------------------------------------

    def move(self, currency: str, **amounts: int) -> None:
        codes = {
            "clearing": f"gateway_clearing:sandbox:{currency}",
            "revenue": f"platform_revenue:{currency}",
            "payable": f"seller_payable:{self.seller.pk}:{currency}",
        }
        for name, amount in amounts.items():
            self.shadow[codes.get(name, name)] += amount

    # -- rules ------------------------------------------------------------------------------------

    @rule(
        target=holds,
        amount=st.integers(min_value=1, max_value=2_000_000),
        currency=st.sampled_from(CURRENCIES),
    )
    def purchase(self, amount, currency):
        reference = f"LIC-P{self.count}"
        self.count += 1
        session = payment_session_create(
            reference=reference,
            amount=Money(amount, currency),
            payer=self.buyer,
            payee=self.seller,
            idempotency_key=f"checkout:{reference}",
        )
        sandbox_payment_complete(
            gateway_payment_id=session.payment.gateway_payment_id, user=self.buyer, succeeded=True
        )
        self.move(currency, clearing=-amount, **{f"escrow:{reference}:{currency}": amount})
        return reference

    @rule(reference=holds, replay=st.booleans())
    def release(self, reference, replay):
        hold = EscrowHold.objects.get(reference=reference)
        remaining = balances_by_account([hold.account_id]).get(hold.account_id, 0)
        self.count += 1
        key = f"release:{reference}:{self.count}"  # a new attempt: a new key
        try:
            escrow_release(reference=reference, idempotency_key=key)
        except HoldNotPending:
            assert hold.status != HoldStatus.PENDING
            return
        assert hold.status == HoldStatus.PENDING and remaining > 0
        commission, rest = commission_split(
            Money(remaining, hold.currency), payouts_settings.PLATFORM_COMMISSION_BPS
        )
        self.move(
            hold.currency, revenue=commission.amount, payable=rest.amount, **{hold.account.code: -remaining}
        )
        if replay:  # the same key again is a replay: it returns the hold and posts nothing
            assert escrow_release(reference=reference, idempotency_key=key).status == HoldStatus.RELEASED

    @rule(reference=holds, percent=st.integers(min_value=1, max_value=100), full=st.booleans())
    def refund(self, reference, percent, full):
        hold = EscrowHold.objects.get(reference=reference)
        remaining = balances_by_account([hold.account_id]).get(hold.account_id, 0)
        amount = None if full else Money(max(1, remaining * percent // 100), hold.currency)
        self.count += 1
        try:
            refund = refund_now(
                reference=reference, amount=amount, reason="property", idempotency_key=f"refund:{self.count}"
            )
        except HoldNotPending:
            assert hold.status != HoldStatus.PENDING
            return
        except InsufficientFunds:
            assert remaining == 0
            return
        assert hold.status == HoldStatus.PENDING
        # the sandbox settles at once: out of escrow, through "refunds in flight", back to the gateway
        self.move(hold.currency, clearing=refund.amount, **{hold.account.code: -refund.amount})

    @rule()
    def onboard_seller(self):
        if not self.onboarded:
            link = payout_account_onboard(
                user=self.seller, refresh_url="http://t/r", return_url="http://t/ok"
            )
            sandbox_account_activate(gateway_account_id=link.account.gateway_account_id, user=self.seller)
            self.onboarded = True

    @rule()
    def pay_out(self):
        for transfer in Transfer.objects.filter(status=TransferStatus.PENDING):
            if transfer_execute(transfer_id=transfer.pk).status == TransferStatus.PAID:
                self.move(transfer.currency, payable=-transfer.amount, clearing=transfer.amount)

    @rule(data=st.data())
    def reverse(self, data):
        candidates = list(
            LedgerTransaction.objects.exclude(kind=LedgerTransaction.Kind.REVERSAL)
            .filter(reversed_by__isnull=True)
            .values_list("pk", flat=True)
        )
        assume(candidates)
        pk = data.draw(st.sampled_from(candidates))
        try:
            ledger_reverse(transaction_id=pk, idempotency_key=f"reverse:{pk}")
        except (NotReversible, InsufficientFunds):
            return
        for code, amount in LedgerLeg.objects.filter(transaction_id=pk).values_list(
            "account__code", "amount"
        ):
            self.shadow[code] -= amount

    # -- invariants -------------------------------------------------------------------------------

    @invariant()
    def every_transaction_is_balanced(self):
        assert unbalanced_transaction_ids() == []

    @invariant()
    def money_is_conserved(self):
        assert all(total == 0 for total in ledger_totals_by_currency().values())
        # what came in through the gateway and has not gone back out is inside the platform, to the fen
        accounts = {a.pk: a for a in LedgerAccount.objects.all()}
        inside: dict[str, int] = defaultdict(int)
        at_gateway: dict[str, int] = defaultdict(int)
        for pk, balance in balances_by_account(accounts).items():
            account = accounts[pk]
            if account.kind == Kind.GATEWAY_CLEARING:
                at_gateway[account.currency] -= balance
            else:
                inside[account.currency] += balance
        assert inside == at_gateway

    @invariant()
    def balances_are_the_sum_of_legs_and_match_the_shadow_ledger(self):
        summed: dict[int, int] = defaultdict(int)
        for account_id, amount in LedgerLeg.objects.values_list("account_id", "amount"):
            summed[account_id] += amount
        accounts = list(LedgerAccount.objects.all())
        derived = balances_by_account(a.pk for a in accounts)
        assert {pk: b for pk, b in derived.items() if b} == {pk: b for pk, b in summed.items() if b}
        by_code = {a.code: derived.get(a.pk, 0) for a in accounts}
        assert {c: b for c, b in by_code.items() if b} == {c: b for c, b in self.shadow.items() if b}
        assert all(by_code[a.code] >= 0 for a in accounts if a.kind != Kind.GATEWAY_CLEARING)

    @invariant()
    def holds_end_at_most_once_and_ended_holds_hold_nothing(self):
        ends = defaultdict(int)
        for object_id in KernelStatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(EscrowHold)
        ).values_list("object_id", flat=True):
            ends[int(object_id)] += 1
        for hold in EscrowHold.objects.all():
            assert ends[hold.pk] == (0 if hold.status == HoldStatus.PENDING else 1)
            balance = balances_by_account([hold.account_id]).get(hold.account_id, 0)
            assert balance >= 0
            if hold.status != HoldStatus.PENDING:
                assert balance == 0


@pytest.mark.django_db
def test_escrow_ledger_state_machine():
    run_state_machine_as_test(
        EscrowLedgerMachine,
        settings=settings(
            max_examples=50,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
