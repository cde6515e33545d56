"""Trust API: a licence's credential, consent checks (and their receipts), content labels in and out."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle

from kernel.api import PluginAPIView
from marketplace.conf import market_settings
from marketplace.selectors import licence_for_viewer
from marketplace.trust import serializers as s
from marketplace.trust.claims import absolute, verify_url
from marketplace.trust.consent import IntendedUse, consent_check_perform
from marketplace.trust.labels import labels_read
from marketplace.trust.selectors import credential_check_local, may_label, receipts_visible_to
from marketplace.trust.services import content_label_create, trust_licence_sync


class ConsentCheckThrottle(UserRateThrottle):
    """Per caller, at ``FACE_MARKET["CONSENT_CHECK_RATE"]`` (the plugin's own rate, not the host's)."""

    scope = "fm_consent_check"

    def get_rate(self):
        return market_settings.CONSENT_CHECK_RATE


class TrustApiView(PluginAPIView):
    """The kernel's base view: its own auth, permissions, throttles and the one error body."""


class LicenceCredentialView(TrustApiView):
    """The licence's current signed credential (issued on first request if the hook has not run yet)."""

    @extend_schema(responses=s.CredentialSerializer)
    def get(self, request, reference: str):
        licence = licence_for_viewer(user=request.user, reference=reference)
        if licence is None:
            raise exceptions.NotFound()
        credential = trust_licence_sync(licence_id=licence.pk)
        context = {
            "jwks_uri": absolute(reverse("marketplace:trust_jwks")),
            "verify_url": verify_url(licence.reference),
        }
        return Response(s.CredentialSerializer(credential, context=context).data)


class ConsentCheckView(TrustApiView):
    """Is this face licensed for this use? For generation tools and host platforms.

    Callers need ``fm_marketplace.check_consent`` (or are the licence's buyer). With ``face_image``
    (multipart) the face is compared with the licensed face: only a score comes back. Every answer
    is kept as a receipt the seller sees.
    """

    parser_classes = [JSONParser, MultiPartParser, FormParser]
    throttle_classes = [ConsentCheckThrottle]

    @extend_schema(request=s.ConsentCheckRequestSerializer, responses={200: s.ConsentCheckAnswerSerializer})
    def post(self, request):
        data = s.ConsentCheckRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        use = IntendedUse(
            use_category=values["use_category"],
            medium=values["medium"],
            territory=values["territory"],
            on=values["date"],
            expected_views=values.get("expected_views"),
            monetisation=values.get("monetisation"),
            sensitive_uses=tuple(values.get("sensitive_uses") or ()),
            ai_training=values.get("ai_training", False),
            themes=tuple(values.get("themes") or ()),
        )
        image = values.get("face_image")
        receipt, answer = consent_check_perform(
            caller=request.user,
            use=use,
            credential=values.get("credential") or "",
            reference=values.get("reference") or "",
            face_image=image.read() if image is not None else None,
        )
        body = {
            "receipt": receipt.public_id,
            "reference": receipt.licence.reference,
            "allowed": answer.allowed,
            "reasons": answer.reasons,
            "credential_status": answer.credential_status,
            "face": answer.face,
            "checked_at": receipt.created_at,
        }
        return Response(s.ConsentCheckAnswerSerializer(body).data)


class ConsentCheckReceiptListView(TrustApiView, generics.ListAPIView):
    """Who checked: every consent check of licences to the seller's face, and the caller's own checks."""

    serializer_class = s.ReceiptSerializer

    def get_queryset(self):
        return receipts_visible_to(self.request.user)


EXTENSIONS = {"image/jpeg": "jpg", "video/mp4": "mp4", "video/quicktime": "mov"}


def labelled_download(label, labelled: bytes) -> HttpResponse:
    response = HttpResponse(labelled, content_type=label.media_type, status=status.HTTP_200_OK)
    name = f"{label.licence.reference}-labelled.{EXTENSIONS.get(label.media_type, 'bin')}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Produce-Id"] = str(label.produce_id)
    return response


class LicenceLabelView(TrustApiView):
    """Label an output image for this licence (buyer only); returns the labelled JPEG."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": s.LabelUploadSerializer},
        responses={
            200: OpenApiResponse(description="The labelled file: a JPEG for a still, the same video type.")
        },
    )
    def post(self, request, reference: str):
        licence = licence_for_viewer(user=request.user, reference=reference)
        if licence is None:
            raise exceptions.NotFound()
        if not may_label(request.user, licence):
            raise exceptions.PermissionDenied("Only the licence's buyer can label media with it.")
        upload = s.LabelUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        label, labelled = content_label_create(
            licence=licence, user=request.user, data=upload.validated_data["file"].read()
        )
        return labelled_download(label, labelled)


def label_report(data: bytes) -> dict:
    """Both labels of a file and the verdict on the credential its manifest carries."""
    found = labels_read(data)
    credential = None
    token = (found.c2pa_licence or {}).get("credential")
    if token:
        check = credential_check_local(token)
        credential = {
            "valid": check.valid,
            "reason": check.reason,
            "status": check.status,
            "reference": check.reference,
        }
    return {
        "aigc": found.aigc,
        "c2pa": {
            "present": found.c2pa_licence is not None or found.c2pa_validation_state is not None,
            "licence": {k: v for k, v in (found.c2pa_licence or {}).items() if k != "credential"} or None,
            "digital_source_type": found.c2pa_digital_source_type,
            "validation_state": found.c2pa_validation_state,
            "validation_codes": found.c2pa_validation_codes,
        },
        "credential": credential,
    }


class LabelReadView(TrustApiView):
    """Read the C2PA and GB 45438-2025 labels of a file and verify the credential inside."""

    parser_classes = [MultiPartParser]
    throttle_classes = [ConsentCheckThrottle]

    @extend_schema(request={"multipart/form-data": s.LabelUploadSerializer}, responses=s.LabelReadSerializer)
    def post(self, request):
        upload = s.LabelUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        return Response(label_report(upload.validated_data["file"].read()))
