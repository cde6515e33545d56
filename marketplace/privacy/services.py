"""Withdrawal of biometric consent and erasure requests, orchestrated across the apps.

Withdrawal (PIPL art. 15): verification deletes the face templates (out of the index) and any raw
captures; then every listing of the seller is withdrawn and its running licences end by the revocation
rules (notice, pro-rata refund). Verification announces a withdrawal made on its own page through the
outbox (``verification.consent_withdrawn``), so the same deal work runs however it was withdrawn.

Erasure (PIPL art. 47): the withdrawal above, the seller's portfolio photos, notifications and claim
statements are deleted; the account is pseudonymised (name, e-mail and password gone, login disabled).
What the ledger and the licences must keep (amounts, references, dates, who was paid) stays, tied to
the pseudonymous account: see the retention page.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from kernel import outbox
from listings.models import Listing, PortfolioPhoto
from listings.services import portfolio_photo_remove
from marketplace.models import FaceClaim, Licence, Notification
from marketplace.moderation.audit import audit_record
from marketplace.purchases.state import LicenceStatus
from marketplace.usage.revocation import WITHDRAWABLE, revocation_request
from verification.services import biometric_consent_withdraw
from verification.services.consent import CONSENT_WITHDRAWN

WITHDRAWAL_REASON = "The seller withdrew consent to the processing of their face (PIPL art. 15)."


def _listings_end(*, user) -> list[str]:
    """Withdraw each listing of ``user`` and end its running licences with notice (idempotent)."""
    running = Licence.objects.filter(
        seller=user, status__in=(LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED)
    ).values("listing_id")
    references = []
    for listing in Listing.objects.filter(seller=user):
        if listing.status in WITHDRAWABLE or listing.pk in {row["listing_id"] for row in running}:
            revocation = revocation_request(seller=user, listing=listing, reason=WITHDRAWAL_REASON)
            references.append(revocation.reference)
    return references


def consent_withdrawn_event_handle(event) -> None:
    """Outbox handler of ``verification.consent_withdrawn``: end the deal's use of the face."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=event.payload.get("user_id")).first()
    if user is not None:
        with transaction.atomic():
            _listings_end(user=user)


def privacy_handlers_register() -> None:
    outbox.handler_register(CONSENT_WITHDRAWN, consent_withdrawn_event_handle)


@transaction.atomic
def biometric_consent_withdraw_everywhere(*, user) -> dict:
    """Withdraw consent: templates and captures deleted, listings withdrawn, licences ended with notice."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in to withdraw your consent."))
    withdrawn = biometric_consent_withdraw(user=user)
    revocations = _listings_end(user=user)  # at once too: the outbox handler then finds it done
    audit_record(
        actor=user,
        action="privacy.consent_withdrawn",
        subject_type="user",
        subject_ref=user.pk,
        after={"consents": withdrawn, "revocations": revocations},
    )
    return {"consents_withdrawn": withdrawn, "revocations": revocations}


def pseudonym_for(user) -> str:
    return "erased-" + hashlib.sha256(f"face-market-user:{user.pk}".encode()).hexdigest()[:12]


@transaction.atomic
def personal_data_erase(*, user) -> dict:
    """Erase ``user``'s personal data except what the ledger must keep, which is pseudonymised."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in to ask for erasure."))
    outcome = biometric_consent_withdraw_everywhere(user=user)
    photos = list(PortfolioPhoto.objects.filter(profile__user=user).select_related("profile"))
    for photo in photos:
        portfolio_photo_remove(user=user, photo=photo)
    notifications, _kinds = Notification.objects.filter(user=user).delete()
    FaceClaim.objects.filter(claimant=user).update(statement="")
    pseudonym = pseudonym_for(user)
    user.username, user.email, user.first_name, user.last_name = pseudonym, "", "", ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    audit_record(
        actor=None,
        action="privacy.erased",
        subject_type="user",
        subject_ref=user.pk,
        after={"pseudonym": pseudonym, "photos": len(photos), "notifications": notifications},
    )
    return {**outcome, "pseudonym": pseudonym, "photos_deleted": len(photos)}
