"""Who is who: biometric consent, enrollments with their raw captures, face templates, flags.

Three kinds of data with three lifetimes, kept in separate tables on purpose:

- raw captures (``ReferencePhoto``, ``LivenessFrame``): the JPEGs a seller uploads. They live in the
  database, not in MEDIA_ROOT: no URL can ever serve them, they are written in the same transaction as the
  enrollment (a failed upload leaves nothing behind), a Celery worker on another machine reads them without
  a shared disk, and deleting them after the verdict is one DELETE. They are small (a few hundred kB a
  session) and live minutes (``RAW_CAPTURE_RETENTION_HOURS``).
- templates (``FaceTemplate``): one embedding per verified face, the only biometric data kept, stored as
  float32 bytes so every database can hold it. On PostgreSQL the pgvector backend keeps a derived copy in
  its own table (created by migration 0003 only there); see ``verification/index/pgvector.py``.
- evidence (``FaceMatchFlag``): scores and which template matched, never an embedding.

No model's ``str``/``repr`` shows biometric bytes, so nothing biometric reaches a log line by accident.
"""

from __future__ import annotations

import uuid

import numpy as np
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .state import ACTIVE_STATUSES, TRANSITIONS, EnrollmentStatus

USER = settings.AUTH_USER_MODEL


class BiometricConsent(models.Model):
    """A user's separate consent to biometric processing, with the exact text they were shown."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="fm_biometric_consents")
    text_version = models.CharField(max_length=32)
    text = models.TextField(help_text=_("The full consent text shown, in the language it was shown in."))
    language = models.CharField(max_length=16, blank=True)
    accepted_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at"]
        indexes = [models.Index(fields=["user", "withdrawn_at"], name="fm_ver_consent_user_idx")]

    def __str__(self) -> str:
        return f"consent {self.text_version} by user {self.user_id}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class Enrollment(models.Model):
    """One attempt by a seller to verify their face: photos, a liveness challenge, a verdict."""

    STATUS_TRANSITIONS = TRANSITIONS

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="fm_enrollments")
    consent = models.ForeignKey(BiometricConsent, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(
        max_length=20, choices=EnrollmentStatus.choices, default=EnrollmentStatus.PHOTOS, db_index=True
    )
    challenge_actions = models.JSONField(default=list, blank=True)
    challenge_nonce = models.CharField(max_length=64, blank=True)
    challenge_issued_at = models.DateTimeField(null=True, blank=True)
    challenge_expires_at = models.DateTimeField(null=True, blank=True)
    frames_count = models.PositiveSmallIntegerField(default=0)
    #: a guided challenge: actions issued one at a time while the page streams frames
    challenge_guided = models.BooleanField(default=False)
    #: guided: [{"action": ..., "frame": index of the first frame stored after it was prompted}, ...]
    challenge_steps = models.JSONField(default=list, blank=True)
    #: reason codes of the verdict (see verification/reasons.py for their plain words)
    reasons = models.JSONField(default=list, blank=True)
    #: non-biometric numbers of the decision (counts, ratios, timings): never embeddings or landmarks
    metrics = models.JSONField(default=dict, blank=True)
    engine_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    captures_purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=sorted(ACTIVE_STATUSES)),
                name="fm_ver_one_active_enrollment",
            ),
        ]

    def __str__(self) -> str:
        return f"enrollment {self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class RawCapture(models.Model):
    """Common part of the raw images: a cleaned JPEG (EXIF gone), deleted after the verdict."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    jpeg = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk} of enrollment {self.enrollment_id}"


class ReferencePhoto(RawCapture):
    """A listing photo the seller says shows their own face (the cleaned JPEG intake produced)."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="reference_photos")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "sha256"], name="fm_ver_refphoto_unique"),
        ]


class LivenessFrame(RawCapture):
    """One webcam frame of the liveness challenge, in capture order."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="frames")
    index = models.PositiveSmallIntegerField()
    #: guided sessions: head pose and eye openness of this frame ({"yaw", "pitch", "ear"} or null when
    #: no face), so each upload measures only its new frames; deleted with the frame
    signals = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["index"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "index"], name="fm_ver_frame_unique"),
        ]


class ProtectedPerson(models.Model):
    """Someone whose face may not be listed by anyone: a public figure, or a person who opted out."""

    class Reason(models.TextChoices):
        PUBLIC_FIGURE = "public_figure", _("Public figure")
        OPTED_OUT = "opted_out", _("Opted out")

    name = models.CharField(max_length=200)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    notes = models.TextField(blank=True)
    added_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class FaceTemplate(models.Model):
    """One face embedding in the index: a verified seller's face or a protected person's.

    The embedding is float32 bytes (any database). It is comparable only with embeddings of the same
    ``engine_id`` and ``model_hash``; every search filters on both.
    """

    class Kind(models.TextChoices):
        SELLER = "seller", _("Verified seller")
        PROTECTED = "protected", _("Protected person")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    subject_user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.CASCADE, related_name="fm_face_templates"
    )
    protected_person = models.ForeignKey(
        ProtectedPerson, null=True, blank=True, on_delete=models.CASCADE, related_name="templates"
    )
    source_enrollment = models.ForeignKey(
        Enrollment, null=True, blank=True, on_delete=models.SET_NULL, related_name="templates"
    )
    engine_id = models.CharField(max_length=64)
    model_hash = models.CharField(max_length=64)
    metric = models.CharField(max_length=12)  # the engine's: "euclidean" or "cosine"
    dimensions = models.PositiveSmallIntegerField()
    embedding = models.BinaryField(editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["engine_id", "model_hash", "is_active"], name="fm_ver_template_engine_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="seller", subject_user__isnull=False, protected_person__isnull=True)
                    | Q(kind="protected", subject_user__isnull=True, protected_person__isnull=False)
                ),
                name="fm_ver_template_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} template {self.pk} ({self.engine_id})"

    @staticmethod
    def pack(vector: np.ndarray) -> bytes:
        return np.ascontiguousarray(vector, dtype="<f4").tobytes()

    def vector(self) -> np.ndarray:
        return np.frombuffer(bytes(self.embedding), dtype="<f4")


class FaceIndexVersion(models.Model):
    """A stamp replaced in the same transaction as every change to the set of templates.

    The exact index compares it before each search ("has anything changed since I loaded the matrix?"):
    one row read, where an aggregate over all templates costs tens of milliseconds at 100k templates.
    A random stamp rather than a counter: a rolled-back change must never leave a process holding a
    matrix under a value that a later, different change could produce again.
    Services replace it; a post_delete receiver (signals.py) covers templates deleted by a cascade.
    """

    stamp = models.UUIDField(default=uuid.uuid4)

    def __str__(self) -> str:
        return f"face index stamp {self.stamp}"

    @classmethod
    def bump(cls) -> None:
        if not cls.objects.filter(pk=1).update(stamp=uuid.uuid4()):
            cls.objects.get_or_create(pk=1)

    @classmethod
    def current(cls) -> str:
        stamp = cls.objects.filter(pk=1).values_list("stamp", flat=True).first()
        return str(stamp) if stamp else ""


class FaceMatchFlag(models.Model):
    """A moderation flag: an enrolling face matched someone else's template. Evidence, never embeddings."""

    class Kind(models.TextChoices):
        DUPLICATE = "duplicate", _("Matches another seller")
        PROTECTED = "protected", _("Matches a protected person")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DISMISSED = "dismissed", _("Dismissed")
        CONFIRMED = "confirmed", _("Confirmed")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="flags")
    subject_user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="fm_face_match_flags")
    matched_template = models.ForeignKey(
        FaceTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="flags"
    )
    # denormalised so the evidence survives the matched template being withdrawn
    matched_user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    matched_protected_person = models.ForeignKey(
        ProtectedPerson, null=True, blank=True, on_delete=models.SET_NULL, related_name="flags"
    )
    score = models.FloatField(help_text=_("Distance (euclidean engines) or similarity (cosine engines)."))
    threshold = models.FloatField()
    metric = models.CharField(max_length=12)
    engine_id = models.CharField(max_length=64)
    model_hash = models.CharField(max_length=64)
    #: per reference photo: {"photo": position, "score": ...}; numbers only
    evidence = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "kind"], name="fm_ver_flag_status_idx")]

    def __str__(self) -> str:
        return f"{self.kind} flag {self.pk} ({self.status})"
