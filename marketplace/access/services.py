"""Who may use my face: the seller's access mode, buyers' project requests and the decisions.

"Buyers I approve": before checkout the buyer submits the project (title, genre, role, synopsis, shots
planned); the seller approves or declines within ``decision_days``, after which the listing's default
outcome applies. "Invitation only": the seller invites a buyer (an approved request made by the seller).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.roles import Role
from marketplace.access.models import AccessMode, ListingAccess, ProjectRequest, RequestStatus
from marketplace.accounts.notifications import notify
from marketplace.selectors import user_has_role

PROJECT_FIELDS = ("title", "genre", "role", "synopsis", "shots_planned")


def _own(seller, listing) -> None:
    if listing.seller_id != getattr(seller, "pk", None):
        raise PermissionDenied(_("Only the listing's seller decides who may use the face."))


@transaction.atomic
def listing_access_set(
    *, seller, listing, mode: str, decision_days: int = 3, default_outcome: str = "declined"
):
    _own(seller, listing)
    errors = {}
    if mode not in AccessMode.values:
        errors["mode"] = [_("Choose who may buy.")]
    if not 1 <= int(decision_days) <= 30:
        errors["decision_days"] = [_("Give 1 to 30 days.")]
    if default_outcome not in (RequestStatus.APPROVED, RequestStatus.DECLINED):
        errors["default_outcome"] = [_("Choose what an unanswered request becomes.")]
    if errors:
        raise ValidationError(errors)
    access, _created = ListingAccess.objects.update_or_create(
        listing=listing,
        defaults={"mode": mode, "decision_days": int(decision_days), "default_outcome": default_outcome},
    )
    return access


def _clean(data) -> dict:
    cleaned = {name: str(data.get(name, "") or "").strip() for name in PROJECT_FIELDS}
    missing = {name: [_("Required.")] for name, value in cleaned.items() if not value}
    if missing:
        raise ValidationError(missing)
    return cleaned


@transaction.atomic
def project_request_submit(*, buyer, listing, data) -> ProjectRequest:
    """The buyer asks to use the face for a project; the seller is told and has ``decision_days``."""
    if not user_has_role(buyer, Role.BUYER):
        raise PermissionDenied(_("Only buyers can ask to use a face."))
    access = ListingAccess.objects.filter(listing=listing).first()
    if access is None or access.mode != AccessMode.APPROVED:
        raise ValidationError(_("This listing does not take project requests."))
    cleaned = _clean(data)
    pending = ProjectRequest.objects.filter(
        listing=listing, buyer=buyer, status=RequestStatus.PENDING
    ).first()
    if pending is not None:
        return pending
    request = ProjectRequest.objects.create(
        reference="PR-" + secrets.token_hex(5).upper(),
        listing=listing,
        buyer=buyer,
        decide_by=timezone.now() + timedelta(days=access.decision_days),
        **{name: value[:4000] for name, value in cleaned.items()},
    )
    notify(
        user=listing.seller,
        kind="project_request",
        message=_("A buyer asks to use your face in “%(title)s”: answer by %(date)s.")
        % {"title": request.title, "date": request.decide_by.date()},
        link=reverse("marketplace:project_requests"),
    )
    return request


def _decided(request: ProjectRequest, status: str, *, note: str = "", by_default: bool = False) -> None:
    request.status, request.decided_at = status, timezone.now()
    request.decision_note, request.decided_by_default = note[:2000], by_default
    request.save(update_fields=["status", "decided_at", "decision_note", "decided_by_default"])
    message = (
        _("Your project “%(title)s” was approved: you can now buy the licence.")
        if status == RequestStatus.APPROVED
        else _("Your project “%(title)s” was declined.")
    ) % {"title": request.title}
    notify(
        user=request.buyer,
        kind="project_request_decided",
        message=message,
        link=reverse("marketplace:checkout", args=[request.listing_id]),
    )


@transaction.atomic
def project_request_decide(
    *, seller, request: ProjectRequest, approve: bool, note: str = ""
) -> ProjectRequest:
    request = (
        ProjectRequest.objects.select_for_update(no_key=True).select_related("listing").get(pk=request.pk)
    )
    _own(seller, request.listing)
    if request.status != RequestStatus.PENDING:
        raise ValidationError(_("This request is already decided."))
    _decided(request, RequestStatus.APPROVED if approve else RequestStatus.DECLINED, note=note)
    return request


def project_requests_default(*, now=None) -> int:
    """Periodic: requests the seller did not answer in time take the listing's default outcome."""
    now = now or timezone.now()
    done = 0
    for pk in ProjectRequest.objects.filter(status=RequestStatus.PENDING, decide_by__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            request = ProjectRequest.objects.select_for_update(no_key=True).get(pk=pk)
            if request.status != RequestStatus.PENDING:
                continue
            access = ListingAccess.objects.filter(listing_id=request.listing_id).first()
            outcome = access.default_outcome if access else RequestStatus.DECLINED
            _decided(request, outcome, by_default=True)
            done += 1
    return done


@transaction.atomic
def buyer_invite(*, seller, listing, buyer, data) -> ProjectRequest:
    """Invitation only: the seller lets one buyer in for a project (an approved request)."""
    _own(seller, listing)
    cleaned = _clean(data)
    request = ProjectRequest.objects.create(
        reference="PR-" + secrets.token_hex(5).upper(),
        listing=listing,
        buyer=buyer,
        invited=True,
        decide_by=timezone.now(),
        **{name: value[:4000] for name, value in cleaned.items()},
    )
    _decided(request, RequestStatus.APPROVED)
    return request


def project_request_bind(*, listing, buyer, licence_reference: str) -> ProjectRequest | None:
    """At checkout: the buyer's approved, unused project becomes part of the licence (inside the
    checkout's transaction)."""
    request = (
        ProjectRequest.objects.select_for_update(no_key=True)
        .filter(listing_id=listing.pk, buyer_id=buyer.pk, status=RequestStatus.APPROVED, licence_reference="")
        .order_by("decided_at")
        .first()
    )
    if request is not None:
        request.licence_reference = licence_reference
        request.save(update_fields=["licence_reference"])
    return request
