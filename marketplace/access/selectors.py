"""Reads of listing access: may this buyer check out, and if not, why."""

from __future__ import annotations

from django.utils.translation import gettext as _

from marketplace.access.models import AccessMode, ListingAccess, ProjectRequest, RequestStatus


def listing_access_mode(listing) -> str:
    access = ListingAccess.objects.filter(listing_id=listing.pk).first()
    return access.mode if access else AccessMode.PUBLIC


def approved_request(*, listing, buyer) -> ProjectRequest | None:
    if not getattr(buyer, "pk", None):
        return None
    return (
        ProjectRequest.objects.filter(
            listing_id=listing.pk, buyer_id=buyer.pk, status=RequestStatus.APPROVED, licence_reference=""
        )
        .order_by("-decided_at")
        .first()
    )


def access_refusal(*, listing, buyer) -> tuple[str, str] | None:
    """(code, message) when ``buyer`` may not check out this listing yet; None when they may."""
    mode = listing_access_mode(listing)
    if mode == AccessMode.PUBLIC or approved_request(listing=listing, buyer=buyer) is not None:
        return None
    if mode == AccessMode.INVITATION:
        return ("invitation_only", _("Only buyers the seller invites can license this face."))
    return (
        "approval_required",
        _("The seller approves each project first: describe yours and wait for the answer before paying."),
    )


def pending_request(*, listing, buyer) -> ProjectRequest | None:
    return ProjectRequest.objects.filter(
        listing_id=listing.pk, buyer_id=getattr(buyer, "pk", None), status=RequestStatus.PENDING
    ).first()


def project_requests_to_decide(seller):
    return ProjectRequest.objects.filter(listing__seller=seller).select_related("listing", "buyer")


def licence_project(licence) -> ProjectRequest | None:
    """The approved project that is part of ``licence`` (approved-buyers and invitation listings)."""
    return ProjectRequest.objects.filter(licence_reference=licence.reference).first()


def licence_project_summary(licence) -> dict | None:
    """The approved project as the licence, its API and its signed credential state it."""
    project = licence_project(licence)
    if project is None:
        return None
    return {
        "reference": project.reference,
        "title": project.title,
        "genre": project.genre,
        "role": project.role,
        "shots_planned": project.shots_planned,
        "approved_at": project.decided_at.isoformat() if project.decided_at else None,
        "invited": project.invited,
    }
