"""Licence-terms versions: append-only, and frozen once sold.

A seller never edits a version in place: every edit is a new version with the next number, and
the listing points at it. What a buyer was quoted and bought therefore stays exactly as it was.
Once sold, a version is also frozen in the database (migration 0002's trigger).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import NotTheOwner, SoldTermsImmutable, TransitionRefused
from ..models import LicenceTermsTemplate, LicenceTermsVersion, Listing
from ..state import EDITABLE_STATUSES
from ..terms import terms_clean
from .catalogue import listing_catalogue_refresh


def _version_create(
    *,
    listing: Listing,
    document: Mapping[str, Any],
    actor,
    change_note: str = "",
    template: LicenceTermsTemplate | None = None,
) -> LicenceTermsVersion:
    """Write the next version (caller validated ``document`` and holds the listing row lock)."""
    latest = LicenceTermsVersion.objects.filter(listing=listing).aggregate(n=Max("number"))["n"] or 0
    version = LicenceTermsVersion.objects.create(
        listing=listing,
        number=latest + 1,
        template=template,
        change_note=change_note[:200],
        created_by=actor,
        **document,
    )
    Listing.objects.filter(pk=listing.pk).update(current_terms=version, updated_at=timezone.now())
    listing.current_terms = version
    return version


@transaction.atomic
def terms_version_create(
    *,
    listing: Listing,
    actor,
    terms: Mapping[str, Any] | None = None,
    template: LicenceTermsTemplate | None = None,
    change_note: str = "",
) -> LicenceTermsVersion:
    """Give the listing new terms: ``template``'s document overlaid with ``terms``, validated.

    Returns the current version unchanged when the new document equals it (no empty versions).
    """
    locked = Listing.objects.select_for_update(no_key=True).get(pk=listing.pk)
    if locked.seller_id != getattr(actor, "pk", None):
        raise NotTheOwner()
    if locked.status not in EDITABLE_STATUSES:
        raise TransitionRefused(_("A %(status)s listing can no longer change.") % {"status": locked.status})
    base: dict[str, Any] = {}
    if template is not None:
        base = template.terms_document()
    elif locked.current_terms is not None:
        base = locked.current_terms.terms_document()
    document = terms_clean({**base, **(terms or {})})
    current = locked.current_terms
    if current is not None and current.terms_document() == document:
        return current
    version = _version_create(
        listing=locked, document=document, actor=actor, change_note=change_note, template=template
    )
    listing_catalogue_refresh(listing=locked)
    return version


def terms_version_edit(
    *, version: LicenceTermsVersion, actor, changes: Mapping[str, Any], change_note: str = ""
) -> LicenceTermsVersion:
    """Edit terms starting from ``version``: always a new version, never a change to ``version``."""
    return terms_version_create(
        listing=version.listing,
        actor=actor,
        terms={**version.terms_document(), **changes},
        change_note=change_note,
    )


def terms_version_guard_unsold(version: LicenceTermsVersion) -> None:
    """Raise ``SoldTermsImmutable`` if the version was sold (for any code about to touch it)."""
    sold = LicenceTermsVersion.objects.filter(pk=version.pk, sold_at__isnull=False).exists()
    if sold:
        raise SoldTermsImmutable()


def terms_version_mark_sold(version: LicenceTermsVersion) -> LicenceTermsVersion:
    """Freeze a version because a licence was sold on it (the purchase flow calls this). Idempotent.

    ``UPDATE ... WHERE sold_at IS NULL``: the first sale stamps it, later sales find it stamped.
    """
    if version.sold_at is not None:  # stamped by an earlier sale: nothing to write
        return version
    now = timezone.now()
    if LicenceTermsVersion.objects.filter(pk=version.pk, sold_at__isnull=True).update(sold_at=now):
        version.sold_at = now
    else:
        version.refresh_from_db()
    return version
