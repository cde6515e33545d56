"""Serializers of the verification API. No embedding, landmark or raw image is ever a field here."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Enrollment, FaceMatchFlag, ProtectedPerson
from ..reasons import reason_text


class ConsentSerializer(serializers.Serializer):
    version = serializers.CharField()
    text = serializers.CharField()
    accepted = serializers.BooleanField()
    accepted_at = serializers.DateTimeField(allow_null=True)


class ConsentAcceptSerializer(serializers.Serializer):
    version = serializers.CharField(help_text="The version of the text the user was shown and accepts.")


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class EnrollmentSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    reasons = serializers.SerializerMethodField()
    reference_photos = serializers.SerializerMethodField()
    decided = serializers.SerializerMethodField()

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "status",
            "status_display",
            "decided",
            "reasons",
            "reference_photos",
            "challenge_actions",
            "challenge_expires_at",
            "frames_count",
            "created_at",
            "decided_at",
        ]
        read_only_fields = fields

    def get_reasons(self, enrollment) -> list[dict[str, str]]:
        return ReasonSerializer(
            [{"code": c, "message": reason_text(c)} for c in enrollment.reasons], many=True
        ).data

    def get_reference_photos(self, enrollment) -> int:
        return enrollment.reference_photos.count()

    def get_decided(self, enrollment) -> bool:
        return enrollment.decided_at is not None


class PhotoUploadSerializer(serializers.Serializer):
    photo = serializers.FileField(help_text="A JPEG, PNG or WebP photo showing only your face.")


class PhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class ChallengeSerializer(serializers.Serializer):
    actions = serializers.ListField(child=serializers.CharField(), source="challenge_actions")
    nonce = serializers.CharField(source="challenge_nonce", help_text="Single use: send it with the frames.")
    expires_at = serializers.DateTimeField(source="challenge_expires_at")


class GuidedChallengeSerializer(serializers.Serializer):
    nonce = serializers.CharField(source="challenge_nonce", help_text="Send it with every upload of frames.")
    expires_at = serializers.DateTimeField(source="challenge_expires_at")
    steps = serializers.SerializerMethodField()

    def get_steps(self, obj) -> int:
        from ..services.guided import GUIDED_STEPS

        return GUIDED_STEPS


class GuidedProgressSerializer(serializers.Serializer):
    action = serializers.CharField(allow_null=True, help_text="The action to perform now; null: hold still.")
    hint = serializers.CharField(help_text="no_face, hold_still, start, further or seen.")
    fraction = serializers.FloatField(help_text="How far the current movement has got, 0-1.")
    step = serializers.IntegerField()
    steps = serializers.IntegerField()
    done = serializers.BooleanField(help_text="All actions seen: the decision is queued.")


class FramesUploadSerializer(serializers.Serializer):
    nonce = serializers.CharField()
    frames = serializers.ListField(child=serializers.FileField(), help_text="JPEG frames in capture order.")


class ProtectedPersonSerializer(serializers.ModelSerializer):
    templates = serializers.SerializerMethodField()

    class Meta:
        model = ProtectedPerson
        fields = ["id", "name", "reason", "notes", "templates", "created_at"]
        read_only_fields = ["id", "templates", "created_at"]

    def get_templates(self, person) -> int:
        return person.templates.filter(is_active=True).count()


class FaceMatchFlagSerializer(serializers.ModelSerializer):
    matched_protected_person_name = serializers.CharField(
        source="matched_protected_person.name", allow_null=True, default=None, read_only=True
    )

    class Meta:
        model = FaceMatchFlag
        fields = [
            "id",
            "kind",
            "status",
            "enrollment",
            "subject_user",
            "matched_template",
            "matched_user",
            "matched_protected_person",
            "matched_protected_person_name",
            "score",
            "threshold",
            "metric",
            "engine_id",
            "model_hash",
            "evidence",
            "created_at",
            "reviewed_at",
        ]
        read_only_fields = fields
