"""REST endpoints of the verification app: HTTP in, a service or selector call, a serializer out.

Object-level rule: a seller reaches only their own enrollments; someone else's is 404 (the queryset never
contains it). Refusals are ``{"code", "message"}`` with a 4xx status.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.generics import get_object_or_404  # a bad id is a 404, not a 500
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from kernel.api import ErrorSerializer, PluginAPIMixin, PluginAPIView
from verification.conf import verification_settings

from .. import selectors, services
from ..consent import consent_text, current_version
from ..errors import VerificationError, refused
from ..models import FaceMatchFlag
from ..permissions import can_enroll, can_moderate
from .serializers import (
    ChallengeSerializer,
    ConsentAcceptSerializer,
    ConsentSerializer,
    EnrollmentSerializer,
    FaceMatchFlagSerializer,
    FramesUploadSerializer,
    GuidedChallengeSerializer,
    GuidedProgressSerializer,
    PhotoSerializer,
    PhotoUploadSerializer,
    ProtectedPersonSerializer,
)

ERRORS = {
    400: ErrorSerializer,
    403: ErrorSerializer,
    404: OpenApiResponse(description="Not found"),
    409: ErrorSerializer,
}


class IsSeller(BasePermission):
    message = "Only sellers can verify their face."

    def has_permission(self, request, view) -> bool:
        return can_enroll(request.user)


class IsModerator(BasePermission):
    message = "Only moderators can do this."

    def has_permission(self, request, view) -> bool:
        return can_moderate(request.user)


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class ConsentView(PluginAPIView):
    """The biometric consent text in force, whether the user accepted it; accept it; withdraw it."""

    permission_classes = [IsSeller]

    def _body(self, request):
        consent = selectors.consent_active(request.user)
        return ConsentSerializer(
            {
                "version": current_version(),
                "text": consent_text(),
                "accepted": consent is not None,
                "accepted_at": consent.accepted_at if consent else None,
            }
        ).data

    @extend_schema(responses={200: ConsentSerializer})
    def get(self, request):
        return Response(self._body(request))

    @extend_schema(request=ConsentAcceptSerializer, responses={201: ConsentSerializer, **ERRORS})
    def post(self, request):
        serializer = ConsentAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.biometric_consent_record(
            user=request.user,
            text_version=serializer.validated_data["version"],
            ip_address=client_ip(request),
        )
        return Response(self._body(request), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        services.biometric_consent_withdraw(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EnrollmentListView(PluginAPIMixin, generics.ListAPIView):
    """The user's enrollments (newest first); POST starts one (needs the current consent)."""

    serializer_class = EnrollmentSerializer
    permission_classes = [IsSeller]

    def get_queryset(self):
        return selectors.enrollments_visible_to(self.request.user)

    @extend_schema(request=None, responses={201: EnrollmentSerializer, **ERRORS})
    def post(self, request):
        enrollment = services.enrollment_start(user=request.user)
        return Response(EnrollmentSerializer(enrollment).data, status=status.HTTP_201_CREATED)


class EnrollmentDetailView(PluginAPIMixin, generics.RetrieveAPIView):
    """One enrollment's status and, once decided, the verdict with its reasons (poll this)."""

    serializer_class = EnrollmentSerializer
    permission_classes = [IsSeller]

    def get_queryset(self):
        return selectors.enrollments_visible_to(self.request.user)


class _EnrollmentActionView(PluginAPIView):
    permission_classes = [IsSeller]

    def enrollment(self, pk: int):
        return get_object_or_404(selectors.enrollments_visible_to(self.request.user), pk=pk)


class ReferencePhotoView(_EnrollmentActionView):
    """Upload one reference photo (multipart field ``photo``)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": PhotoUploadSerializer}, responses={201: PhotoSerializer, **ERRORS}
    )
    def post(self, request, pk: int):
        enrollment = self.enrollment(pk)
        upload = request.FILES.get("photo")
        if upload is None:
            raise VerificationError("photo_missing", "Attach a photo in the field 'photo'.")
        photo = services.reference_photo_add(enrollment=enrollment, data=upload.read(), actor=request.user)
        return Response(PhotoSerializer(photo).data, status=status.HTTP_201_CREATED)


class ChallengeView(_EnrollmentActionView):
    """Start the camera check: a random sequence of actions, a single-use nonce and an expiry."""

    @extend_schema(request=None, responses={201: ChallengeSerializer, **ERRORS})
    def post(self, request, pk: int):
        enrollment = services.liveness_challenge_issue(enrollment=self.enrollment(pk), actor=request.user)
        return Response(ChallengeSerializer(enrollment).data, status=status.HTTP_201_CREATED)


class FramesView(_EnrollmentActionView):
    """Upload the captured frames (multipart: ``nonce`` and repeated ``frames`` JPEG files, in order)."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": FramesUploadSerializer},
        responses={202: EnrollmentSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        enrollment = self.enrollment(pk)
        uploads = request.FILES.getlist("frames")
        if len(uploads) > int(verification_settings.LIVENESS_FRAMES_MAX):
            raise refused("too_many_frames")
        limit = int(verification_settings.LIVENESS_FRAME_MAX_BYTES)
        if any(upload.size > limit for upload in uploads):
            raise refused("frame_too_large")
        enrollment = services.liveness_frames_submit(
            enrollment=enrollment,
            nonce=str(request.data.get("nonce", "")),
            frames=[upload.read() for upload in uploads],
            actor=request.user,
        )
        enrollment.refresh_from_db()
        return Response(EnrollmentSerializer(enrollment).data, status=status.HTTP_202_ACCEPTED)


class GuidedChallengeView(_EnrollmentActionView):
    """Start a guided camera check: the actions come one at a time in the answers to the uploads."""

    @extend_schema(request=None, responses={201: GuidedChallengeSerializer})
    def post(self, request, pk: int):
        enrollment = services.guided_challenge_start(enrollment=self.enrollment(pk), actor=request.user)
        return Response(GuidedChallengeSerializer(enrollment).data, status=status.HTTP_201_CREATED)


class GuidedFramesView(_EnrollmentActionView):
    """Upload the next few frames of a guided check (multipart: ``nonce`` and repeated ``frames``);
    the answer is the action to perform now and live feedback on it."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": FramesUploadSerializer},
        responses={200: GuidedProgressSerializer},
    )
    def post(self, request, pk: int):
        enrollment = self.enrollment(pk)
        uploads = request.FILES.getlist("frames")
        if len(uploads) > int(verification_settings.LIVENESS_GUIDED_BATCH_MAX):
            raise refused("too_many_frames")
        limit = int(verification_settings.LIVENESS_FRAME_MAX_BYTES)
        if any(upload.size > limit for upload in uploads):
            raise refused("frame_too_large")
        progress = services.guided_frames_add(
            enrollment=enrollment,
            nonce=str(request.data.get("nonce", "")),
            frames=[upload.read() for upload in uploads],
            actor=request.user,
        )
        return Response(GuidedProgressSerializer(progress).data)


class FlagListView(PluginAPIMixin, generics.ListAPIView):
    """Face-match flags (moderators): which enrollment matched which template, with the scores."""

    serializer_class = FaceMatchFlagSerializer
    permission_classes = [IsModerator]

    def get_queryset(self):
        queryset = selectors.flags_visible_to(self.request.user)
        wanted = self.request.query_params.get("status")
        if wanted in FaceMatchFlag.Status.values:
            queryset = queryset.filter(status=wanted)
        return queryset


class FlagDetailView(PluginAPIMixin, generics.RetrieveAPIView):
    serializer_class = FaceMatchFlagSerializer
    permission_classes = [IsModerator]

    def get_queryset(self):
        return selectors.flags_visible_to(self.request.user)


class ProtectedPersonListView(PluginAPIMixin, generics.ListAPIView):
    """The protected-person registry (moderators): list, and POST to add a person."""

    serializer_class = ProtectedPersonSerializer
    permission_classes = [IsModerator]

    def get_queryset(self):
        return selectors.protected_persons()

    @extend_schema(request=ProtectedPersonSerializer, responses={201: ProtectedPersonSerializer, **ERRORS})
    def post(self, request):
        serializer = ProtectedPersonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = services.protected_person_add(added_by=request.user, **serializer.validated_data)
        return Response(ProtectedPersonSerializer(person).data, status=status.HTTP_201_CREATED)


class ProtectedPersonDetailView(PluginAPIMixin, generics.RetrieveAPIView):
    serializer_class = ProtectedPersonSerializer
    permission_classes = [IsModerator]

    def get_queryset(self):
        return selectors.protected_persons()


class ProtectedFaceView(PluginAPIView):
    """Add a photo of a protected person (multipart ``photo``); only its template is kept."""

    permission_classes = [IsModerator]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": PhotoUploadSerializer},
        responses={201: ProtectedPersonSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        person = get_object_or_404(selectors.protected_persons(), pk=pk)
        upload = request.FILES.get("photo")
        if upload is None:
            raise VerificationError("photo_missing", "Attach a photo in the field 'photo'.")
        services.protected_face_add(person=person, data=upload.read(), added_by=request.user)
        return Response(ProtectedPersonSerializer(person).data, status=status.HTTP_201_CREATED)
