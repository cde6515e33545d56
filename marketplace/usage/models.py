"""Usage reports with their evidence stills, disputes, revocations and report deadlines (issue 6).

Evidence stills and dispute attachments are stored in the database (``BinaryField``), never in
public media: only the licence's parties and moderators are served them, by a view that checks.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kernel.money import MoneyAttribute
from marketplace.usage.state import DisputeResolution, DisputeStatus, RevocationStatus, UsageReportStatus

USER = settings.AUTH_USER_MODEL


class UsageReport(models.Model):
    """What the buyer says they did with a licence: which production, which shots, where, how widely."""

    reference = models.CharField(max_length=40, unique=True, editable=False)
    licence = models.ForeignKey(
        "fm_marketplace.Licence", on_delete=models.PROTECT, related_name="usage_reports"
    )
    filed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    production_title = models.CharField(_("production title"), max_length=200)
    episodes = models.CharField(_("episodes"), max_length=200)
    #: rows {"episode", "start", "end", "description"}; timecodes HH:MM:SS(.ff), validated by the service
    shot_list = models.JSONField(_("shot list"), default=list)
    use_category = models.CharField(_("use category"), max_length=40)
    media = models.JSONField(_("media"), default=list)
    platforms = models.CharField(_("platforms"), max_length=300, blank=True)
    territories = models.JSONField(_("territories"), default=list)
    reach_views = models.PositiveBigIntegerField(_("reach (views)"))
    monetisation = models.CharField(_("monetisation"), max_length=20)
    sensitive_uses = models.JSONField(_("sensitive uses"), default=list, blank=True)
    #: ``RedLine`` codes: the roles and themes the face appears in (checked against the seller's red lines)
    themes = models.JSONField(_("roles and themes"), default=list, blank=True)
    no_training_statement = models.BooleanField(_("no training or fine-tuning on the face took place"))
    first_used_on = models.DateField(_("first used on"))
    status = models.CharField(
        max_length=20, choices=UsageReportStatus.choices, default=UsageReportStatus.SUBMITTED
    )
    review_deadline = models.DateTimeField(null=True, blank=True)
    #: {"in_scope": bool, "findings": [{"code", "field", "message"}], "foreign_faces": [...]}
    checks = models.JSONField(default=dict, blank=True)
    #: the engine's score per still, in still order (numbers only: never an embedding)
    identity_scores = models.JSONField(default=list, blank=True)
    top_up_minor = models.PositiveBigIntegerField(default=0)
    top_up_reference = models.CharField(max_length=48, blank=True)
    top_up_paid_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    #: when the approval released escrow (None: nothing released yet, e.g. payouts frozen)
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=UsageReportStatus.values), name="fm_usage_report_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "review_deadline"], name="fm_usage_report_window"),
        ]

    def __str__(self) -> str:
        return self.reference

    top_up = MoneyAttribute("top_up_minor", "licence.currency")


class EvidenceStill(models.Model):
    """A frame of the production. Raw evidence: kept, never served publicly."""

    report = models.ForeignKey(UsageReport, on_delete=models.CASCADE, related_name="stills")
    position = models.PositiveSmallIntegerField()
    image = models.BinaryField(editable=False)
    content_type = models.CharField(max_length=40, default="image/jpeg")
    timecode = models.CharField(max_length=20, blank=True)
    #: engine score against the licensed face (None: no face / not compared)
    identity_score = models.FloatField(null=True, blank=True)
    identity_matched = models.BooleanField(null=True)
    check_code = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="fm_evidence_still_position"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} still {self.position}"


class Dispute(models.Model):
    """A disagreement over a licence's money, decided by a moderator through the ledger."""

    reference = models.CharField(max_length=40, unique=True, editable=False)
    licence = models.ForeignKey("fm_marketplace.Licence", on_delete=models.PROTECT, related_name="disputes")
    report = models.ForeignKey(
        UsageReport, on_delete=models.PROTECT, null=True, blank=True, related_name="disputes"
    )
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reasons = models.TextField(_("reasons"))
    status = models.CharField(max_length=12, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    resolution = models.CharField(max_length=20, choices=DisputeResolution.choices, blank=True)
    refunded_minor = models.PositiveBigIntegerField(default=0)
    released_minor = models.PositiveBigIntegerField(default=0)
    decided_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DisputeStatus.values), name="fm_dispute_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class DisputeAttachment(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    data = models.BinaryField(editable=False)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dispute", "id"]

    def __str__(self) -> str:
        return self.name


class Revocation(models.Model):
    """A seller ends the active licences of a listing after a notice period (portrait-licence rules)."""

    reference = models.CharField(max_length=40, unique=True, editable=False)
    listing = models.ForeignKey("fm_listings.Listing", on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    notice_days = models.PositiveSmallIntegerField()
    effective_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=RevocationStatus.choices, default=RevocationStatus.NOTICE
    )
    #: per licence reference: {"refund_minor", "remaining_days", "total_days", "note"}
    outcome = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "effective_at"], name="fm_revocation_due")]

    def __str__(self) -> str:
        return self.reference


class UsageDeadline(models.Model):
    """When a licence's usage report is due, and whether the reminder and escalation went out (once)."""

    licence = models.OneToOneField(
        "fm_marketplace.Licence", on_delete=models.CASCADE, related_name="usage_deadline"
    )
    #: declared by the buyer when the face is first used; the report is then due sooner
    first_used_on = models.DateField(null=True, blank=True)
    #: min(first use + USAGE_REPORT_DUE_DAYS_AFTER_FIRST_USE, licence end); null: the licence end
    report_due_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"usage deadline of {self.licence_id}"
