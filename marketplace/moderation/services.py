"""Moderation cases: one queue for every flag source, and the actions moderators take on them.

Sources open cases through :func:`moderation_case_open` (usage reports call it for unlicensed faces in
stills and for overdue reports); face-index flags raised at enrollment become cases in
``marketplace.moderation.flags`` (when verification's ``verification.blocked`` event arrives).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.roles import Role, role_group_name
from listings.models import Listing
from listings.services import (
    listing_hide_pending_review,
    listing_is_held_for_review,
    listing_review_release,
)
from listings.state import ListingStatus
from marketplace.accounts.notifications import notify, notify_moderators
from marketplace.models import ModerationCase
from marketplace.moderation.audit import audit_record, decision_record
from marketplace.moderation.state import (
    ACTION_STATUS,
    CASE_TRANSITIONS,
    CaseAction,
    CaseSource,
    CaseStatus,
    Severity,
)
from marketplace.moderation.takedown import listing_takedown
from marketplace.selectors import user_has_role
from payouts.services import payouts_freeze
from verification.models import FaceMatchFlag
from verification.services import face_match_flag_resolve, reverification_require

#: evidence keys that would carry biometric data; cases keep scores and codes only
_FORBIDDEN_EVIDENCE = ("embedding", "vector", "landmark")

REPORT_REASONS = {
    "stolen_face": Severity.HIGH,
    "protected_person": Severity.HIGH,
    "misleading": Severity.NORMAL,
    "other": Severity.LOW,
}


def _clean_evidence(evidence: Mapping[str, Any] | None) -> dict[str, Any]:
    clean = dict(evidence or {})
    for key in clean:
        if any(word in key.lower() for word in _FORBIDDEN_EVIDENCE):
            raise ValueError(f"evidence key {key!r} looks biometric: keep scores and codes only")
    return clean


def require_moderator(user) -> None:
    if not user_has_role(user, Role.MODERATOR):
        raise PermissionDenied(_("Only moderators can do this."))


def case_link(case: ModerationCase) -> str:
    return reverse("marketplace:moderation_case", args=[case.pk])


@transaction.atomic
def moderation_case_open(
    *,
    source: str,
    summary: str,
    severity: int = Severity.NORMAL,
    evidence: Mapping[str, Any] | None = None,
    listing: Listing | None = None,
    seller=None,
    reporter=None,
    licence_reference: str = "",
    source_ref: str = "",
) -> ModerationCase:
    """Put a case in the queue; the same ``(source, source_ref)`` twice returns the first case.

    ``evidence`` holds numbers, codes and ids only (a flag's scores, a still's id, a report's text);
    ``seller`` defaults to the listing's seller. Urgent cases notify every moderator.
    """
    CaseSource(source), Severity(severity)  # unknown values are programming errors
    if source_ref:
        existing = ModerationCase.objects.filter(source=source, source_ref=source_ref).first()
        if existing is not None:
            return existing
    if seller is None and listing is not None:
        seller = listing.seller
    fields = {
        "severity": severity,
        "summary": summary[:300],
        "evidence": _clean_evidence(evidence),
        "listing": listing,
        "seller": seller,
        "reporter": reporter,
        "licence_reference": licence_reference[:40],
    }
    try:
        with transaction.atomic():  # savepoint: a racing poller loses here, cleanly
            case = ModerationCase.objects.create(source=source, source_ref=source_ref[:80], **fields)
    except IntegrityError:
        return ModerationCase.objects.get(source=source, source_ref=source_ref[:80])
    audit_record(
        actor=reporter,
        action="case.opened",
        subject_type="case",
        subject_ref=case.pk,
        case=case,
        reason=case.summary,
        after={"source": source, "severity": int(severity), "status": case.status},
    )
    if severity >= Severity.URGENT:
        notify_moderators(
            kind="moderation_urgent",
            message=_("Urgent moderation case: %s") % case.summary,
            link=case_link(case),
        )
    return case


@transaction.atomic
def moderation_report_file(
    *, reporter, listing: Listing, reason: str, details: str = "", source: str = CaseSource.USER_REPORT
) -> ModerationCase:
    """Anyone logged in (or a host platform through the API) reports a listing. One open case per
    reporter and listing: a second report of the same listing by the same person returns it."""
    if not getattr(reporter, "is_authenticated", False):
        raise PermissionDenied(_("Log in to report a listing."))
    if reason not in REPORT_REASONS:
        raise ValidationError({"reason": _("Choose one of the offered reasons.")})
    details = (details or "").strip()[:2000]
    open_case = (
        ModerationCase.objects.select_for_update(no_key=True)
        .filter(
            reporter=reporter,
            listing=listing,
            status__in=[CaseStatus.OPEN, CaseStatus.REVERIFY],
            source__in=[CaseSource.USER_REPORT, CaseSource.HOST_REPORT],
        )
        .first()
    )
    if open_case is not None:
        if details:  # a second report adds to the open case instead of losing its words
            evidence = dict(open_case.evidence or {})
            evidence["more_details"] = [*evidence.get("more_details", []), details][-20:]
            open_case.evidence = evidence
            open_case.save(update_fields=["evidence", "updated_at"])
        return open_case
    if reason == "other" and not details:
        # a new case of "something else" with no words tells a moderator nothing
        raise ValidationError({"details": _("Say what is wrong with this listing.")})
    return moderation_case_open(
        source=source,
        severity=REPORT_REASONS[reason],
        listing=listing,
        reporter=reporter,
        summary=_("Reported: %(reason)s") % {"reason": reason.replace("_", " ")},
        evidence={"reason": reason, "details": details},
    )


@transaction.atomic
def moderation_case_assign(*, case: ModerationCase, moderator) -> ModerationCase:
    require_moderator(moderator)
    ModerationCase.objects.filter(pk=case.pk).update(assigned_to=moderator, updated_at=timezone.now())
    case.assigned_to = moderator
    audit_record(
        actor=moderator,
        action="case.assigned",
        subject_type="case",
        subject_ref=case.pk,
        case=case,
        after={"assigned_to": moderator.get_username()},
    )
    return case


def _seller_listings(seller):
    return Listing.objects.filter(seller=seller).exclude(status=ListingStatus.TAKEN_DOWN).order_by("pk")


def _suspend(case: ModerationCase, *, moderator, reason: str) -> None:
    """Hide every listing of the seller and freeze their payouts; an appeal may restore them."""
    for listing in _seller_listings(case.seller):
        if listing_hide_pending_review(listing=listing, reason=reason, moderator=moderator):
            audit_record(
                actor=moderator,
                action="listing.hidden",
                subject_type="listing",
                subject_ref=listing.pk,
                reason=reason,
                case=case,
                before={"status": ListingStatus.PUBLISHED},
                after={"status": ListingStatus.PAUSED},
            )
    payouts_freeze(seller=case.seller, reason=reason, actor=moderator)
    audit_record(
        actor=moderator,
        action="payouts.frozen",
        subject_type="payouts",
        subject_ref=f"seller:{case.seller_id}",
        reason=reason,
        case=case,
        after={"frozen": True},
    )


def _ban(case: ModerationCase, *, moderator, reason: str) -> None:
    """Take down every listing of the seller (refunding their buyers) and withdraw the seller role."""
    for listing in _seller_listings(case.seller):
        listing_takedown(listing=listing, reason=reason, moderator=moderator, case=case)
    payouts_freeze(seller=case.seller, reason=reason, actor=moderator)
    group = Group.objects.filter(name=role_group_name(Role.SELLER)).first()
    if group is not None:
        case.seller.groups.remove(group)
    audit_record(
        actor=moderator,
        action="seller.banned",
        subject_type="user",
        subject_ref=case.seller_id,
        reason=reason,
        case=case,
        before={"seller_role": True},
        after={"seller_role": False},
    )


#: what a decision on a face-index case says about its flag (re-verification leaves the flag open)
FLAG_OUTCOMES = {
    CaseAction.DISMISS: FaceMatchFlag.Status.DISMISSED,
    CaseAction.TAKE_DOWN: FaceMatchFlag.Status.CONFIRMED,
    CaseAction.SUSPEND: FaceMatchFlag.Status.CONFIRMED,
    CaseAction.BAN: FaceMatchFlag.Status.CONFIRMED,
}


def _resolve_flag(case: ModerationCase, *, action: str, moderator, reason: str) -> None:
    """Close the verification flag a face-index case came from (verification cannot poll us)."""
    flag_id = (case.evidence or {}).get("flag_id")
    outcome = FLAG_OUTCOMES.get(action)
    if case.source != CaseSource.FACE_INDEX or not flag_id or outcome is None:
        return
    if face_match_flag_resolve(flag_id=int(flag_id), outcome=outcome, actor=moderator, note=reason):
        audit_record(
            actor=moderator,
            action=f"flag.{outcome}",
            subject_type="flag",
            subject_ref=flag_id,
            reason=reason,
            case=case,
            before={"status": FaceMatchFlag.Status.OPEN},
            after={"status": outcome},
        )


def _reverify(case: ModerationCase, *, moderator, reason: str) -> None:
    """Hide the listing, end the seller's verification (a new one is allowed) and tell them."""
    hidden = case.listing_id and listing_hide_pending_review(
        listing=case.listing, reason=reason, moderator=moderator
    )
    if hidden:
        audit_record(
            actor=moderator,
            action="listing.hidden",
            subject_type="listing",
            subject_ref=case.listing_id,
            reason=reason,
            case=case,
            after={"status": "paused"},
        )
    moved = reverification_require(user=case.seller, reason=reason, actor=moderator)
    audit_record(
        actor=moderator,
        action="seller.reverify",
        subject_type="user",
        subject_ref=case.seller_id,
        reason=reason,
        case=case,
        before={"verified_enrollments": moved},
        after={"verified_enrollments": 0},
    )
    notify(
        user=case.seller,
        kind="moderation_reverify",
        message=_("A moderator asks you to verify your face again: %s") % reason,
    )


def _stolen_face_confirmed(case: ModerationCase, *, moderator, reason: str) -> None:
    """A claim upheld by a takedown: the listing's seller is not the person, the claimant is.

    The seller's face templates leave the face index (their verification ends), and the claimant's
    own enrollment flag (blocked because their face matched the seller's) is dismissed, so the real
    person can verify and list their own face.
    """
    if case.seller_id:
        moved = reverification_require(user=case.seller, reason=reason, actor=moderator)
        audit_record(
            actor=moderator,
            action="seller.verification_ended",
            subject_type="user",
            subject_ref=case.seller_id,
            reason=reason,
            case=case,
            before={"verified_enrollments": moved},
            after={"verified_enrollments": 0},
        )
    flag_id = (case.evidence or {}).get("flag_id")
    if flag_id and face_match_flag_resolve(
        flag_id=int(flag_id), outcome=FaceMatchFlag.Status.DISMISSED, actor=moderator, note=reason
    ):
        audit_record(
            actor=moderator,
            action=f"flag.{FaceMatchFlag.Status.DISMISSED}",
            subject_type="flag",
            subject_ref=flag_id,
            reason=reason,
            case=case,
            before={"status": FaceMatchFlag.Status.OPEN},
            after={"status": FaceMatchFlag.Status.DISMISSED},
        )
    if case.reporter_id:
        message = _("The listing that showed your face was taken down. You can now verify your own face.")
        notify(user=case.reporter, kind="claim_upheld", message=message)


@transaction.atomic
def moderation_case_act(*, case: ModerationCase, moderator, action: str, reason: str) -> ModerationCase:
    """Dismiss, ask for re-verification, take down, suspend or ban, with a reason. A double-submitted
    action finds the case already there and does nothing more."""
    require_moderator(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why.")})
    action = CaseAction(action)
    case = ModerationCase.objects.select_for_update(no_key=True).get(pk=case.pk)
    target = ACTION_STATUS[action]
    if case.status == target:
        return case
    if action == CaseAction.TAKE_DOWN and case.listing_id is None:
        raise ValidationError(_("This case is about no listing: suspend or ban the seller instead."))
    if action in (CaseAction.SUSPEND, CaseAction.BAN, CaseAction.REVERIFY) and case.seller_id is None:
        raise ValidationError(_("This case names no seller."))
    decision_record(
        case,
        to=target,
        transitions=CASE_TRANSITIONS,
        moderator=moderator,
        reason=reason,
        action=f"case.{action}",
        subject_type="case",
        case=case,
    )
    if action == CaseAction.TAKE_DOWN:
        listing_takedown(listing=case.listing, reason=reason, moderator=moderator, case=case)
        if case.source == CaseSource.FACE_CLAIM:
            _stolen_face_confirmed(case, moderator=moderator, reason=reason)
    elif action == CaseAction.SUSPEND:
        _suspend(case, moderator=moderator, reason=reason)
    elif action == CaseAction.BAN:
        _ban(case, moderator=moderator, reason=reason)
    elif action == CaseAction.REVERIFY:
        _reverify(case, moderator=moderator, reason=reason)
    elif (
        action == CaseAction.DISMISS
        and case.listing_id
        # a claim or a review hid the listing: a dismissed case puts it back (never a takedown's)
        and listing_is_held_for_review(case.listing)
        and listing_review_release(listing=case.listing, reason=reason, moderator=moderator)
    ):
        audit_record(
            actor=moderator,
            action="listing.restored",
            subject_type="listing",
            subject_ref=case.listing_id,
            reason=reason,
            case=case,
            before={"status": ListingStatus.PAUSED},
            after={"status": ListingStatus.PUBLISHED},
        )
    _resolve_flag(case, action=action, moderator=moderator, reason=reason)
    return case
