"""The kernel's tables: one status history for every state machine, the event outbox, role permissions."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class StatusChange(models.Model):
    """One row per transition of any stateful object (orders, holds, enrollments, cases, ...). Append-only."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    #: the object's public reference where it has one (licence FM-..., order UUID), else its pk
    reference = models.CharField(max_length=64, blank=True, db_index=True)
    #: the named move, where the machine names its moves ("publish", "take_down"); else blank
    action = models.CharField(max_length=32, blank=True)
    from_status = models.CharField(max_length=32, blank=True)  # blank: the object was created
    to_status = models.CharField(max_length=32)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="fm_status_change_object")]

    def __str__(self) -> str:
        subject = self.reference or self.object_id
        return f"{self.content_type.model} {subject}: {self.from_status} -> {self.to_status}"


class OutboxEvent(models.Model):
    """An event written in the same transaction as the change it announces (the transactional outbox).

    A task dispatches it after commit; the sweeper re-dispatches whatever is not handled yet, so a
    broker outage delays events but never loses them. Each handler's success is recorded once
    (:class:`OutboxHandling`), so a re-dispatch runs only the handlers that have not succeeded.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be handled")
        HANDLED = "handled", _("Handled")
        FAILED = "failed", _("Failed: needs staff attention")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=80, db_index=True)
    #: what the event is about, e.g. "licence:FM-2026-ABC123"; events of one subject are numbered in order
    subject = models.CharField(max_length=120, blank=True, db_index=True)
    sequence = models.PositiveBigIntegerField(default=0)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="fm_outbox_pending")]

    def __str__(self) -> str:
        return f"{self.type} {self.subject}"


class OutboxHandling(models.Model):
    """One handler has handled one event (so a re-dispatch skips it)."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="handlings")
    handler = models.CharField(max_length=200)
    handled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "handler"], name="fm_outbox_handled_once"),
        ]

    def __str__(self) -> str:
        return f"{self.handler} handled {self.event_id}"


class RolePermission(models.Model):
    """Anchor for the plugin's global permissions (no table: ``managed = False``).

    Role groups carry these; code checks them through ``kernel.roles``, so a host platform can also
    grant them to its own groups or users (``fm_kernel.act_as_seller`` and so on).
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("act_as_seller", _("Can list their own face and sell licences")),
            ("act_as_buyer", _("Can buy licences and file usage reports")),
            ("moderate", _("Can review flags and take listings down")),
        ]

    def __str__(self) -> str:
        return "face market permissions"
