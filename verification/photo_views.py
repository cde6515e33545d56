"""The seller's own reference photos before the decision: shown to them alone, and removable."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .errors import VerificationError
from .models import ReferencePhoto
from .services.reference_photos import REMOVABLE_IN
from .views import seller_required


def _own_photo(request, photo_id: int) -> ReferencePhoto:
    enrollment = selectors.enrollment_latest(request.user)
    if enrollment is None or enrollment.status not in REMOVABLE_IN:
        raise Http404
    photo = ReferencePhoto.objects.filter(enrollment=enrollment, pk=photo_id).first()
    if photo is None:
        raise Http404
    return photo


@seller_required
def reference_photo_image(request, photo_id: int):
    """The cleaned JPEG, for its seller only, never cached (it is biometric input)."""
    photo = _own_photo(request, photo_id)
    response = HttpResponse(bytes(photo.jpeg), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@seller_required
@require_POST
def reference_photo_remove(request, photo_id: int):
    photo = _own_photo(request, photo_id)
    try:
        services.reference_photo_remove(enrollment=photo.enrollment, photo_id=photo.pk, actor=request.user)
    except VerificationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Photo removed."))
    return redirect("verification:photos")
