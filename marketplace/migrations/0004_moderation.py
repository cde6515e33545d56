"""Moderation cases, claims, appeals and the audit log (issue 7).

0003 and 0004 are written in parallel: each holds only the operations for its own models, copied
from ``makemigrations --dry-run -v 3``. ``makemigrations --check`` must report no changes at the end.

On PostgreSQL a trigger also makes the audit log append-only: UPDATE and DELETE of its rows raise
(TRUNCATE, which test databases use to reset, fires no row triggers). SQLite relies on the model's
refusal (``AuditLogEntry.save``/``delete`` and its queryset).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

AUDIT_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION fm_marketplace_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the moderation audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER fm_marketplace_auditlogentry_append_only
    BEFORE UPDATE OR DELETE ON fm_marketplace_auditlogentry
    FOR EACH ROW EXECUTE FUNCTION fm_marketplace_audit_append_only();
"""

AUDIT_APPEND_ONLY_REVERSE = """
DROP TRIGGER IF EXISTS fm_marketplace_auditlogentry_append_only ON fm_marketplace_auditlogentry;
DROP FUNCTION IF EXISTS fm_marketplace_audit_append_only();
"""


class PostgresOnlyRunSQL(migrations.RunSQL):
    """RunSQL that does nothing on other databases."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("fm_marketplace", "0003_usage_reports"),
        ("fm_listings", "0004_constraints_reject_null_prices"),
        ("fm_verification", "0003_pgvector_template_column"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ModerationCase",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("face_index", "Face-index match at enrollment"),
                            ("face_claim", '"This is my face" claim'),
                            ("usage_still", "Unlicensed face in a usage-report still"),
                            ("overdue_report", "Usage report overdue"),
                            ("user_report", "Reported by a user"),
                            ("host_report", "Reported by a host platform"),
                        ],
                        max_length=20,
                        verbose_name="source",
                    ),
                ),
                ("source_ref", models.CharField(blank=True, max_length=80)),
                (
                    "severity",
                    models.PositiveSmallIntegerField(
                        choices=[(10, "Low"), (20, "Normal"), (30, "High"), (40, "Urgent")],
                        default=20,
                        verbose_name="severity",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("reverify", "Re-verification asked"),
                            ("dismissed", "Dismissed"),
                            ("taken_down", "Listing taken down"),
                            ("suspended", "Seller suspended"),
                            ("banned", "Seller banned"),
                            ("reversed", "Reversed on appeal"),
                        ],
                        default="open",
                        max_length=12,
                        verbose_name="status",
                    ),
                ),
                ("licence_reference", models.CharField(blank=True, max_length=40)),
                ("summary", models.CharField(max_length=300, verbose_name="summary")),
                ("evidence", models.JSONField(blank=True, default=dict)),
                ("decision_reason", models.TextField(blank=True, verbose_name="reason")),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "assigned_to",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "listing",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="fm_listings.listing",
                    ),
                ),
                (
                    "reporter",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "seller",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-severity", "created_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="FaceClaim",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("statement", models.TextField(blank=True, verbose_name="statement")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("verifying", "Waiting for the claimant's verification"),
                            ("matched", "The claimant's face matches the listing"),
                            ("not_matched", "The claimant's face does not match"),
                        ],
                        default="verifying",
                        max_length=12,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "claimant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="fm_face_claims",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "enrollment",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="fm_verification.enrollment",
                    ),
                ),
                (
                    "listing",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="fm_listings.listing",
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="claims",
                        to="fm_marketplace.moderationcase",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="AuditLogEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("actor_label", models.CharField(blank=True, max_length=150)),
                ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("action", models.CharField(max_length=40)),
                ("reason", models.TextField(blank=True)),
                ("subject_type", models.CharField(max_length=20)),
                ("subject_ref", models.CharField(max_length=80)),
                ("before", models.JSONField(blank=True, default=dict)),
                ("after", models.JSONField(blank=True, default=dict)),
                ("money", models.JSONField(blank=True, default=list)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="audit_entries",
                        to="fm_marketplace.moderationcase",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Appeal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("statement", models.TextField(verbose_name="statement")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for a moderator"),
                            ("upheld", "Decision upheld"),
                            ("reversed", "Decision reversed"),
                        ],
                        default="pending",
                        max_length=12,
                    ),
                ),
                ("decision_reason", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "seller",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="appeals",
                        to="fm_marketplace.moderationcase",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.AddIndex(
            model_name="moderationcase",
            index=models.Index(fields=["status", "-severity", "created_at"], name="fm_case_queue"),
        ),
        migrations.AddConstraint(
            model_name="moderationcase",
            constraint=models.UniqueConstraint(
                condition=models.Q(("source_ref", ""), _negated=True),
                fields=("source", "source_ref"),
                name="fm_case_source_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="moderationcase",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "status__in",
                        ["open", "reverify", "dismissed", "taken_down", "suspended", "banned", "reversed"],
                    )
                ),
                name="fm_case_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="faceclaim",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "verifying")),
                fields=("claimant", "listing"),
                name="fm_claim_one_pending",
            ),
        ),
        migrations.AddIndex(
            model_name="auditlogentry",
            index=models.Index(fields=["subject_type", "subject_ref"], name="fm_audit_subject"),
        ),
        migrations.AddConstraint(
            model_name="appeal",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "pending")), fields=("case",), name="fm_appeal_one_pending"
            ),
        ),
        PostgresOnlyRunSQL(AUDIT_APPEND_ONLY, reverse_sql=AUDIT_APPEND_ONLY_REVERSE),
    ]
