"""The trust surface's records: platform keys, licence credentials, status lists, consent checks, labels."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CredentialStatus(models.IntegerChoices):
    """Values of a 2-bit entry of an IETF Token Status List (draft-ietf-oauth-status-list)."""

    VALID = 0, _("Valid")
    INVALID = 1, _("Revoked")
    SUSPENDED = 2, _("Suspended")


class TrustKey(models.Model):
    """A platform key generated here because none was configured (the zero-setup default).

    ``purpose`` credential: an EC P-256 private key (PEM) that signs credentials and status lists.
    ``purpose`` c2pa: the content-label signing key with its certificate chain (end entity, then CA).
    A retired key signs nothing new; its public half stays published while its tokens live.
    """

    class Purpose(models.TextChoices):
        CREDENTIAL = "credential", _("Licence credentials")
        C2PA = "c2pa", _("Content labels")

    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    kid = models.CharField(max_length=64, unique=True)
    private_pem = models.TextField()
    certificate_chain_pem = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.purpose} key {self.kid}"


class StatusList(models.Model):
    """One published status list; its signed token is re-rendered whenever an entry changes."""

    bits = models.PositiveSmallIntegerField(default=2)
    size = models.PositiveIntegerField()
    token = models.TextField(blank=True)
    version = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"status list {self.pk} (v{self.version})"


class LicenceCredential(models.Model):
    """A signed credential of a licence. A new one is issued when the licence's claims change."""

    licence = models.ForeignKey(
        "fm_marketplace.Licence", on_delete=models.PROTECT, related_name="credentials"
    )
    jti = models.CharField(max_length=64, unique=True)
    kid = models.CharField(max_length=64)
    token = models.TextField()
    claims_hash = models.CharField(max_length=64)
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="entries")
    status_index = models.PositiveIntegerField()
    status = models.PositiveSmallIntegerField(
        choices=CredentialStatus.choices, default=CredentialStatus.VALID
    )
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["status_list", "status_index"], name="fm_credential_status_slot"),
            models.UniqueConstraint(
                fields=["licence"], condition=Q(superseded_at__isnull=True), name="fm_credential_one_current"
            ),
        ]
        indexes = [models.Index(fields=["kid", "expires_at"], name="fm_credential_kid_expiry")]

    def __str__(self) -> str:
        return f"credential {self.jti} of {self.licence_id}"


class ConsentCheckReceipt(models.Model):
    """One answer to "is this face licensed for this use?": the seller's view of who uses their face."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    licence = models.ForeignKey(
        "fm_marketplace.Licence", on_delete=models.PROTECT, related_name="consent_checks"
    )
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    caller_name = models.CharField(max_length=150)
    intended_use = models.JSONField()
    allowed = models.BooleanField()
    reasons = models.JSONField(default=list)
    credential_jti = models.CharField(max_length=64, blank=True)
    credential_status = models.CharField(max_length=12)
    face_compared = models.BooleanField(default=False)
    face_score = models.FloatField(null=True, blank=True)  # a distance or similarity: never an embedding
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["licence", "-created_at"], name="fm_consent_check_licence")]
        permissions = [("check_consent", _("Can ask whether a face is licensed for a use"))]

    def __str__(self) -> str:
        return f"consent check {self.public_id}"


class ContentLabel(models.Model):
    """A media file labelled for a licence: C2PA manifest, GB 45438-2025 implicit and visible labels."""

    produce_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    licence = models.ForeignKey("fm_marketplace.Licence", on_delete=models.PROTECT, related_name="labels")
    credential = models.ForeignKey(LicenceCredential, on_delete=models.PROTECT, related_name="labels")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    media_type = models.CharField(max_length=40)
    sha256 = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"label {self.produce_id}"


class LabelledStill(models.Model):
    """A usage report's still that carries our label, matched to the licence the label names."""

    still = models.OneToOneField(
        "fm_marketplace.EvidenceStill", on_delete=models.CASCADE, related_name="trust_label"
    )
    label = models.ForeignKey(ContentLabel, on_delete=models.SET_NULL, null=True, related_name="stills")
    licence = models.ForeignKey(
        "fm_marketplace.Licence", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reference = models.CharField(max_length=40)
    credential_valid = models.BooleanField()  # the credential inside verified (signature and live status)
    same_licence = models.BooleanField()  # the label names the licence the report is about
    unmodified = models.BooleanField()  # byte-identical to the file we labelled
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"still {self.still_id} labelled for {self.reference}"
