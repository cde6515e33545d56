"""Appeals: the seller contests a takedown, suspension or ban; a different moderator decides.

Reversing restores what can be restored: payout freezes are lifted, hidden or taken-down listings go
back on sale and a banned seller gets the seller role back. Refunds stay refunded and revoked licences
stay revoked: buyers were made whole and keep their money.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kernel.roles import Role
from kernel.transitions import transition
from listings.models import Listing
from listings.services import listing_is_held_for_review, listing_review_release
from listings.state import ListingStatus
from marketplace.accounts.notifications import notify, notify_moderators
from marketplace.accounts.services import user_role_grant
from marketplace.models import Appeal, Licence, ModerationCase
from marketplace.moderation.audit import audit_record, decision_record
from marketplace.moderation.services import require_moderator
from marketplace.moderation.state import (
    APPEAL_TRANSITIONS,
    APPEALABLE_STATUSES,
    CASE_TRANSITIONS,
    AppealStatus,
    CaseSource,
    CaseStatus,
)
from payouts.services import payouts_unfreeze
from verification.services import face_match_flag_revise


class SameModerator(PermissionDenied):
    """The moderator who took the measure cannot decide the appeal against it."""


@transaction.atomic
def appeal_file(*, case: ModerationCase, seller, statement: str) -> Appeal:
    case = ModerationCase.objects.select_for_update(no_key=True).get(pk=case.pk)  # its stored status decides
    if case.seller_id is None or case.seller_id != getattr(seller, "pk", None):
        raise PermissionDenied(_("Only the seller concerned can appeal."))
    if case.status not in APPEALABLE_STATUSES:
        raise ValidationError(_("Only a takedown, suspension or ban can be appealed."))
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError({"statement": _("Explain why the decision is wrong.")})
    if case.appeals.exclude(status=AppealStatus.PENDING).exists():
        raise ValidationError(_("This decision was already reviewed on appeal."))
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(case=case, seller=seller, statement=statement[:4000])
    except IntegrityError:  # one pending appeal per case
        return Appeal.objects.get(case=case, status=AppealStatus.PENDING)
    audit_record(
        actor=seller,
        action="appeal.filed",
        subject_type="appeal",
        subject_ref=appeal.pk,
        case=case,
        reason=statement,
    )
    notify_moderators(kind="moderation_appeal", message=_("A seller appealed case %s") % case.pk, email=False)
    return appeal


def _restore(case: ModerationCase, *, moderator, reason: str) -> None:
    seller = case.seller
    if case.status == CaseStatus.TAKEN_DOWN and case.listing_id:
        listings = [Listing.objects.get(pk=case.listing_id)]
    else:
        listings = list(Listing.objects.filter(seller=seller))
    # only the freezes this measure put on: its listings' licences and the seller
    references = Licence.objects.filter(listing__in=listings).values_list("reference", flat=True)
    lifted = payouts_unfreeze(seller=seller, actor=moderator)
    for reference in references:
        lifted += payouts_unfreeze(reference=reference, actor=moderator)
    audit_record(
        actor=moderator,
        action="payouts.unfrozen",
        subject_type="payouts",
        subject_ref=f"seller:{seller.pk}",
        reason=reason,
        case=case,
        before={"frozen": True},
        after={"frozen": False, "freezes_lifted": lifted},
    )
    for listing in listings:
        before = listing.status
        restorable = before == ListingStatus.TAKEN_DOWN or listing_is_held_for_review(listing)
        if restorable and listing_review_release(listing=listing, reason=reason, moderator=moderator):
            audit_record(
                actor=moderator,
                action="listing.restored",
                subject_type="listing",
                subject_ref=listing.pk,
                reason=reason,
                case=case,
                before={"status": before},
                after={"status": ListingStatus.PUBLISHED},
            )
    flag_id = (case.evidence or {}).get("flag_id")
    if (
        case.source == CaseSource.FACE_INDEX
        and flag_id
        and face_match_flag_revise(flag_id=int(flag_id), actor=moderator, note=reason)
    ):
        audit_record(
            actor=moderator,
            action="flag.dismissed",
            subject_type="flag",
            subject_ref=flag_id,
            reason=reason,
            case=case,
            before={"status": "confirmed"},
            after={"status": "dismissed"},
        )
    if case.status == CaseStatus.BANNED:
        user_role_grant(user=seller, role=Role.SELLER)
        audit_record(
            actor=moderator,
            action="seller.reinstated",
            subject_type="user",
            subject_ref=seller.pk,
            reason=reason,
            case=case,
            before={"seller_role": False},
            after={"seller_role": True},
        )


@transaction.atomic
def appeal_decide(*, appeal: Appeal, moderator, reverse: bool, reason: str) -> Appeal:
    """Uphold or reverse. Refused to the moderator who took the measure (four eyes)."""
    require_moderator(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why.")})
    locked = Appeal.objects.select_for_update(no_key=True, of=("self",)).select_related(
        "case", "case__seller"
    )
    appeal = locked.get(pk=appeal.pk)
    case = appeal.case
    if case.decided_by_id == moderator.pk:
        raise SameModerator(_("Another moderator must decide an appeal against your own decision."))
    to = AppealStatus.REVERSED if reverse else AppealStatus.UPHELD
    decision_record(
        appeal,
        to=to,
        transitions=APPEAL_TRANSITIONS,
        moderator=moderator,
        reason=reason,
        action=f"appeal.{to}",
        subject_type="appeal",
        case=case,
    )
    if reverse:
        _restore(case, moderator=moderator, reason=reason)
        before = case.status
        transition(case, to=CaseStatus.REVERSED, transitions=CASE_TRANSITIONS, reason=reason, actor=moderator)
        audit_record(
            actor=moderator,
            action="case.reversed",
            subject_type="case",
            subject_ref=case.pk,
            case=case,
            reason=reason,
            before={"status": before},
            after={"status": CaseStatus.REVERSED},
        )
    notify(
        user=appeal.seller,
        kind=f"appeal_{to}",
        message=_("Your appeal of case %(case)s was decided: %(outcome)s. %(reason)s")
        % {"case": case.pk, "outcome": appeal.get_status_display(), "reason": reason},
    )
    return appeal
