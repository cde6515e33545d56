"""Creating and editing listings, and moving them through their lifecycle (``listings.state``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel import outbox

from .. import faces
from ..errors import NotTheOwner, TransitionRefused
from ..models import LicenceTermsTemplate, Listing, PortfolioPhoto, SellerProfile, Tier
from ..permissions import is_seller
from ..state import EDITABLE_STATUSES, LISTING_TRANSITIONS, SELLER_ACTIONS, ListingAction
from ..terms import terms_clean
from ._transitions import transition_apply
from .catalogue import listing_catalogue_refresh
from .review_holds import listing_is_held_for_review
from .terms import _version_create

TITLE_MAX, DESCRIPTION_MAX = 120, 4000
EDITABLE_FIELDS = frozenset({"title", "description", "tier", "annual_price_minor", "cover_photo"})


def _clean_fields(*, seller, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Validate listing fields together (price depends on tier); raise ``ValidationError`` by field."""
    errors: dict[str, str] = {}
    clean = dict(fields)
    title = (fields.get("title") or "").strip()
    if not title or len(title) > TITLE_MAX:
        errors["title"] = _("Give a title of 1 to %(n)s characters.") % {"n": TITLE_MAX}
    clean["title"] = title
    description = (fields.get("description") or "").strip()
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = _("Keep the description under %(n)s characters.") % {"n": DESCRIPTION_MAX}
    clean["description"] = description
    tier = fields.get("tier")
    if not isinstance(tier, Tier) or not tier.is_active:
        errors["tier"] = _("Choose one of the offered tiers.")
    elif tier.price_on_request:
        clean["annual_price_minor"] = None  # the seller quotes each request instead
        clean["currency"] = tier.currency
    else:
        price = fields.get("annual_price_minor")
        if isinstance(price, bool) or not isinstance(price, int) or price <= 0:
            errors["annual_price_minor"] = _("The annual price must be a positive amount.")
        elif price < tier.base_annual_price_minor:
            errors["annual_price_minor"] = _("The %(tier)s tier starts at %(floor)s a year.") % {
                "tier": tier.name,
                "floor": tier.base_annual_price.format(),
            }
        clean["currency"] = tier.currency
    cover = fields.get("cover_photo")
    if cover is not None and (not isinstance(cover, PortfolioPhoto) or cover.profile.user_id != seller.pk):
        errors["cover_photo"] = _("Choose one of your own portfolio photos.")
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def listing_create(
    *,
    seller,
    tier: Tier,
    title: str,
    description: str = "",
    annual_price_minor: int | None = None,
    cover_photo: PortfolioPhoto | None = None,
    template: LicenceTermsTemplate | None = None,
    terms: Mapping[str, Any] | None = None,
) -> Listing:
    """A draft listing with its first terms version (``template``'s terms overlaid with ``terms``)."""
    if not is_seller(seller):
        raise NotTheOwner(_("Only sellers can create listings."), code="not_seller")
    profile = SellerProfile.objects.filter(user=seller).first()
    if profile is None:
        raise ValidationError(_("Create your seller profile first."), code="no_profile")
    fields = _clean_fields(
        seller=seller,
        fields={
            "title": title,
            "description": description,
            "tier": tier,
            "annual_price_minor": annual_price_minor,
            "cover_photo": cover_photo,
        },
    )
    document = terms_clean({**(template.terms_document() if template else {}), **(terms or {})})
    listing = Listing.objects.create(seller=seller, profile=profile, terms_template=template, **fields)
    _version_create(
        listing=listing, document=document, actor=seller, template=template, change_note=_("First version")
    )
    return listing_catalogue_refresh(listing=listing)


@transaction.atomic
def listing_update(*, listing: Listing, actor, **changes: Any) -> Listing:
    """Change a listing's own fields (terms change through ``terms_version_create``)."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    locked = Listing.objects.select_for_update(no_key=True).get(pk=listing.pk)
    if locked.seller_id != getattr(actor, "pk", None):
        raise NotTheOwner()
    if locked.status not in EDITABLE_STATUSES:
        raise TransitionRefused(_("A %(status)s listing can no longer change.") % {"status": locked.status})
    current = {name: getattr(locked, name) for name in EDITABLE_FIELDS}
    fields = _clean_fields(seller=actor, fields={**current, **changes})
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    return listing_catalogue_refresh(listing=locked)


def _publish_checks(listing: Listing) -> None:
    """What must hold before a listing goes live; raises ``TransitionRefused`` with the first gap."""
    if not faces.seller_is_verified(listing.seller):
        raise TransitionRefused(
            _("Verify your face before publishing: only verified faces go live."), code="seller_not_verified"
        )
    if listing_is_held_for_review(listing):
        raise TransitionRefused(
            _("This listing is hidden while moderators review it."), code="held_for_review"
        )
    if listing.current_terms_id is None:
        raise TransitionRefused(_("Set the licence terms before publishing."), code="no_terms")
    if not listing.tier.is_active:
        raise TransitionRefused(_("This tier is no longer offered; choose another."), code="tier_inactive")
    if listing.annual_price_minor is None and not listing.tier.price_on_request:
        raise TransitionRefused(_("Set an annual price before publishing."), code="no_price")


@transaction.atomic
def listing_transition(*, listing: Listing, action: str, actor, reason: str = "") -> Listing:
    """A seller's own move: publish, pause or withdraw. Take-down is not among them."""
    if action not in SELLER_ACTIONS:
        raise TransitionRefused(
            _("Sellers cannot %(action)s a listing.") % {"action": action}, code="not_a_seller_action"
        )
    if listing.seller_id != getattr(actor, "pk", None):
        raise NotTheOwner()
    updates: dict[str, Any] = {"updated_at": timezone.now()}
    if action == ListingAction.PUBLISH:
        _publish_checks(listing)
        # the first publication dates the listing in "newest"; a pause and resume keeps that date
        updates["published_at"] = Coalesce("published_at", timezone.now())
        updates["seller_verified_at"] = faces.seller_verified_since(listing.seller)
    listing = transition_apply(
        obj=listing,
        action=action,
        transitions=LISTING_TRANSITIONS,
        actor=actor,
        reason=reason,
        updates=updates,
    )
    if action != ListingAction.PUBLISH:
        return listing
    outbox.event_emit("listing.published", subject=f"listing:{listing.pk}", payload={"listing": listing.pk})
    return listing_catalogue_refresh(listing=listing)


def listing_publish(*, listing: Listing, actor) -> Listing:
    return listing_transition(listing=listing, action=ListingAction.PUBLISH, actor=actor)


def listing_pause(*, listing: Listing, actor, reason: str = "") -> Listing:
    return listing_transition(listing=listing, action=ListingAction.PAUSE, actor=actor, reason=reason)


def listing_withdraw(*, listing: Listing, actor, reason: str = "") -> Listing:
    return listing_transition(listing=listing, action=ListingAction.WITHDRAW, actor=actor, reason=reason)


@transaction.atomic
def listing_takedown_mark(*, listing: Listing, reason: str, moderator=None) -> Listing:
    """Moderation only (stolen face, protected person, duplicate): called by the deal app's
    takedown orchestration, which also refunds and freezes. No seller page or API reaches it."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the listing is taken down.")})
    listing = transition_apply(
        obj=listing,
        action=ListingAction.TAKE_DOWN,
        transitions=LISTING_TRANSITIONS,
        actor=moderator,
        reason=reason.strip(),
        updates={"updated_at": timezone.now()},
    )
    outbox.event_emit("listing.taken_down", subject=f"listing:{listing.pk}", payload={"listing": listing.pk})
    return listing
