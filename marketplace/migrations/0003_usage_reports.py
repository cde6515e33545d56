"""Usage reports, evidence stills, disputes, revocations, report deadlines and notifications (issue 6).

Maintained by hand (0003 and 0004 are written in parallel): only this issue's operations, copied
from ``makemigrations --dry-run -v 3``.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("fm_listings", "0004_constraints_reject_null_prices"),
        ("fm_marketplace", "0002_orders_and_licences"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Dispute",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reference", models.CharField(editable=False, max_length=40, unique=True)),
                ("reasons", models.TextField(verbose_name="reasons")),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "Open"), ("resolved", "Resolved")], default="open", max_length=12
                    ),
                ),
                (
                    "resolution",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("release", "Release the held amount to the seller"),
                            ("refund_full", "Refund the buyer in full"),
                            ("refund_partial", "Refund part to the buyer; the rest stays held"),
                            ("split", "Split: refund part to the buyer, release the rest to the seller"),
                        ],
                        max_length=20,
                    ),
                ),
                ("refunded_minor", models.PositiveBigIntegerField(default=0)),
                ("released_minor", models.PositiveBigIntegerField(default=0)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("decision_note", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
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
                    "licence",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="disputes",
                        to="fm_marketplace.licence",
                    ),
                ),
                (
                    "opened_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="DisputeAttachment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                ("content_type", models.CharField(max_length=100)),
                ("data", models.BinaryField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "dispute",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="fm_marketplace.dispute",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["dispute", "id"],
            },
        ),
        migrations.CreateModel(
            name="UsageDeadline",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reminded_at", models.DateTimeField(blank=True, null=True)),
                ("escalated_at", models.DateTimeField(blank=True, null=True)),
                (
                    "licence",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="usage_deadline",
                        to="fm_marketplace.licence",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="UsageReport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reference", models.CharField(editable=False, max_length=40, unique=True)),
                ("production_title", models.CharField(max_length=200, verbose_name="production title")),
                ("episodes", models.CharField(max_length=200, verbose_name="episodes")),
                ("shot_list", models.JSONField(default=list, verbose_name="shot list")),
                ("use_category", models.CharField(max_length=40, verbose_name="use category")),
                ("media", models.JSONField(default=list, verbose_name="media")),
                ("platforms", models.CharField(blank=True, max_length=300, verbose_name="platforms")),
                ("territories", models.JSONField(default=list, verbose_name="territories")),
                ("reach_views", models.PositiveBigIntegerField(verbose_name="reach (views)")),
                ("monetisation", models.CharField(max_length=20, verbose_name="monetisation")),
                ("sensitive_uses", models.JSONField(blank=True, default=list, verbose_name="sensitive uses")),
                (
                    "no_training_statement",
                    models.BooleanField(verbose_name="no training or fine-tuning on the face took place"),
                ),
                ("first_used_on", models.DateField(verbose_name="first used on")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("submitted", "Submitted: checks running"),
                            ("awaiting_seller", "Waiting for the seller's approval"),
                            ("review_window", "In scope: approved automatically when the review window ends"),
                            ("needs_top_up", "Reach beyond the paid band: top-up payment needed"),
                            ("approved", "Approved"),
                            ("rejected", "Rejected"),
                        ],
                        default="submitted",
                        max_length=20,
                    ),
                ),
                ("review_deadline", models.DateTimeField(blank=True, null=True)),
                ("checks", models.JSONField(blank=True, default=dict)),
                ("identity_scores", models.JSONField(blank=True, default=list)),
                ("top_up_minor", models.PositiveBigIntegerField(default=0)),
                ("top_up_reference", models.CharField(blank=True, max_length=48)),
                ("top_up_paid_at", models.DateTimeField(blank=True, null=True)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("decision_note", models.TextField(blank=True)),
                ("released_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
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
                    "filed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "licence",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="usage_reports",
                        to="fm_marketplace.licence",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="EvidenceStill",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField()),
                ("image", models.BinaryField()),
                ("content_type", models.CharField(default="image/jpeg", max_length=40)),
                ("timecode", models.CharField(blank=True, max_length=20)),
                ("identity_score", models.FloatField(blank=True, null=True)),
                ("identity_matched", models.BooleanField(null=True)),
                ("check_code", models.CharField(blank=True, max_length=40)),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="stills",
                        to="fm_marketplace.usagereport",
                    ),
                ),
            ],
            options={
                "ordering": ["report", "position"],
            },
        ),
        migrations.AddField(
            model_name="dispute",
            name="report",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="disputes",
                to="fm_marketplace.usagereport",
            ),
        ),
        migrations.CreateModel(
            name="Notification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=40, verbose_name="kind")),
                ("text", models.TextField(verbose_name="text")),
                ("link", models.CharField(blank=True, max_length=500, verbose_name="link")),
                ("emailed", models.BooleanField(default=False)),
                ("read_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="fm_notifications",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["user", "read_at"], name="fm_notification_unread")],
            },
        ),
        migrations.CreateModel(
            name="Revocation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reference", models.CharField(editable=False, max_length=40, unique=True)),
                ("reason", models.TextField(blank=True, verbose_name="reason")),
                ("notice_days", models.PositiveSmallIntegerField()),
                ("effective_at", models.DateTimeField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("notice", "Notice given: the licences end on the effective date"),
                            ("effective", "Effective: the licences ended"),
                        ],
                        default="notice",
                        max_length=12,
                    ),
                ),
                ("outcome", models.JSONField(blank=True, default=dict)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "listing",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="fm_listings.listing",
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
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["status", "effective_at"], name="fm_revocation_due")],
            },
        ),
        migrations.AddIndex(
            model_name="usagereport",
            index=models.Index(fields=["status", "review_deadline"], name="fm_usage_report_window"),
        ),
        migrations.AddConstraint(
            model_name="usagereport",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "status__in",
                        [
                            "submitted",
                            "awaiting_seller",
                            "review_window",
                            "needs_top_up",
                            "approved",
                            "rejected",
                        ],
                    )
                ),
                name="fm_usage_report_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="evidencestill",
            constraint=models.UniqueConstraint(
                fields=("report", "position"), name="fm_evidence_still_position"
            ),
        ),
        migrations.AddConstraint(
            model_name="dispute",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["open", "resolved"])), name="fm_dispute_status_valid"
            ),
        ),
    ]
