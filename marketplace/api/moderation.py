"""Moderation API: reports from host platforms (throttled), moderators' queue and actions, sellers'
cases and appeals, and the audit log as CSV for staff. No business logic: services decide."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from listings.selectors import listing_for_viewer

from ..moderation_state import CaseAction
from ..roles import Role
from ..selectors import audit_log, case_for_viewer, cases_of_seller, moderation_queue, user_has_role
from ..services import appeal_file, moderation_case_act, moderation_report_file
from ..services.moderation import REPORT_REASONS
from ..state import TransitionRefused
from ..views.moderation import audit_log_csv_response
from .throttles import MarketScopedRateThrottle


class ModerationReportCreateSerializer(serializers.Serializer):
    listing = serializers.IntegerField(min_value=1)
    reason = serializers.ChoiceField(choices=sorted(REPORT_REASONS))
    details = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ModerationCaseSerializer(serializers.Serializer):
    """A case as its reader may see it: scores and codes, never face data."""

    id = serializers.IntegerField()
    source = serializers.CharField()
    severity = serializers.IntegerField()
    status = serializers.CharField()
    summary = serializers.CharField()
    listing = serializers.IntegerField(source="listing_id", allow_null=True)
    created_at = serializers.DateTimeField()
    decision_reason = serializers.CharField()
    time_in_queue_seconds = serializers.SerializerMethodField()

    def get_time_in_queue_seconds(self, case) -> int:
        return int(case.time_in_queue.total_seconds())


class ModerationCaseActSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=CaseAction.choices)
    reason = serializers.CharField(max_length=4000)


class ModerationAppealCreateSerializer(serializers.Serializer):
    statement = serializers.CharField(max_length=4000)


def _refused(exc: Exception) -> Response:
    detail = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    return Response({"detail": detail}, status=status.HTTP_400_BAD_REQUEST)


class ModerationReportCreateView(APIView):
    """Report a listing (any logged-in user or a host platform's token); 20 an hour per user."""

    throttle_classes = [MarketScopedRateThrottle]
    throttle_scope = "reports"

    @extend_schema(request=ModerationReportCreateSerializer, responses={201: ModerationCaseSerializer})
    def post(self, request):
        data = ModerationReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        listing = listing_for_viewer(user=request.user, listing_id=data.validated_data["listing"])
        if listing is None:  # the same answer whether it never existed or is not on sale
            return Response(
                {"listing": [_("No listing with this id is on sale.")]}, status=status.HTTP_400_BAD_REQUEST
            )
        try:
            case = moderation_report_file(
                reporter=request.user,
                listing=listing,
                reason=data.validated_data["reason"],
                details=data.validated_data.get("details", ""),
            )
        except ValidationError as exc:
            return _refused(exc)
        # reporters learn that the report is in, not what moderators know
        return Response({"id": case.pk, "status": case.status}, status=status.HTTP_201_CREATED)


class ModerationCaseListView(generics.ListAPIView):
    """Moderators: the queue (most severe, then oldest first). Sellers: the cases about them."""

    serializer_class = ModerationCaseSerializer

    def get_queryset(self):
        if user_has_role(self.request.user, Role.MODERATOR):
            return moderation_queue()
        return cases_of_seller(self.request.user)


class ModerationCaseActView(APIView):
    @extend_schema(request=ModerationCaseActSerializer, responses={200: ModerationCaseSerializer})
    def post(self, request, case_id: int):
        if not user_has_role(request.user, Role.MODERATOR):
            raise PermissionDenied
        case = case_for_viewer(user=request.user, case_id=case_id)
        if case is None:
            raise Http404
        data = ModerationCaseActSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            case = moderation_case_act(case=case, moderator=request.user, **data.validated_data)
        except (ValidationError, TransitionRefused) as exc:
            return _refused(exc)
        return Response(ModerationCaseSerializer(case).data)


class ModerationAppealCreateView(APIView):
    @extend_schema(request=ModerationAppealCreateSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, case_id: int):
        case = case_for_viewer(user=request.user, case_id=case_id)
        if case is None:
            raise Http404
        data = ModerationAppealCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            appeal = appeal_file(case=case, seller=request.user, statement=data.validated_data["statement"])
        except ValidationError as exc:
            return _refused(exc)
        return Response({"id": appeal.pk, "status": appeal.status}, status=status.HTTP_201_CREATED)


class ModerationAuditCsvView(APIView):
    """The whole audit log as CSV (staff and moderators)."""

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request):
        if not (request.user.is_staff or user_has_role(request.user, Role.MODERATOR)):
            raise PermissionDenied
        return audit_log_csv_response(audit_log())
