"""Seller profiles and portfolio photos (checked against the seller's verified face)."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from listings.conf import listings_settings

from .. import faces
from ..errors import NotTheOwner
from ..images import image_inspect, preview_render
from ..models import PortfolioPhoto, SellerProfile
from ..permissions import is_seller
from ..photo_problems import photo_problem
from ..state import PreviewStatus
from ..storage import private_storage
from ..vocabulary import Language
from .catalogue import listing_catalogue_refresh

logger = logging.getLogger(__name__)

MAX_TAGS, MAX_TAG_CHARS = 12, 30
MAX_PHOTOS_PER_PROFILE = 12
DISPLAY_NAME_MAX, BIO_MAX = 80, 600


def _clean_tags(tags: Iterable[str], errors: dict) -> list[str]:
    if isinstance(tags, str):
        tags = tags.split(",")
    cleaned: list[str] = []
    for raw in tags:
        tag = re.sub(r"\s+", " ", str(raw)).strip().lower()
        if not tag:
            continue
        if len(tag) > MAX_TAG_CHARS:
            errors["tags"] = _("Each tag is at most %(n)s characters.") % {"n": MAX_TAG_CHARS}
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        errors["tags"] = _("At most %(n)s tags.") % {"n": MAX_TAGS}
    return cleaned


@transaction.atomic
def seller_profile_upsert(
    *, user, display_name: str, bio: str = "", languages: Iterable[str] = (), tags: Iterable[str] = ()
) -> SellerProfile:
    """Create or update the seller's profile, then refresh the catalogue entries built from it."""
    if not is_seller(user):
        raise NotTheOwner(_("Only sellers have a seller profile."), code="not_seller")
    errors: dict[str, str] = {}
    display_name = (display_name or "").strip()
    if not display_name or len(display_name) > DISPLAY_NAME_MAX:
        errors["display_name"] = _("Give a display name of 1 to %(n)s characters.") % {"n": DISPLAY_NAME_MAX}
    bio = (bio or "").strip()
    if len(bio) > BIO_MAX:
        errors["bio"] = _("Keep the bio under %(n)s characters.") % {"n": BIO_MAX}
    languages = list(dict.fromkeys(languages))
    unknown = [code for code in languages if code not in Language.values]
    if unknown:
        errors["languages"] = _("Unknown language codes: %(codes)s.") % {
            "codes": ", ".join(map(str, unknown))
        }
    clean_tags = _clean_tags(tags, errors)
    if errors:
        raise ValidationError(errors)
    profile, _created = SellerProfile.objects.update_or_create(
        user=user,
        defaults={"display_name": display_name, "bio": bio, "languages": languages, "tags": clean_tags},
    )
    for listing in profile.listings.all():
        listing_catalogue_refresh(listing=listing)
    return profile


@transaction.atomic
def portfolio_photo_add(*, user, data: bytes) -> PortfolioPhoto:
    """Keep a portfolio photo if it is a sound image of the seller's verified face.

    The original goes to private storage; a watermarked preview is made by a task after commit.
    On any refusal nothing is stored: checks run first, and the file is removed again if the row
    cannot be written.
    """
    profile = SellerProfile.objects.filter(user=user).first()
    if profile is None:
        raise ValidationError(_("Create your seller profile first."), code="no_profile")
    if profile.photos.count() >= MAX_PHOTOS_PER_PROFILE:
        raise ValidationError(
            _("At most %(n)s portfolio photos.") % {"n": MAX_PHOTOS_PER_PROFILE}, code="too_many_photos"
        )
    info = image_inspect(
        data,
        max_bytes=listings_settings.LISTING_PHOTO_MAX_BYTES,
        max_pixels=listings_settings.LISTING_PHOTO_MAX_PIXELS,
    )
    match = faces.seller_photo_match(user=user, data=data)
    if not match.matched:
        raise ValidationError(photo_problem(match.error_code), code=match.error_code or "face_mismatch")
    storage = private_storage()
    name = storage.save(f"fm_listings/originals/{uuid.uuid4().hex}.{info.extension}", ContentFile(data))
    try:
        photo = PortfolioPhoto.objects.create(
            profile=profile,
            original=name,
            original_content_type=info.content_type,
            width=info.width,
            height=info.height,
            match_score=match.score,
        )
    except Exception:
        storage.delete(name)
        raise
    transaction.on_commit(lambda: _enqueue_preview(photo.pk))
    return photo


def _enqueue_preview(photo_id: int) -> None:
    from ..tasks import portfolio_preview_render_task

    portfolio_preview_render_task.delay(photo_id)


@transaction.atomic
def portfolio_photo_remove(*, user, photo: PortfolioPhoto) -> None:
    if photo.profile.user_id != user.pk:
        raise NotTheOwner()
    names = (photo.original.name, photo.preview.name)
    photo.delete()  # listings using it as cover fall back to none (SET_NULL)
    transaction.on_commit(lambda: _files_delete(*names))


def _files_delete(original: str, preview: str) -> None:
    if original:
        private_storage().delete(original)
    if preview:
        default_storage.delete(preview)


def portfolio_preview_render(*, photo_id: int) -> PortfolioPhoto | None:
    """Make the watermarked, metadata-free preview of a photo. Idempotent; None if the photo is gone."""
    photo = PortfolioPhoto.objects.filter(pk=photo_id).first()
    if photo is None:
        return None
    if (
        photo.preview_status == PreviewStatus.READY
        and photo.preview
        and default_storage.exists(photo.preview.name)
    ):
        return photo
    try:
        with private_storage().open(photo.original.name, "rb") as fh:
            rendered = preview_render(
                fh.read(),
                max_px=listings_settings.LISTING_PREVIEW_MAX_PX,
                watermark=listings_settings.LISTING_PREVIEW_WATERMARK,
            )
    except (OSError, ValueError, ValidationError):
        logger.exception("preview of portfolio photo %s failed", photo.pk)
        PortfolioPhoto.objects.filter(pk=photo.pk).update(preview_status=PreviewStatus.FAILED)
        photo.refresh_from_db()
        return photo
    name = default_storage.save(f"fm_listings/previews/{photo.public_id.hex}.jpg", ContentFile(rendered))
    PortfolioPhoto.objects.filter(pk=photo.pk).update(preview=name, preview_status=PreviewStatus.READY)
    photo.refresh_from_db()
    return photo
