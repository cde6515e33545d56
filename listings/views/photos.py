"""Photo files, always through a permission check (media is never served blindly).

Originals: their owner and moderators only; anyone else gets 404, whether or not it exists.
Previews (watermarked, metadata stripped): public once the seller has a published listing.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from ..selectors import photo_original_for_viewer, photo_preview_for_viewer
from ..storage import private_storage


def _file_response(handle, content_type: str, *, private: bool) -> FileResponse:
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


@require_GET
def photo_original(request, public_id):
    photo = photo_original_for_viewer(user=request.user, public_id=public_id)
    if photo is None:
        raise Http404
    try:
        handle = private_storage().open(photo.original.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return _file_response(handle, photo.original_content_type, private=True)


@require_GET
def photo_preview(request, public_id):
    photo = photo_preview_for_viewer(user=request.user, public_id=public_id)
    if photo is None:
        raise Http404
    try:
        handle = default_storage.open(photo.preview.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return _file_response(handle, "image/jpeg", private=False)
