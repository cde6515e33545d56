"""Fixtures of the listings tests: seeded tiers, profiles, listings, photos and a verified seller."""

from __future__ import annotations

import importlib
import io
from dataclasses import dataclass, field
from datetime import datetime

import pytest
from django.apps import apps
from django.utils import timezone
from PIL import Image

SEED_MIGRATION = "listings.migrations.0003_seed_tiers_and_terms_templates"


@pytest.fixture
def tiers(db):
    """The seeded tiers by slug. Seeded again here because transactional tests flush the tables."""
    from listings.models import Tier

    importlib.import_module(SEED_MIGRATION).seed(apps, None)
    return {tier.slug: tier for tier in Tier.objects.all()}


@pytest.fixture
def templates(tiers):
    from listings.models import LicenceTermsTemplate

    return {template.slug: template for template in LicenceTermsTemplate.objects.all()}


@dataclass
class FaceBoundary:
    """What the fake verification app knows: who is verified since when, which photos are strangers."""

    verified_since: dict[int, datetime] = field(default_factory=dict)
    strangers: set[bytes] = field(default_factory=set)
    checked: list[int] = field(default_factory=list)

    def verify(self, user, at: datetime | None = None) -> None:
        self.verified_since[user.pk] = at or timezone.now()

    def unverify(self, user) -> None:
        self.verified_since.pop(user.pk, None)


@dataclass(frozen=True)
class FakeTemplate:
    created_at: datetime
    verified_at: datetime


@dataclass(frozen=True)
class FakePhotoMatch:
    matched: bool
    score: float
    error_code: str | None = None


@pytest.fixture
def faces(monkeypatch) -> FaceBoundary:
    """Stands in for the verification app at the listings app's boundary, and nowhere else.

    The real verification flow (consent, liveness, face templates, photo matching with the real
    engines) is tested in tests/verification. Here only the three calls listings makes are replaced:
    ``seller_is_verified``, ``seller_face_template`` and ``seller_photo_match``. A user is verified
    when a test says so; a photo matches unless the test registered it as a stranger's.
    """
    import verification.selectors
    import verification.services

    boundary = FaceBoundary()

    def seller_is_verified(user) -> bool:
        return getattr(user, "pk", None) in boundary.verified_since

    def seller_face_template(user):
        since = boundary.verified_since.get(getattr(user, "pk", None))
        return FakeTemplate(created_at=since, verified_at=since) if since else None

    def seller_photo_match(*, user, data: bytes):
        boundary.checked.append(user.pk)
        if user.pk not in boundary.verified_since:
            return FakePhotoMatch(matched=False, score=float("nan"), error_code="no_template")
        if data in boundary.strangers:
            return FakePhotoMatch(matched=False, score=0.9, error_code="face_mismatch")
        return FakePhotoMatch(matched=True, score=0.31)

    monkeypatch.setattr(verification.selectors, "seller_is_verified", seller_is_verified, raising=False)
    monkeypatch.setattr(verification.selectors, "seller_face_template", seller_face_template, raising=False)
    for module in (verification.selectors, verification.services):
        if hasattr(module, "seller_photo_match"):
            monkeypatch.setattr(module, "seller_photo_match", seller_photo_match)
    if not hasattr(verification.selectors, "seller_photo_match"):
        monkeypatch.setattr(verification.selectors, "seller_photo_match", seller_photo_match, raising=False)
    return boundary


def photo_bytes(
    width: int = 800, height: int = 600, *, color=(180, 120, 90), fmt: str = "JPEG", exif: bool = True
) -> bytes:
    """A small real image; JPEGs carry EXIF (camera, GPS) so tests can see it stripped."""
    image = Image.new("RGB", (width, height), color)
    for x in range(0, width, 40):  # some structure, so the watermark has something to cover
        image.paste((color[0] // 2, color[1], color[2]), (x, 0, x + 20, height))
    out = io.BytesIO()
    kwargs = {}
    if exif and fmt == "JPEG":
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x0110] = "Model X"
        data[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}  # GPS IFD
        kwargs["exif"] = data.tobytes()
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


@pytest.fixture
def make_profile():
    from listings.services import seller_profile_upsert

    def make(user, **fields):
        defaults = {
            "display_name": user.username.title(),
            "bio": "Actor in Hangzhou.",
            "languages": ["zh"],
            "tags": ["20s", "classic"],
        }
        return seller_profile_upsert(user=user, **{**defaults, **fields})

    return make


@pytest.fixture
def make_listing(templates, make_profile):
    """A draft listing (with a profile made if the seller has none)."""
    from listings.models import SellerProfile, Tier
    from listings.services import listing_create

    def make(
        seller,
        *,
        tier: str = "lead",
        template: str = "lead-drama-advertising",
        price: int | None = 1_500_000,
        title: str = "Warm smile, period dramas",
        terms=None,
        **fields,
    ):
        if not SellerProfile.objects.filter(user=seller).exists():
            make_profile(seller)
        tier_obj = Tier.objects.get(slug=tier)
        return listing_create(
            seller=seller,
            tier=tier_obj,
            title=title,
            annual_price_minor=price,
            template=templates[template],
            terms=terms,
            **fields,
        )

    return make


@pytest.fixture
def verified_seller(seller, faces):
    faces.verify(seller)
    return seller


@pytest.fixture
def published_listing(verified_seller, make_listing):
    from listings.services import listing_publish

    return listing_publish(listing=make_listing(verified_seller), actor=verified_seller)


@pytest.fixture(autouse=True)
def previews_inline(monkeypatch):
    """Make the preview task run in this process when enqueued, whatever the broker settings say.

    With CELERY_BROKER_URL set (the PostgreSQL + Redis run), ``.delay`` would send it to a worker that
    cannot see this test's uncommitted transaction.
    """
    from listings import tasks

    monkeypatch.setattr(
        tasks.portfolio_preview_render_task,
        "delay",
        lambda photo_id: tasks.portfolio_preview_render_task.apply(args=[photo_id]),
    )
