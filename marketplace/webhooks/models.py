"""Outbound webhooks: the host's endpoints, the signed messages, one delivery per endpoint and message.

A message is stored as the exact JSON text that is signed, so every attempt and every redelivery sends
the same bytes under the same ``webhook-id``: receivers deduplicate by that id.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class WebhookEndpoint(models.Model):
    """A URL of the host platform that receives signed events.

    Owned by the host's staff user who registered it; superusers see every endpoint. An owner who is
    deleted leaves the endpoint delivering, managed by superusers.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fm_webhook_endpoints",
        verbose_name=_("owner"),
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    #: event type names this endpoint receives; empty: every event type
    event_types = models.JSONField(_("event types"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Kept as given: HMAC signing needs the secret itself. Never shown again after create/rotate.
    secret = models.CharField(max_length=100, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def receives(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class WebhookMessage(models.Model):
    """One event as sent to every endpoint: unique ``event_id``, ordered per subject by ``sequence``."""

    event_id = models.CharField(_("event id"), max_length=64, unique=True)
    event_type = models.CharField(_("event type"), max_length=64)
    #: what the event is about, e.g. "licence:LIC-..."; ``sequence`` increases per subject
    subject = models.CharField(_("subject"), max_length=100)
    sequence = models.PositiveBigIntegerField(_("sequence"))
    occurred_at = models.DateTimeField(_("occurred at"))
    body = models.TextField(editable=False)  # the exact JSON text signed and sent
    #: when the public Django signals went out (None: not yet; a re-publish sends them)
    signals_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook message")
        verbose_name_plural = _("webhook messages")
        indexes = [models.Index(fields=["subject", "sequence"], name="fm_webhook_message_subject")]

    def __str__(self) -> str:
        from marketplace.webhooks.events import EVENT_TYPES

        event = EVENT_TYPES.get(self.event_type)
        return f"{event.label if event else self.event_type} ({self.event_id})"


class WebhookSubjectSequence(models.Model):
    """The last sequence number given to a subject's events (a counter row, locked while it moves)."""

    subject = models.CharField(max_length=100, unique=True)
    last = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.subject}: {self.last}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed (no more attempts)")


class DeliveryError(models.TextChoices):
    NONE = "", _("No error")
    HTTP_STATUS = "http_status", _("The receiver answered with an error status")
    TIMEOUT = "timeout", _("The receiver did not answer in time")
    CONNECTION = "connection", _("The receiver could not be reached")
    ADDRESS_REFUSED = "address_refused", _("The address is not allowed")
    ENDPOINT_DISABLED = "endpoint_disabled", _("The endpoint is disabled")


class WebhookDelivery(models.Model):
    """A message on its way to one endpoint: attempted until a 2xx answer or the retry window ends."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    message = models.ForeignKey(WebhookMessage, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        _("status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempt_count = models.PositiveIntegerField(_("attempts"), default=0)
    #: start of the current retry round (creation, or a manual redeliver) and its attempts so far
    round_started_at = models.DateTimeField()
    round_attempts = models.PositiveIntegerField(default=0)
    #: when an attempt is due (also pushed forward while an attempt holds the delivery); None once ended
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.CharField(
        _("last error"), max_length=20, choices=DeliveryError.choices, blank=True, default=DeliveryError.NONE
    )
    last_error_detail = models.CharField(_("error detail"), max_length=300, blank=True)
    response_excerpt = models.TextField(_("response excerpt"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "message"], name="fm_webhook_delivery_once"),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="fm_webhook_delivery_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="fm_webhook_delivery_due")]

    def __str__(self) -> str:
        return _("Delivery %(id)s") % {"id": self.pk}


class WebhookDeliveryAttempt(models.Model):
    """One HTTP request of a delivery: the log the host reads."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=20, choices=DeliveryError.choices, blank=True)
    error_detail = models.CharField(_("error detail"), max_length=300, blank=True)
    response_excerpt = models.TextField(_("response excerpt"), blank=True)
    #: the first attempt of a manual redeliver
    manual = models.BooleanField(_("sent again by hand"), default=False)

    class Meta:
        ordering = ["delivery", "number"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="fm_webhook_attempt_number"),
        ]

    def __str__(self) -> str:
        return _("Attempt %(number)s") % {"number": self.number}
