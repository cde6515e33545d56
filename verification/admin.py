"""Admin: read-mostly views for staff. Raw images and embeddings are never shown here."""

from django.contrib import admin

from kernel.admin import StatusHistoryInline

from .models import (
    BiometricConsent,
    Enrollment,
    FaceMatchFlag,
    FaceTemplate,
    ProtectedPerson,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "status", "created_at", "decided_at", "captures_purged_at"]
    list_filter = ["status"]
    exclude = ["challenge_nonce"]
    inlines = [StatusHistoryInline]


@admin.register(BiometricConsent)
class BiometricConsentAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "text_version", "accepted_at", "withdrawn_at"]


@admin.register(FaceTemplate)
class FaceTemplateAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "subject_user", "protected_person", "engine_id", "is_active", "created_at"]
    list_filter = ["kind", "engine_id", "is_active"]
    fields = [
        "kind",
        "subject_user",
        "protected_person",
        "source_enrollment",
        "engine_id",
        "model_hash",
        "metric",
        "dimensions",
        "is_active",
        "created_at",
    ]
    readonly_fields = fields


@admin.register(FaceMatchFlag)
class FaceMatchFlagAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "status",
        "subject_user",
        "matched_user",
        "matched_protected_person",
        "score",
        "created_at",
    ]
    list_filter = ["status", "kind"]
    readonly_fields = [
        "kind",
        "enrollment",
        "subject_user",
        "matched_template",
        "matched_user",
        "matched_protected_person",
        "score",
        "threshold",
        "metric",
        "engine_id",
        "model_hash",
        "evidence",
        "created_at",
    ]


@admin.register(ProtectedPerson)
class ProtectedPersonAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "reason", "created_at"]
    list_filter = ["reason"]
    readonly_fields = ["added_by", "created_at"]
