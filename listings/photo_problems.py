"""What a seller reads when a portfolio photo is refused: what went wrong and what to do instead."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PHOTO_PROBLEMS = {
    "no_template": _(
        "Verify your face first: each portfolio photo is compared with your verified face, "
        "and you have none yet. Open the Verification page, then upload the photo again."
    ),
    "face_mismatch": _(
        "This photo does not match your verified face, so it cannot be listed. Upload a photo of yourself."
    ),
}
#: the intake's own codes (no face, several faces, too small, ...) read the same to a seller
PHOTO_UNUSABLE = _("This photo cannot be used: upload a sharp, well-lit photo that shows only your face.")


def photo_problem(code: str | None) -> str:
    return str(PHOTO_PROBLEMS.get(code or "face_mismatch", PHOTO_UNUSABLE))
