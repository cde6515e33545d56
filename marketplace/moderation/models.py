"""Moderation: one queue of cases from every flag source, face claims, appeals, and the audit log."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.moderation.state import AppealStatus, CaseSource, CaseStatus, ClaimStatus, Severity

USER = settings.AUTH_USER_MODEL


class ModerationCase(models.Model):
    """Something a moderator must look at: a flag, a claim or a report about a listing or a seller.

    ``source_ref`` identifies the flag at its source ("flag:12", "claim:3", a usage report id): opening
    the same source twice returns the first case, so pollers and retried tasks are harmless.
    """

    source = models.CharField(_("source"), max_length=20, choices=CaseSource.choices)
    source_ref = models.CharField(max_length=80, blank=True)
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, default=Severity.NORMAL
    )
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    listing = models.ForeignKey(
        "fm_listings.Listing", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: the seller the case is about (whose listing, whose enrollment)
    seller = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reporter = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    licence_reference = models.CharField(max_length=40, blank=True)
    summary = models.CharField(_("summary"), max_length=300)
    #: numbers, codes and references only (scores, thresholds, reason codes, ids): never embeddings
    evidence = models.JSONField(default=dict, blank=True)
    assigned_to = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-severity", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_ref"], condition=~Q(source_ref=""), name="fm_case_source_once"
            ),
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="fm_case_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "-severity", "created_at"], name="fm_case_queue")]
        #: a host platform's service account files reports as the platform (case source "host_report")
        permissions = [("report_as_host", _("Can report listings as a host platform"))]

    def __str__(self) -> str:
        return f"case {self.pk} ({self.source}, {self.status})"

    @property
    def time_in_queue(self) -> timedelta:
        end = self.decided_at or timezone.now()
        return end - self.created_at


class FaceClaim(models.Model):
    """Someone says a listing shows their face; their own liveness verification decides."""

    claimant = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="fm_face_claims")
    listing = models.ForeignKey("fm_listings.Listing", on_delete=models.PROTECT, related_name="+")
    enrollment = models.ForeignKey(
        "fm_verification.Enrollment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    statement = models.TextField(_("statement"), blank=True)
    status = models.CharField(max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.VERIFYING)
    case = models.ForeignKey(
        ModerationCase, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claimant", "listing"],
                condition=Q(status=ClaimStatus.VERIFYING),
                name="fm_claim_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"claim {self.pk} on listing {self.listing_id} ({self.status})"


class Appeal(models.Model):
    """The seller contests a takedown, suspension or ban; a different moderator decides."""

    case = models.ForeignKey(ModerationCase, on_delete=models.PROTECT, related_name="appeals")
    seller = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    statement = models.TextField(_("statement"))
    status = models.CharField(max_length=12, choices=AppealStatus.choices, default=AppealStatus.PENDING)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status=AppealStatus.PENDING), name="fm_appeal_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"appeal {self.pk} of case {self.case_id} ({self.status})"


class AppendOnly(Exception):
    """An audit-log entry cannot change or go away."""


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("the audit log is append-only")

    def delete(self):
        raise AppendOnly("the audit log is append-only")


class AuditLogEntry(models.Model):
    """One moderation action or money movement: who, when, why, on what, before and after.

    Append-only: the model refuses updates and deletes, and on PostgreSQL a trigger refuses them too
    (migration 0004). The actor's name is copied so the entry reads the same if the account changes.
    """

    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=40)
    reason = models.TextField(blank=True)
    subject_type = models.CharField(max_length=20)
    subject_ref = models.CharField(max_length=80)
    case = models.ForeignKey(
        ModerationCase, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_entries"
    )
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    #: money this action moved: [{"kind": "refund", "id": ..., "reference": ..., "amount_minor": ..., ...}]
    money = models.JSONField(default=list, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_ref"], name="fm_audit_subject")]

    def __str__(self) -> str:
        who = self.actor_label or "system"
        return f"{self.created_at:%Y-%m-%d %H:%M} {who} {self.action} {self.subject_ref}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("the audit log is append-only")
