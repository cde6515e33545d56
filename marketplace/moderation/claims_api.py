""" "This is my face" claims and host platforms' reports, through the API.

A claim is decided by the claimant's own liveness verification (verification's API): once it has a
verdict, a matching face opens an urgent moderation case with the evidence scores (moderators see
them on the case; the claimant sees only the outcome: no biometric score leaves to the claimant).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from kernel.api import ErrorSerializer, PluginAPIView
from kernel.errors import InvalidInput, NotFound, NotPermitted
from listings.selectors import listing_for_viewer
from marketplace.models import FaceClaim
from marketplace.moderation.api import ModerationReceiptSerializer, ModerationReportCreateSerializer
from marketplace.moderation.services import REPORT_REASONS
from marketplace.moderation.state import CaseSource
from marketplace.services import face_claim_decide, face_claim_start, moderation_report_file

HOST_PERMISSION = "fm_marketplace.report_as_host"
#: one enum name for the report reasons that users' and hosts' reports share (schema ENUM_NAME_OVERRIDES)
REPORT_REASON_CHOICES = sorted(REPORT_REASONS)
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class FaceClaimCreateSerializer(serializers.Serializer):
    listing = serializers.IntegerField(min_value=1)
    statement = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")


class FaceClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    listing = serializers.IntegerField(source="listing_id")
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    case = serializers.IntegerField(source="case_id", allow_null=True)
    verification_url = serializers.SerializerMethodField()

    def get_verification_url(self, claim) -> str:
        """Where the claimant proves their face (enrollment with liveness) while the claim waits."""
        return reverse("verification_api:enrollments") if claim.status == "verifying" else ""


def _listing(user, listing_id: int):
    listing = listing_for_viewer(user=user, listing_id=listing_id)
    if listing is None:  # the same answer whether it never existed or is not on sale
        raise InvalidInput(fields={"listing": [_("No listing with this id is on sale.")]})
    return listing


class FaceClaimCreateView(PluginAPIView):
    """The real person says a listing shows their face; their own liveness verification decides."""

    throttle_scope = "reports"
    invalid_input_code = "invalid_claim"

    @extend_schema(request=FaceClaimCreateSerializer, responses={201: FaceClaimSerializer, **ERRORS})
    def post(self, request):
        data = FaceClaimCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        listing = _listing(request.user, data.validated_data["listing"])
        claim = face_claim_start(
            claimant=request.user, listing=listing, statement=data.validated_data["statement"]
        )
        claim = face_claim_decide(claim=claim)  # a verified claimant is decided at once
        return Response(FaceClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


class FaceClaimDetailView(PluginAPIView):
    """The claimant follows their claim: decided as soon as their verification has a verdict."""

    @extend_schema(responses={200: FaceClaimSerializer, 404: ErrorSerializer})
    def get(self, request, claim_id: int):
        claim = FaceClaim.objects.filter(pk=claim_id, claimant=request.user).first()
        if claim is None:
            raise NotFound("No such claim.")
        return Response(FaceClaimSerializer(face_claim_decide(claim=claim)).data)


class HostReportSerializer(ModerationReportCreateSerializer):
    #: the host's own id of the content or user it saw (kept as evidence for moderators)
    host_reference = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")


class HostReportCreateView(PluginAPIView):
    """A host platform reports a listing (its service account holds ``report_as_host``)."""

    throttle_scope = "reports"

    @extend_schema(request=HostReportSerializer, responses={201: ModerationReceiptSerializer, **ERRORS})
    def post(self, request):
        if not request.user.has_perm(HOST_PERMISSION):
            raise NotPermitted(_("Only a host platform's account can file host reports."), code="not_a_host")
        data = HostReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        listing = _listing(request.user, data.validated_data["listing"])
        details = data.validated_data.get("details", "")
        if data.validated_data["host_reference"]:
            details = f"{details}\n[host reference] {data.validated_data['host_reference']}".strip()
        case = moderation_report_file(
            reporter=request.user,
            listing=listing,
            reason=data.validated_data["reason"],
            details=details,
            source=CaseSource.HOST_REPORT,
        )
        return Response(ModerationReceiptSerializer(case).data, status=status.HTTP_201_CREATED)
