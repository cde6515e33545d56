"""Disputes over a licence's held money: opened by its seller or buyer, decided by a moderator.

Every decision moves money only through the ledger (``licence_escrow_release`` / ``licence_escrow_refund``)
with idempotency keys derived from the dispute, so a retried decision moves nothing twice.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.money import Money
from kernel.roles import Role
from kernel.transitions import transition
from marketplace.accounts.notifications import notify, notify_moderators
from marketplace.models import Dispute, DisputeAttachment, Licence, UsageReport
from marketplace.purchases.services import licence_escrow_refund, licence_escrow_release
from marketplace.selectors import user_has_role
from marketplace.usage.state import DISPUTE_TRANSITIONS, DisputeResolution, DisputeStatus, UsageReportStatus
from payouts.selectors import hold_status
from payouts.services import escrow_refund, escrow_release
from payouts.state import HoldStatus

ATTACHMENTS_MAX = 5
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def _link(dispute: Dispute) -> str:
    return reverse("marketplace:dispute", args=[dispute.reference])


@transaction.atomic
def dispute_open(
    *,
    user,
    licence: Licence,
    reasons: str,
    report: UsageReport | None = None,
    attachments: Sequence[tuple[str, str, bytes]] = (),
) -> Dispute:
    """Open a dispute (one open dispute per licence: a second opener adds to the first)."""
    if getattr(user, "pk", None) not in (licence.buyer_id, licence.seller_id):
        raise PermissionDenied(_("Only the licence's buyer or seller can open a dispute."))
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": _("Say what the dispute is about.")})
    if report is not None and report.licence_id != licence.pk:
        raise ValidationError({"report": _("The report belongs to another licence.")})
    if len(attachments) > ATTACHMENTS_MAX or any(
        len(data) > ATTACHMENT_MAX_BYTES for _n, _t, data in attachments
    ):
        raise ValidationError(
            {"attachments": _("At most %(n)s attachments of 10 MB each.") % {"n": ATTACHMENTS_MAX}}
        )
    Licence.objects.select_for_update(no_key=True).filter(
        pk=licence.pk
    ).first()  # one opener at a time per licence
    dispute = Dispute.objects.filter(licence=licence, status=DisputeStatus.OPEN).first()
    if dispute is None:
        dispute = Dispute.objects.create(
            reference="DS-" + secrets.token_hex(6).upper(),
            licence=licence,
            report=report,
            opened_by=user,
            reasons=reasons[:5000],
        )
        notify_moderators(
            kind="dispute_opened",
            message=_("A dispute was opened: %s") % dispute.reference,
            link=_link(dispute),
        )
    else:
        dispute.reasons = f"{dispute.reasons}\n\n[{user}] {reasons}"[:10000]
        dispute.save(update_fields=["reasons", "updated_at"])
    DisputeAttachment.objects.bulk_create(
        DisputeAttachment(
            dispute=dispute, name=name[:200], content_type=kind[:100], data=data, uploaded_by=user
        )
        for name, kind, data in attachments
    )
    other = licence.seller if user.pk == licence.buyer_id else licence.buyer
    notify(
        user=other,
        kind="dispute_opened",
        message=_("A dispute was opened about licence %s.") % licence.reference,
        link=_link(dispute),
    )
    return dispute


def _held_top_ups(licence: Licence) -> list[tuple[str, Money]]:
    """(reference, held) of the paid reach top-ups of the licence's rejected reports: no later report
    can release them, so the dispute decides them (otherwise they would stay held forever)."""
    held = []
    references = (
        UsageReport.objects.filter(
            licence=licence, status=UsageReportStatus.REJECTED, top_up_paid_at__isnull=False
        )
        .exclude(top_up_reference="")
        .values_list("top_up_reference", flat=True)
    )
    for reference in references:
        hold = hold_status(reference=reference)
        if hold is not None and hold.status == HoldStatus.PENDING and hold.releasable.amount > 0:
            held.append((reference, hold.releasable))
    return held


def _top_ups_decide(top_ups, *, to_seller: bool, key: str, dispute: Dispute) -> Money | None:
    """Release (the use was accepted, at least in part) or refund each held top-up; the total moved."""
    total = None
    for reference, amount in top_ups:
        if to_seller:
            escrow_release(reference=reference, idempotency_key=f"{key}:release:{reference}")
        else:
            escrow_refund(
                reference=reference,
                amount=None,
                reason=f"dispute {dispute.reference}",
                idempotency_key=f"{key}:refund:{reference}",
            )
        total = amount if total is None else total + amount
    return total


@transaction.atomic
def dispute_resolve(
    *, moderator, dispute: Dispute, resolution: str, amount: Money | None = None, note: str = ""
) -> Dispute:
    """Decide a dispute: release, refund in full, refund part (the rest stays held) or split.

    ``amount`` is what goes back to the buyer for ``refund_partial`` and ``split`` (out of the licence's
    hold). Paid reach top-ups of the licence's rejected reports follow the decision: released to the
    seller on ``release`` and ``split``, refunded to the buyer on ``refund_full`` and ``refund_partial``;
    they are counted in the dispute's released / refunded totals.
    """
    if not user_has_role(moderator, Role.MODERATOR):
        raise PermissionDenied(_("Only moderators decide disputes."))
    dispute = Dispute.objects.select_for_update(no_key=True).select_related("licence").get(pk=dispute.pk)
    if dispute.status != DisputeStatus.OPEN:
        raise ValidationError(_("This dispute is already resolved."))
    if resolution not in DisputeResolution.values:
        raise ValidationError({"resolution": _("Choose a resolution.")})
    if not (note or "").strip():
        raise ValidationError({"note": _("Record the reason for the decision.")})
    licence = dispute.licence
    held = hold_status(reference=licence.reference)
    top_ups = _held_top_ups(licence)
    licence_held = held is not None and held.status == HoldStatus.PENDING
    if not licence_held and not top_ups:
        raise ValidationError(_("Nothing of this licence is held any more; the decision cannot move money."))
    releasable = held.releasable if licence_held else Money.zero(licence.currency)
    needs_amount = resolution in (DisputeResolution.REFUND_PARTIAL, DisputeResolution.SPLIT)
    if needs_amount and not licence_held:
        raise ValidationError(
            {"resolution": _("Only a top-up is held: release it or refund it, there is nothing to split.")}
        )
    if needs_amount:
        if not isinstance(amount, Money) or amount.currency != releasable.currency:
            raise ValidationError({"amount": _("Give the amount to refund.")})
        if not 0 < amount.amount < releasable.amount:
            raise ValidationError(
                {"amount": _("The refund must be more than zero and less than %s.") % releasable}
            )
    key = f"dispute:{dispute.reference}"
    refunded = released = Money.zero(releasable.currency)
    if resolution == DisputeResolution.REFUND_FULL and licence_held:
        licence_escrow_refund(
            licence=licence,
            amount=None,
            reason=f"dispute {dispute.reference}",
            idempotency_key=f"{key}:refund",
        )
        refunded = releasable
    elif needs_amount:
        licence_escrow_refund(
            licence=licence,
            amount=amount,
            reason=f"dispute {dispute.reference}",
            idempotency_key=f"{key}:refund",
        )
        refunded = amount
    to_seller = resolution in (DisputeResolution.RELEASE, DisputeResolution.SPLIT)
    if to_seller and licence_held:
        licence_escrow_release(licence=licence, idempotency_key=f"{key}:release")
        released = releasable - refunded
    top_up_total = _top_ups_decide(top_ups, to_seller=to_seller, key=key, dispute=dispute)
    if top_up_total is not None:
        if to_seller:
            released = released + top_up_total
        else:
            refunded = refunded + top_up_total
    transition(
        dispute,
        to=DisputeStatus.RESOLVED,
        transitions=DISPUTE_TRANSITIONS,
        reason=resolution,
        actor=moderator,
    )
    dispute.resolution = resolution
    dispute.refunded_minor, dispute.released_minor = refunded.amount, released.amount
    dispute.decided_by, dispute.decided_at, dispute.decision_note = (
        moderator,
        timezone.now(),
        note.strip()[:5000],
    )
    dispute.save(
        update_fields=[
            "resolution",
            "refunded_minor",
            "released_minor",
            "decided_by",
            "decided_at",
            "decision_note",
            "updated_at",
        ]
    )
    message = _("Dispute %(ref)s decided: %(what)s (refunded %(refunded)s, released %(released)s).") % {
        "ref": dispute.reference,
        "what": DisputeResolution(resolution).label,
        "refunded": refunded,
        "released": released,
    }
    for user in (licence.buyer, licence.seller):
        notify(user=user, kind="dispute_resolved", message=message, link=_link(dispute))
    return dispute
