"""Invitation only: the seller invites a buyer (by e-mail or username) for a project, and may withdraw
the invitation until it has become part of a licence.

An invitation is a project request the seller makes and approves at once (``invited=True``), so the
checkout gate and the licence binding treat it like any approval.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.roles import Role
from marketplace.access.models import AccessMode, ListingAccess, ProjectRequest, RequestStatus
from marketplace.accounts.notifications import notify
from marketplace.selectors import user_has_role

INVITE_REQUIRED = ("title", "role")
INVITE_OPTIONAL = ("genre", "synopsis", "shots_planned")


def _own(seller, listing) -> None:
    if listing.seller_id != getattr(seller, "pk", None):
        raise PermissionDenied(_("Only the listing's seller decides who may use the face."))


def buyer_find(identifier: str):
    """The account an e-mail address or username names (any ``AUTH_USER_MODEL``), or None."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    user_model = get_user_model()
    match = Q(**{f"{user_model.USERNAME_FIELD}__iexact": identifier})
    if hasattr(user_model, "email"):
        match |= Q(email__iexact=identifier)
    found = list(user_model.objects.filter(match, is_active=True)[:2])
    return found[0] if len(found) == 1 else None


@transaction.atomic
def invitation_create(*, seller, listing, buyer_identifier: str, data) -> ProjectRequest:
    _own(seller, listing)
    access = ListingAccess.objects.filter(listing=listing).first()
    if access is None or access.mode != AccessMode.INVITATION:
        raise ValidationError(_("Set the listing to “only buyers I invite” first."))
    errors = {}
    buyer = buyer_find(buyer_identifier)
    if buyer is None or not user_has_role(buyer, Role.BUYER):
        errors["buyer"] = [_("No buyer account has this e-mail address or username.")]
    elif buyer.pk == seller.pk:
        errors["buyer"] = [_("You cannot invite yourself.")]
    cleaned = {
        name: str(data.get(name, "") or "").strip()[:4000] for name in INVITE_REQUIRED + INVITE_OPTIONAL
    }
    for name in INVITE_REQUIRED:
        if not cleaned[name]:
            errors[name] = [_("Required.")]
    if errors:
        raise ValidationError(errors)
    cleaned["title"], cleaned["role"] = cleaned["title"][:200], cleaned["role"][:200]
    cleaned["genre"] = cleaned["genre"][:100]
    if invitation_open(listing=listing, buyer=buyer) is not None:
        raise ValidationError({"buyer": [_("This buyer already has an open invitation.")]})
    now = timezone.now()
    invitation = ProjectRequest.objects.create(
        reference="PR-" + secrets.token_hex(5).upper(),
        listing=listing,
        buyer=buyer,
        invited=True,
        status=RequestStatus.APPROVED,
        decide_by=now,
        decided_at=now,
        **cleaned,
    )
    notify(
        user=buyer,
        kind="listing_invitation",
        message=_("You are invited to license a face for “%(title)s”.") % {"title": invitation.title},
        link=reverse("marketplace:checkout", args=[listing.pk]),
    )
    return invitation


def invitation_open(*, listing, buyer) -> ProjectRequest | None:
    return ProjectRequest.objects.filter(
        listing_id=listing.pk,
        buyer_id=buyer.pk,
        invited=True,
        status=RequestStatus.APPROVED,
        licence_reference="",
    ).first()


@transaction.atomic
def invitation_revoke(*, seller, listing, reference: str) -> ProjectRequest:
    """Withdraw an unused invitation; one already part of a licence ends only by revoking that licence."""
    _own(seller, listing)
    invitation = (
        ProjectRequest.objects.select_for_update(no_key=True)
        .filter(listing_id=listing.pk, reference=reference, invited=True)
        .first()
    )
    if invitation is None:
        raise ValidationError({"reference": [_("No such invitation.")]})
    if invitation.licence_reference:
        raise ValidationError(
            _("This invitation is part of licence %(ref)s: revoke the licence instead.")
            % {"ref": invitation.licence_reference}
        )
    if invitation.status != RequestStatus.APPROVED:
        raise ValidationError(_("This invitation was already withdrawn."))
    invitation.status, invitation.decided_at = RequestStatus.DECLINED, timezone.now()
    invitation.decision_note = _("The seller withdrew the invitation.")
    invitation.save(update_fields=["status", "decided_at", "decision_note"])
    notify(
        user=invitation.buyer,
        kind="listing_invitation_withdrawn",
        message=_("The invitation for “%(title)s” was withdrawn.") % {"title": invitation.title},
        link=reverse("marketplace:checkout", args=[listing.pk]),
    )
    return invitation


def listing_invitations(listing):
    return ProjectRequest.objects.filter(listing_id=listing.pk, invited=True).select_related("buyer")
