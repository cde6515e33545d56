"""Serializers of the usage-report, dispute and notification API (names prefixed: unique project-wide).

Write serializers only document the request bodies; the services validate (field-keyed errors).
Nothing here ever carries an embedding or a foreign face's identity.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kernel.money import Money
from marketplace.purchases.api import PriceSerializer
from marketplace.usage.state import DisputeResolution


class UsageShotSerializer(serializers.Serializer):
    episode = serializers.CharField(required=False, allow_blank=True)
    start = serializers.CharField(help_text="HH:MM:SS(.fff)")
    end = serializers.CharField(help_text="HH:MM:SS(.fff), not before start")
    description = serializers.CharField(required=False, allow_blank=True)


class UsageReportFileSerializer(serializers.Serializer):
    """A usage report. JSON: ``stills`` are base64 strings. Multipart: ``stills`` are files, list fields
    repeat (or hold a JSON list) and ``shot_list`` is a JSON list."""

    licence = serializers.CharField(help_text="the licence's reference")
    production_title = serializers.CharField()
    episodes = serializers.CharField()
    shot_list = UsageShotSerializer(many=True)
    use_category = serializers.CharField()
    media = serializers.ListField(child=serializers.CharField())
    platforms = serializers.CharField(required=False, allow_blank=True)
    territories = serializers.ListField(child=serializers.CharField())
    reach_views = serializers.IntegerField(min_value=0)
    monetisation = serializers.CharField()
    sensitive_uses = serializers.ListField(child=serializers.CharField(), required=False)
    themes = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Roles and themes the face appears in (red-line codes: villain, sexual, minors, ...)",
    )
    no_training_statement = serializers.BooleanField()
    first_used_on = serializers.DateField()
    stills = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="JPEG, PNG or WebP; base64 in JSON"
    )


class UsageStillSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    timecode = serializers.CharField()
    identity_score = serializers.FloatField(allow_null=True)
    identity_matched = serializers.BooleanField(allow_null=True)
    check_code = serializers.CharField()
    url = serializers.SerializerMethodField()
    content_label = serializers.SerializerMethodField(help_text="Our content label on the still, if any.")

    def get_url(self, still) -> str:
        return reverse("marketplace_api:usage-report-still", args=[still.report.reference, still.position])

    def get_content_label(self, still) -> dict | None:
        from marketplace.trust.selectors import still_label_summary

        return still_label_summary(still)


class UsageFindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    field = serializers.CharField()
    message = serializers.CharField()


class UsageChecksSerializer(serializers.Serializer):
    in_scope = serializers.BooleanField(allow_null=True)
    reported_reach_band = serializers.CharField(allow_null=True)
    findings = UsageFindingSerializer(many=True)
    unlicensed_face_flagged = serializers.BooleanField()

    def to_representation(self, checks):
        checks = checks or {}
        return {
            "in_scope": checks.get("in_scope"),
            "reported_reach_band": checks.get("reported_reach_band"),
            "findings": [
                {"code": f.get("code", ""), "field": f.get("field", ""), "message": str(f.get("message", ""))}
                for f in checks.get("findings", [])
            ],
            "unlicensed_face_flagged": bool(checks.get("foreign_faces")),
        }


class UsageReportSerializer(serializers.Serializer):
    reference = serializers.CharField()
    licence = serializers.CharField(source="licence.reference")
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    production_title = serializers.CharField()
    episodes = serializers.CharField()
    shot_list = UsageShotSerializer(many=True)
    use_category = serializers.CharField()
    media = serializers.ListField(child=serializers.CharField())
    platforms = serializers.CharField()
    territories = serializers.ListField(child=serializers.CharField())
    reach_views = serializers.IntegerField()
    monetisation = serializers.CharField()
    sensitive_uses = serializers.ListField(child=serializers.CharField())
    themes = serializers.ListField(child=serializers.CharField())
    no_training_statement = serializers.BooleanField()
    first_used_on = serializers.DateField()
    review_deadline = serializers.DateTimeField(allow_null=True)
    checks = UsageChecksSerializer()
    stills = UsageStillSerializer(many=True, source="stills.all")
    top_up = PriceSerializer()
    top_up_paid_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    released_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class UsageReportApproveSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class UsageReportRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class UsageDisputeAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.SerializerMethodField()

    def get_size(self, attachment) -> int:
        return len(attachment.data or b"")


class UsageDisputeAttachmentUploadSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    content_type = serializers.CharField(max_length=100)
    data = serializers.CharField(help_text="base64")


class UsageDisputeOpenSerializer(serializers.Serializer):
    """Open a dispute. JSON: attachments as base64 objects; multipart: ``attachments`` files."""

    licence = serializers.CharField(help_text="the licence's reference")
    report = serializers.CharField(required=False, allow_blank=True, help_text="a usage report's reference")
    reasons = serializers.CharField(max_length=5000)
    attachments = UsageDisputeAttachmentUploadSerializer(many=True, required=False)


class UsageDisputeSerializer(serializers.Serializer):
    reference = serializers.CharField()
    licence = serializers.CharField(source="licence.reference")
    report = serializers.SerializerMethodField()
    opened_by = serializers.SerializerMethodField()
    reasons = serializers.CharField()
    status = serializers.CharField()
    resolution = serializers.CharField()
    refunded = serializers.SerializerMethodField()
    released = serializers.SerializerMethodField()
    decision_note = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    attachments = UsageDisputeAttachmentSerializer(many=True, source="attachments.all")

    def get_report(self, dispute) -> str | None:
        return dispute.report.reference if dispute.report_id else None

    def get_opened_by(self, dispute) -> str:
        """Which party opened it: ``buyer`` or ``seller``."""
        return "buyer" if dispute.opened_by_id == dispute.licence.buyer_id else "seller"

    def _money(self, minor: int, dispute) -> dict:
        return PriceSerializer(Money(minor, dispute.licence.currency)).data

    @extend_schema_field(PriceSerializer)
    def get_refunded(self, dispute) -> dict:
        return self._money(dispute.refunded_minor, dispute)

    @extend_schema_field(PriceSerializer)
    def get_released(self, dispute) -> dict:
        return self._money(dispute.released_minor, dispute)


class UsageDisputeResolveSerializer(serializers.Serializer):
    resolution = serializers.ChoiceField(choices=DisputeResolution.choices)
    amount_minor = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=10**15,
        help_text="refunded to the buyer (refund_partial and split), in minor units",
    )
    note = serializers.CharField(max_length=5000)


class UsageNotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    link = serializers.CharField()
    read_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class UsageNotificationReadSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, min_value=1, help_text="one notification; none: all")


class UsageNotificationReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
