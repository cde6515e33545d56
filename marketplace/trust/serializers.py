"""Serializers of the trust API: the consent-check question and answer, credentials, receipts, labels."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from listings.vocabulary import Medium, Monetisation, RedLine, SensitiveUse, Territory, UseCategory
from marketplace.conf import market_settings


class ConsentCheckRequestSerializer(serializers.Serializer):
    credential = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=40)
    use_category = serializers.ChoiceField(choices=UseCategory.choices)
    medium = serializers.ChoiceField(choices=Medium.choices)
    territory = serializers.ChoiceField(choices=Territory.choices)
    date = serializers.DateField(required=False)
    expected_views = serializers.IntegerField(required=False, min_value=0)
    monetisation = serializers.ChoiceField(choices=Monetisation.choices, required=False)
    sensitive_uses = serializers.ListField(
        child=serializers.ChoiceField(choices=SensitiveUse.choices), required=False, max_length=10
    )
    ai_training = serializers.BooleanField(required=False, default=False)
    themes = serializers.ListField(
        child=serializers.ChoiceField(choices=RedLine.choices),
        required=False,
        max_length=10,
        help_text="Roles and themes of the intended use; any of the seller's red lines is refused.",
    )
    face_image = serializers.FileField(required=False, allow_empty_file=False)

    def validate_face_image(self, upload):
        if upload.size > int(market_settings.CONSENT_CHECK_IMAGE_MAX_BYTES):
            raise serializers.ValidationError("The image is larger than the limit.")
        return upload

    def validate(self, data):
        if not (data.get("credential") or data.get("reference")):
            raise serializers.ValidationError({"credential": "Give a credential or a licence reference."})
        data.setdefault("date", timezone.localdate())
        return data


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class FaceResultSerializer(serializers.Serializer):
    compared = serializers.BooleanField()
    matched = serializers.BooleanField()
    score = serializers.FloatField(
        allow_null=True, help_text="Distance or similarity in the engine's metric."
    )
    error = serializers.CharField(required=False)


class ConsentCheckAnswerSerializer(serializers.Serializer):
    receipt = serializers.UUIDField()
    reference = serializers.CharField()
    allowed = serializers.BooleanField()
    reasons = ReasonSerializer(many=True)
    credential_status = serializers.CharField()
    face = FaceResultSerializer(allow_null=True)
    checked_at = serializers.DateTimeField()


class ReceiptSerializer(serializers.Serializer):
    receipt = serializers.UUIDField(source="public_id")
    reference = serializers.CharField(source="licence.reference")
    caller = serializers.CharField(source="caller_name")
    intended_use = serializers.DictField()
    allowed = serializers.BooleanField()
    reasons = ReasonSerializer(many=True)
    credential_status = serializers.CharField()
    face_compared = serializers.BooleanField()
    face_score = serializers.FloatField(allow_null=True)
    checked_at = serializers.DateTimeField(source="created_at")


class CredentialSerializer(serializers.Serializer):
    reference = serializers.CharField(source="licence.reference")
    credential = serializers.CharField(source="token")
    format = serializers.SerializerMethodField()
    jti = serializers.CharField()
    kid = serializers.CharField()
    status = serializers.SerializerMethodField()
    issued_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    jwks_uri = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()

    def get_format(self, obj) -> str:
        return "jwt"

    def get_status(self, obj) -> str:
        return {0: "valid", 1: "revoked", 2: "suspended"}[obj.status]

    def get_jwks_uri(self, obj) -> str:
        return self.context["jwks_uri"]

    def get_verify_url(self, obj) -> str:
        return self.context["verify_url"]


class LabelUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False)


class LabelReadSerializer(serializers.Serializer):
    aigc = serializers.DictField(allow_null=True)
    c2pa = serializers.DictField()
    credential = serializers.DictField(allow_null=True)
