"""The one error type services raise for a request they refuse: a stable code and a plain message.

Messages are written for the person in front of the page; they never carry biometric data (no
embeddings, scores or landmarks), so they are safe to show, return from the API and log.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kernel.errors import ServiceError


class VerificationError(ServiceError):
    """A kernel ``ServiceError`` whose status the raiser names (400 by default)."""

    def __init__(self, code: str, message, *, status: int = 400):
        super().__init__(message, code=code)
        self.status = self.status_code = status

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def refused(code: str, status: int = 400) -> VerificationError:
    """A VerificationError with the standard message for ``code``."""
    return VerificationError(code, MESSAGES.get(code, _("The request was refused.")), status=status)


MESSAGES = {
    "not_a_seller": _("Only sellers can verify their face."),
    "consent_required": _("Please accept the biometric processing consent first."),
    "consent_version_changed": _("The consent text has changed. Please read the current text and accept it."),
    "already_verified": _("Your face is already verified."),
    "under_review": _("An earlier verification is being reviewed by a moderator."),
    "wrong_step": _("This step is not available at this point of your verification."),
    "too_many_photos": _("You have uploaded the maximum number of reference photos."),
    "too_few_photos": _("Upload at least one reference photo of your face first."),
    "duplicate_photo": _("This photo has already been uploaded."),
    "guided_required": _("Please use the camera page: this check gives its instructions one at a time."),
    "challenge_expired": _("The camera check expired. Please start it again."),
    "challenge_used": _("These frames were already submitted. Please start a new camera check."),
    "nonce_mismatch": _("This camera check is not the current one. Please start it again."),
    "too_few_frames": _("Too few camera frames were received. Please try again."),
    "too_many_frames": _("Too many camera frames were sent."),
    "frame_too_large": _("A camera frame is too large."),
    "frame_not_jpeg": _("A camera frame is not a valid JPEG image."),
    "not_a_moderator": _("Only moderators can manage protected persons."),
    "no_template": _("This seller has no verified face to compare with."),
}
