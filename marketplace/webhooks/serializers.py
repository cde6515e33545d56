"""Serializers of the webhook API. A secret appears only in the answer to create and rotate."""

from __future__ import annotations

import json

from rest_framework import serializers

from marketplace.webhooks.events import EVENT_TYPES


class WebhookEndpointWriteSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500)
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(EVENT_TYPES)),
        required=False,
        max_length=len(EVENT_TYPES),
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class WebhookEndpointSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    url = serializers.CharField()
    description = serializers.CharField()
    event_types = serializers.ListField(child=serializers.CharField())
    is_active = serializers.BooleanField()
    owner = serializers.IntegerField(source="owner_id", allow_null=True)
    previous_secret_valid_until = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_previous_secret_valid_until(self, endpoint) -> str | None:
        expires = endpoint.previous_secret_expires_at
        return expires.isoformat() if endpoint.previous_secret and expires else None


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    secret = serializers.SerializerMethodField()

    def get_secret(self, endpoint) -> str:
        return self.context["secret"]


class WebhookAttemptSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    duration_ms = serializers.IntegerField()
    status_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()
    error_text = serializers.CharField(source="get_error_display")
    error_detail = serializers.CharField()
    response_excerpt = serializers.CharField()
    manual = serializers.BooleanField()


class WebhookDeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    event_id = serializers.CharField(source="message.event_id")
    event_type = serializers.CharField(source="message.event_type")
    subject = serializers.CharField(source="message.subject")
    sequence = serializers.IntegerField(source="message.sequence")
    occurred_at = serializers.DateTimeField(source="message.occurred_at")
    status = serializers.CharField()
    status_text = serializers.CharField(source="get_status_display")
    attempt_count = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    last_error_text = serializers.CharField(source="get_last_error_display")
    response_excerpt = serializers.CharField()
    delivered_at = serializers.DateTimeField(allow_null=True)


class WebhookDeliveryDetailSerializer(WebhookDeliverySerializer):
    payload = serializers.SerializerMethodField()
    attempts = WebhookAttemptSerializer(many=True)

    def get_payload(self, delivery) -> dict:
        return json.loads(delivery.message.body)


class WebhookEventTypeSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField(source="label")
    subject = serializers.CharField(source="subject_kind")
    fields = serializers.DictField(child=serializers.CharField())
