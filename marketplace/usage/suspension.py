"""The kill switch: a licence suspended at once for a reported breach, pending review.

The seller (whose face it is) or a moderator pulls it; consent checks and the credential's status
answer "suspended" from then on. The money stays in escrow and a dispute is opened (or the open one
added to), so the existing dispute path decides it either way; a moderator then reinstates the
licence (back to active) or ends it (revoked).
"""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from kernel.roles import Role
from kernel.transitions import transition
from listings.services import exclusivity_release
from marketplace.accounts.notifications import notify, notify_moderators
from marketplace.domain_events import licence_event_emit
from marketplace.models import Dispute, Licence
from marketplace.purchases.state import LICENCE_TRANSITIONS, LicenceStatus
from marketplace.selectors import user_has_role
from marketplace.usage.state import DisputeStatus

SUSPENSION_OUTCOMES = ("reinstate", "end")


def _breach_dispute(*, licence: Licence, actor, reason: str) -> Dispute:
    """The dispute that decides the money: the licence's open one (added to) or a new one."""
    dispute = (
        Dispute.objects.select_for_update(no_key=True)
        .filter(licence=licence, status=DisputeStatus.OPEN)
        .first()
    )
    text = _("Licence suspended for a breach: %s") % reason
    if dispute is not None:
        dispute.reasons = f"{dispute.reasons}\n\n[{actor}] {text}"[:10000]
        dispute.save(update_fields=["reasons", "updated_at"])
        return dispute
    return Dispute.objects.create(
        reference="DS-" + secrets.token_hex(6).upper(), licence=licence, opened_by=actor, reasons=text[:5000]
    )


@transaction.atomic
def licence_suspend(*, actor, licence: Licence, reason: str) -> Licence:
    """Suspend ``licence`` at once (seller or moderator), open the dispute, tell the buyer."""
    is_moderator = user_has_role(actor, Role.MODERATOR)
    if getattr(actor, "pk", None) != licence.seller_id and not is_moderator:
        raise PermissionDenied(_("Only the face's seller or a moderator can suspend a licence."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say what breach was seen.")]})
    licence = Licence.objects.select_for_update(no_key=True).get(pk=licence.pk)
    if licence.status != LicenceStatus.ACTIVE:
        raise ValidationError(_("Only an active licence can be suspended."))
    transition(
        licence,
        to=LicenceStatus.SUSPENDED,
        transitions=LICENCE_TRANSITIONS,
        reason=f"breach reported: {reason}"[:200],
        actor=actor,
    )
    dispute = _breach_dispute(licence=licence, actor=actor, reason=reason[:2000])
    licence_event_emit(licence, "suspended")
    link = reverse("marketplace:dispute", args=[dispute.reference])
    notify(
        user=licence.buyer,
        kind="licence_suspended",
        message=_("Licence %(ref)s is suspended while a reported breach is reviewed: do not use the face.")
        % {"ref": licence.reference},
        link=link,
    )
    notify_moderators(
        kind="licence_suspended",
        message=_("Licence %s suspended for a breach.") % licence.reference,
        link=link,
    )
    return licence


@transaction.atomic
def licence_suspension_resolve(*, moderator, licence: Licence, outcome: str, note: str) -> Licence:
    """A moderator decides: ``reinstate`` (no breach: active again) or ``end`` (breach: revoked).

    Money is not moved here: the breach's dispute decides it (release, refund, part or split)."""
    if not user_has_role(moderator, Role.MODERATOR):
        raise PermissionDenied(_("Only moderators decide a suspension."))
    if outcome not in SUSPENSION_OUTCOMES:
        raise ValidationError({"outcome": [_("Choose to reinstate or to end the licence.")]})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Record the reason for the decision.")]})
    licence = Licence.objects.select_for_update(no_key=True).get(pk=licence.pk)
    if licence.status != LicenceStatus.SUSPENDED:
        raise ValidationError(_("This licence is not suspended."))
    to = LicenceStatus.ACTIVE if outcome == "reinstate" else LicenceStatus.REVOKED
    transition(licence, to=to, transitions=LICENCE_TRANSITIONS, reason=note[:200], actor=moderator)
    if to == LicenceStatus.REVOKED:
        exclusivity_release(licence_reference=licence.reference)
    licence_event_emit(licence, "revoked" if to == LicenceStatus.REVOKED else "reinstated")
    message = (
        _("Licence %s is reinstated: the review found no breach.")
        if to == LicenceStatus.ACTIVE
        else _("Licence %s is ended: the review found a breach.")
    ) % licence.reference
    for user in (licence.buyer, licence.seller):
        notify(user=user, kind="licence_suspension_decided", message=message)
    return licence
