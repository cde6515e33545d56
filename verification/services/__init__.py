"""Every write of the verification app (keyword-only arguments, one transaction each).

Split by subject; import from here: ``from verification.services import reference_photo_add``.
"""

from .consent import biometric_consent_record, biometric_consent_withdraw
from .decision import enrollment_decide
from .enrollment import (
    enrollment_start,
    liveness_challenge_issue,
    liveness_frames_submit,
    reference_photo_add,
)
from .guided import GuidedProgress, guided_challenge_start, guided_frames_add, guided_next_action
from .reference_photos import reference_photo_remove
from .retention import enrollments_expire_abandoned, raw_captures_delete, raw_captures_purge
from .review import face_match_flag_resolve, face_match_flag_revise, reverification_require
from .templates import (
    ImportReport,
    face_template_enroll,
    face_template_withdraw,
    protected_face_add,
    protected_face_import,
    protected_person_add,
)

__all__ = [
    "GuidedProgress",
    "guided_challenge_start",
    "guided_frames_add",
    "guided_next_action",
    "ImportReport",
    "biometric_consent_record",
    "biometric_consent_withdraw",
    "enrollment_decide",
    "enrollment_start",
    "enrollments_expire_abandoned",
    "face_match_flag_resolve",
    "face_match_flag_revise",
    "face_template_enroll",
    "face_template_withdraw",
    "reference_photo_remove",
    "liveness_challenge_issue",
    "liveness_frames_submit",
    "protected_face_add",
    "protected_face_import",
    "protected_person_add",
    "raw_captures_delete",
    "raw_captures_purge",
    "reference_photo_add",
    "reverification_require",
]
