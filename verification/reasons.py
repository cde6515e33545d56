"""Verdict reason codes in plain words, for the seller's page and the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

REASONS = {
    # liveness (verification/liveness.py)
    "too_few_frames": _(
        "The camera sent too few usable frames. Make sure your face is well lit and in view."
    ),
    "no_face_in_frames": _("Your face was not visible in enough of the camera frames."),
    "actions_missing": _("Not all of the requested movements were seen."),
    "actions_out_of_order": _("The requested movements were not done in the order shown."),
    "flat_motion": _("The camera saw a flat picture moving, not a real head turning."),
    "screen_replay": _(
        "The camera seemed to be filming a screen, not a person. Look at the camera yourself, "
        "with no phone or monitor in front of it."
    ),
    "response_timing": _("The movements did not follow the instructions as they appeared. Please try again."),
    "multiple_faces": _("More than one face was in view. Please be alone in front of the camera."),
    "identity_changed": _("The face in front of the camera changed during the check."),
    "reference_mismatch": _("The face in front of the camera does not match your reference photos."),
    # enrollment (verification/services/decision.py)
    "reference_photos_differ": _("Your reference photos do not all show the same person."),
    "reference_photo_unusable": _("One of your reference photos could no longer be read."),
    "no_usable_reference_photo": _("None of your reference photos could be used."),
    "face_matches_other_seller": _(
        "This face is already verified by another account. A moderator will review the case."
    ),
    "face_matches_protected_person": _(
        "This face belongs to a protected person and cannot be listed. A moderator will review the case."
    ),
}


def reason_text(code: str) -> str:
    return str(REASONS.get(code, _("The check did not pass.")))
