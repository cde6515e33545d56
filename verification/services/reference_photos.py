"""The seller looks after their own reference photos before the decision: a photo can be removed."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verification.conf import verification_settings

from ..errors import VerificationError, refused
from ..models import Enrollment, ReferencePhoto
from ..state import EnrollmentStatus as S
from .enrollment import _require_owner, _require_step

#: before the decision; once the camera check has started its photos must stay at the minimum
REMOVABLE_IN = (S.PHOTOS, S.CHALLENGE_ISSUED)


@transaction.atomic
def reference_photo_remove(*, enrollment: Enrollment, photo_id: int, actor) -> None:
    """Delete one of the enrollment's reference photos (the cleaned JPEG goes with its row)."""
    _require_owner(enrollment, actor)
    locked = Enrollment.objects.select_for_update(no_key=True).get(pk=enrollment.pk)
    _require_step(locked, *REMOVABLE_IN)
    photo = ReferencePhoto.objects.filter(enrollment=locked, pk=photo_id).first()
    if photo is None:
        raise VerificationError("not_found", _("No such photo."), status=404)
    remaining = locked.reference_photos.count() - 1
    if locked.status == S.CHALLENGE_ISSUED and remaining < int(verification_settings.REFERENCE_PHOTOS_MIN):
        raise refused("too_few_photos", 409)
    photo.delete()
    Enrollment.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
