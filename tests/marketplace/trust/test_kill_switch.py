"""The kill switch: a licence suspended at once for a breach (seller or moderator), consent checks and
the credential answer "suspended", a dispute decides the money, a moderator reinstates or ends it."""

from __future__ import annotations

import pytest

from kernel.money import Money
from marketplace.models import Dispute, Licence, Notification
from marketplace.services import dispute_resolve
from marketplace.trust.models import CredentialStatus, LicenceCredential
from payouts.selectors import hold_status
from tests.marketplace.purchase_helpers import assert_ledger_balanced

from .conftest import api
from .test_consent_checks import check, codes, use_for

pytestmark = pytest.mark.django_db


def suspend(user, licence, reason="Used in a political ad", capture=None):
    url = f"/api/v1/licences/{licence.reference}/suspend/"
    if capture is None:
        return api(user).post(url, {"reason": reason}, format="json")
    with capture(execute=True):  # the trust hook runs on commit, as in production
        return api(user).post(url, {"reason": reason}, format="json")


def decide(user, licence, outcome, note="Reviewed the stills", capture=None):
    url = f"/api/v1/licences/{licence.reference}/suspension/decide/"
    with capture(execute=True):
        return api(user).post(url, {"outcome": outcome, "note": note}, format="json")


def test_seller_suspends_and_consent_checks_answer_suspended(
    platform, licence, make_user, django_capture_on_commit_callbacks
):
    assert suspend(licence.buyer, licence).status_code == 403
    assert suspend(make_user("stranger1", "buyer"), licence).status_code == 404
    blank = suspend(licence.seller, licence, reason=" ")
    assert blank.status_code == 400 and blank.json()["code"] == "invalid_suspension"
    assert Licence.objects.get(pk=licence.pk).status == "active" and not Dispute.objects.exists()

    done = suspend(licence.seller, licence, capture=django_capture_on_commit_callbacks)
    assert done.status_code == 200 and done.json()["status"] == "suspended"
    answer = check(platform, use_for(licence)).json()
    assert answer["allowed"] is False and ("suspended", None) in codes_of(answer)
    assert answer["credential_status"] == "suspended"
    credential = LicenceCredential.objects.get(licence=licence)
    assert credential.status == CredentialStatus.SUSPENDED
    dispute = Dispute.objects.get(licence=licence, status="open")
    assert "political ad" in dispute.reasons
    assert Notification.objects.filter(user=licence.buyer, kind="licence_suspended").exists()
    again = suspend(licence.seller, licence)
    assert again.status_code == 409  # already suspended


def codes_of(body) -> list[tuple[str, str | None]]:
    return [(reason["code"], reason["field"]) for reason in body["reasons"]]


def test_moderator_reinstates_after_review(platform, licence, moderator, django_capture_on_commit_callbacks):
    suspend(moderator, licence, capture=django_capture_on_commit_callbacks)
    refused = decide(licence.seller, licence, "reinstate", capture=django_capture_on_commit_callbacks)
    assert refused.status_code == 403
    bad = decide(moderator, licence, "maybe", capture=django_capture_on_commit_callbacks)
    assert bad.status_code == 400
    back = decide(moderator, licence, "reinstate", capture=django_capture_on_commit_callbacks)
    assert back.status_code == 200 and back.json()["status"] == "active"
    assert check(platform, use_for(licence)).json()["allowed"] is True


def test_moderator_ends_it_and_the_dispute_refunds_the_buyer(
    platform, licence, moderator, django_capture_on_commit_callbacks
):
    suspend(licence.seller, licence, capture=django_capture_on_commit_callbacks)
    ended = decide(
        moderator, licence, "end", note="Breach confirmed", capture=django_capture_on_commit_callbacks
    )
    assert ended.json()["status"] == "revoked"
    assert ("revoked", None) in codes(check(platform, use_for(licence)))
    dispute = Dispute.objects.get(licence=licence, status="open")
    half = Money(licence.amount_minor // 2, licence.currency)
    dispute_resolve(moderator=moderator, dispute=dispute, resolution="split", amount=half, note="Half used")
    held = hold_status(reference=licence.reference)
    assert held.refunded.amount == licence.amount_minor // 2
    assert held.released.amount == licence.amount_minor - licence.amount_minor // 2
    assert_ledger_balanced()


def test_the_licence_page_suspends_and_a_moderator_decides_there(
    client, licence, moderator, django_capture_on_commit_callbacks
):
    page = f"/licences/{licence.reference}/"
    client.force_login(licence.seller)
    assert 'id="kill-switch"' in client.get(page).content.decode()
    client.post(f"{page}suspend/", {"reason": ""})
    assert Licence.objects.get(pk=licence.pk).status == "active"  # refused, with a message
    client.post(f"{page}suspend/", {"reason": "Shown in a medical ad"})
    assert Licence.objects.get(pk=licence.pk).status == "suspended"
    shown = client.get(page).content.decode()
    assert 'id="licence-suspended"' in shown and 'id="suspension-decide"' not in shown

    client.force_login(moderator)
    assert 'id="suspension-decide"' in client.get(page).content.decode()
    client.post(
        f"{page}suspension/", {"outcome": "reinstate", "note": "It was a public-health spot, in scope"}
    )
    assert Licence.objects.get(pk=licence.pk).status == "active"
