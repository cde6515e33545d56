"""Admin for outbound webhooks. Writes go through the services; secrets are shown once, in a message."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from marketplace.webhooks.events import EVENT_TYPES
from marketplace.webhooks.models import (
    WebhookDelivery,
    WebhookDeliveryAttempt,
    WebhookEndpoint,
    WebhookMessage,
)
from marketplace.webhooks.services import (
    WebhookRefused,
    webhook_delivery_redeliver,
    webhook_endpoint_create,
    webhook_endpoint_secret_rotate,
    webhook_endpoint_update,
)


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        label=capfirst(WebhookEndpoint._meta.get_field("event_types").verbose_name),
        choices=[(name, event.label) for name, event in EVENT_TYPES.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every event type."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("url", "description", "event_types", "is_active")

    def clean(self):
        cleaned = super().clean()
        from marketplace.webhooks.addresses import AddressRefused, url_check

        if cleaned.get("url"):
            try:
                url_check(cleaned["url"])
            except AddressRefused as exc:
                self.add_error("url", exc.message)
        return cleaned


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("url", "owner", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("url", "description")
    actions = ("rotate_secret",)

    def get_queryset(self, request):
        endpoints = super().get_queryset(request).select_related("owner")
        return endpoints if request.user.is_superuser else endpoints.filter(owner=request.user)

    def save_model(self, request, obj, form, change):
        data = {key: form.cleaned_data[key] for key in ("url", "description", "event_types", "is_active")}
        try:
            if change:
                webhook_endpoint_update(endpoint=obj, **data)
                return
            endpoint, secret = webhook_endpoint_create(owner=request.user, **data)
        except WebhookRefused as exc:  # the form checked the URL; its DNS answer changed since
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk = endpoint.pk
        self.message_user(
            request,
            _("The endpoint's signing secret (shown only now): %(secret)s") % {"secret": secret},
            messages.WARNING,
        )

    @admin.action(description=_("Rotate the signing secret"))
    def rotate_secret(self, request, queryset):
        for endpoint in queryset:
            secret = webhook_endpoint_secret_rotate(endpoint=endpoint)
            self.message_user(
                request,
                _("New secret of %(url)s (shown only now; the old one signs for a grace period): %(secret)s")
                % {"url": endpoint.url, "secret": secret},
                messages.WARNING,
            )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):  # the log the host reads stays whole
        return False


@admin.register(WebhookMessage)
class WebhookMessageAdmin(ReadOnlyAdmin):
    list_display = ("event_type", "subject", "sequence", "occurred_at", "event_id")
    list_filter = ("event_type",)
    search_fields = ("event_id", "subject")
    readonly_fields = (
        "event_id",
        "event_type",
        "subject",
        "sequence",
        "occurred_at",
        "body",
        "signals_sent_at",
    )


class AttemptInline(admin.TabularInline):
    model = WebhookDeliveryAttempt
    fields = ("number", "started_at", "duration_ms", "status_code", "error", "error_detail", "manual")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "message", "endpoint", "status", "attempt_count", "last_status_code")
    list_filter = ("status", "last_error")
    search_fields = ("message__event_id", "endpoint__url")
    readonly_fields = (
        "endpoint",
        "message",
        "status",
        "attempt_count",
        "next_attempt_at",
        "last_attempt_at",
        "last_status_code",
        "last_error",
        "last_error_detail",
        "response_excerpt",
        "delivered_at",
    )
    exclude = ("round_started_at", "round_attempts")
    inlines = (AttemptInline,)
    actions = ("redeliver",)

    def get_queryset(self, request):
        deliveries = super().get_queryset(request).select_related("message", "endpoint")
        return deliveries if request.user.is_superuser else deliveries.filter(endpoint__owner=request.user)

    @admin.action(description=_("Send again (same webhook id)"))
    def redeliver(self, request, queryset):
        sent = 0
        for delivery in queryset:
            try:
                webhook_delivery_redeliver(delivery=delivery)
                sent += 1
            except WebhookRefused as exc:
                self.message_user(request, f"{delivery}: {exc.message}", messages.WARNING)
        self.message_user(request, _("%(count)d deliveries queued again.") % {"count": sent})
