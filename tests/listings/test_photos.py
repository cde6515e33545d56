"""Portfolio photos: checked against the verified face, previews watermarked and stripped,
originals never public."""

import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.test import override_settings
from PIL import Image, ImageChops, ImageStat

from listings.models import PortfolioPhoto
from listings.services import listing_publish, portfolio_photo_add
from listings.state import PreviewStatus
from listings.storage import private_storage

from .conftest import photo_bytes

pytestmark = pytest.mark.django_db


def stored_files(root) -> list[str]:
    return [os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files]


@pytest.fixture
def profile_seller(verified_seller, make_profile, tmp_media):
    make_profile(verified_seller)
    return verified_seller


def add_photo(user, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return portfolio_photo_add(user=user, data=data)


def test_a_matching_photo_is_kept_privately_and_previewed(
    profile_seller, faces, django_capture_on_commit_callbacks
):
    original = photo_bytes(1600, 1200)
    photo = add_photo(profile_seller, original, django_capture_on_commit_callbacks)
    photo.refresh_from_db()
    assert faces.checked == [profile_seller.pk]
    assert (photo.width, photo.height, photo.original_content_type) == (1600, 1200, "image/jpeg")
    assert photo.original.name.startswith("fm_listings/originals/")
    with pytest.raises(ValueError):
        _ = photo.original.url  # no URL exists for an original: only the permission-checked view serves it
    assert private_storage().open(photo.original.name).read() == original

    assert photo.preview_status == PreviewStatus.READY
    preview_data = default_storage.open(photo.preview.name).read()
    preview = Image.open(io.BytesIO(preview_data))
    assert preview.format == "JPEG" and max(preview.size) == 640  # downscaled
    assert not preview.getexif() and "exif" not in preview.info and "icc_profile" not in preview.info
    assert b"SecretCam" not in preview_data
    # visibly watermarked: it differs clearly from the same picture merely downscaled
    plain = Image.open(io.BytesIO(original)).convert("RGB")
    plain.thumbnail((640, 640))
    difference = ImageStat.Stat(ImageChops.difference(plain, preview.convert("RGB")).convert("L"))
    assert difference.mean[0] > 8


def test_a_strangers_photo_is_refused_and_nothing_is_stored(profile_seller, faces, tmp_media):
    stranger = photo_bytes(color=(20, 200, 30))
    faces.strangers.add(stranger)
    with pytest.raises(ValidationError) as info:
        portfolio_photo_add(user=profile_seller, data=stranger)
    assert info.value.code == "face_mismatch"
    assert "does not match your verified face" in info.value.messages[0]
    assert not PortfolioPhoto.objects.exists()
    assert stored_files(tmp_media) == []


def test_an_unverified_seller_cannot_add_photos(seller, faces, make_profile, tmp_media):
    make_profile(seller)
    with pytest.raises(ValidationError) as info:
        portfolio_photo_add(user=seller, data=photo_bytes())
    assert info.value.code == "no_template"


def png_bomb(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, format="PNG")  # tiny on disk, huge once decoded
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "image_empty"),
        (b"definitely not an image", "image_corrupt"),
        (photo_bytes()[:2000], "image_corrupt"),  # truncated JPEG
        (b"GIF89a" + b"\0" * 100, "image_corrupt"),
        (png_bomb(9_000, 9_000), "image_too_many_pixels"),
    ],
)
def test_bad_images_are_refused_before_anything_is_written(profile_seller, faces, tmp_media, data, code):
    with pytest.raises(ValidationError) as info:
        portfolio_photo_add(user=profile_seller, data=data)
    assert info.value.code == code
    assert faces.checked == []  # refused before the face engine even looked
    assert not PortfolioPhoto.objects.exists() and stored_files(tmp_media) == []


def test_an_oversized_upload_is_refused(profile_seller, tmp_media, settings):
    settings.FACE_MARKET = {**settings.FACE_MARKET, "LISTING_PHOTO_MAX_BYTES": 1_000}
    with pytest.raises(ValidationError) as info:
        portfolio_photo_add(user=profile_seller, data=photo_bytes())
    assert info.value.code == "image_too_large"
    assert "the limit is 1000 bytes" in info.value.messages[0]


def test_a_failed_row_write_removes_the_stored_original(profile_seller, tmp_media, monkeypatch):
    def broken_create(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(PortfolioPhoto.objects, "create", broken_create)
    with pytest.raises(RuntimeError):
        portfolio_photo_add(user=profile_seller, data=photo_bytes())
    assert stored_files(tmp_media) == []


@pytest.fixture
def photo(profile_seller, django_capture_on_commit_callbacks):
    return add_photo(profile_seller, photo_bytes(), django_capture_on_commit_callbacks)


@pytest.mark.parametrize("who", ["anonymous", "buyer", "other_seller"])
def test_originals_are_never_served_to_anyone_else(client, photo, who, make_user, buyer):
    if who == "buyer":
        client.force_login(buyer)
    elif who == "other_seller":
        client.force_login(make_user("other_seller", "seller"))
    response = client.get(f"/listings/photos/{photo.public_id}/original/")
    assert response.status_code in (403, 404)
    assert response.status_code == 404  # and it does not even confirm the photo exists


@pytest.mark.parametrize("who", ["owner", "moderator"])
def test_originals_are_served_to_the_owner_and_moderators(client, photo, who, moderator, profile_seller):
    client.force_login(profile_seller if who == "owner" else moderator)
    response = client.get(f"/listings/photos/{photo.public_id}/original/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == private_storage().open(photo.original.name).read()


def test_media_urls_do_not_serve_originals(client, photo):
    assert client.get(f"/media/{photo.original.name}").status_code == 404
    assert client.get(f"/media/private/{photo.original.name}").status_code == 404


def test_previews_go_public_only_with_a_published_listing(client, photo, profile_seller, make_listing):
    url = f"/listings/photos/{photo.public_id}/preview/"
    assert client.get(url).status_code == 404
    listing_publish(listing=make_listing(profile_seller, cover_photo=photo), actor=profile_seller)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


@override_settings(FACE_MARKET={"LISTING_PREVIEW_MAX_PX": 200})
def test_preview_size_follows_the_setting(profile_seller, django_capture_on_commit_callbacks):
    photo = add_photo(profile_seller, photo_bytes(1000, 500), django_capture_on_commit_callbacks)
    photo.refresh_from_db()
    assert Image.open(default_storage.open(photo.preview.name)).size == (200, 100)
