"""Before the decision the seller sees their own reference photos and may remove one; nobody else may."""

from __future__ import annotations

import pytest

from verification.models import Enrollment, ReferencePhoto
from verification.state import EnrollmentStatus

pytestmark = [pytest.mark.django_db, pytest.mark.faces]


def test_the_seller_sees_and_removes_a_reference_photo_before_the_decision(client, seller, started):
    photo = started.reference_photos.get()
    client.force_login(seller)
    page = client.get("/verification/photos/").content.decode()
    assert f"/verification/photos/{photo.pk}/" in page and "remove-photo" in page
    image = client.get(f"/verification/photos/{photo.pk}/")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert image["Cache-Control"] == "private, no-store"

    response = client.post(f"/verification/photos/{photo.pk}/remove/")
    assert response.status_code == 302 and not ReferencePhoto.objects.filter(pk=photo.pk).exists()


def test_another_seller_cannot_see_or_remove_it_and_nothing_goes_after_the_decision(
    client, make_user, started
):
    photo = started.reference_photos.get()
    client.force_login(make_user("other_seller", "seller"))
    assert client.get(f"/verification/photos/{photo.pk}/").status_code == 404
    assert client.post(f"/verification/photos/{photo.pk}/remove/").status_code == 404
    assert ReferencePhoto.objects.filter(pk=photo.pk).exists()

    Enrollment.objects.filter(pk=started.pk).update(status=EnrollmentStatus.DECIDING)
    client.force_login(started.user)
    assert client.post(f"/verification/photos/{photo.pk}/remove/").status_code == 404
    assert client.get(f"/verification/photos/{photo.pk}/remove/").status_code in (404, 405)
    assert ReferencePhoto.objects.filter(pk=photo.pk).exists()
