"""Moderation API: reports from host platforms (throttled), moderators' queue and actions, sellers'
cases and appeals, and the audit log as CSV for staff. No business logic: services decide."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from kernel.api import PluginAPIMixin, PluginAPIView
from kernel.errors import InvalidInput
from kernel.roles import Role
from listings.selectors import listing_for_viewer
from marketplace.moderation.services import REPORT_REASONS
from marketplace.moderation.state import CaseAction
from marketplace.moderation.views import audit_log_csv_response
from marketplace.selectors import audit_log, case_for_viewer, cases_of_seller, moderation_queue, user_has_role
from marketplace.services import appeal_file, moderation_case_act, moderation_report_file


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


class ModerationReceiptSerializer(serializers.Serializer):
    """What a reporter (or an appellant) learns: that it is in, and its status."""

    id = serializers.IntegerField()
    status = serializers.CharField()


class ModerationCaseActSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=CaseAction.choices)
    reason = serializers.CharField(max_length=4000)


class ModerationAppealCreateSerializer(serializers.Serializer):
    statement = serializers.CharField(max_length=4000)


class ModerationReportCreateView(PluginAPIView):
    """Report a listing (any logged-in user or a host platform's token); 20 an hour per user."""

    throttle_scope = "reports"

    @extend_schema(request=ModerationReportCreateSerializer, responses={201: ModerationReceiptSerializer})
    def post(self, request):
        data = ModerationReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        listing = listing_for_viewer(user=request.user, listing_id=data.validated_data["listing"])
        if listing is None:  # the same answer whether it never existed or is not on sale
            raise InvalidInput(fields={"listing": [_("No listing with this id is on sale.")]})
        case = moderation_report_file(
            reporter=request.user,
            listing=listing,
            reason=data.validated_data["reason"],
            details=data.validated_data.get("details", ""),
        )
        # reporters learn that the report is in, not what moderators know
        return Response(ModerationReceiptSerializer(case).data, status=status.HTTP_201_CREATED)


class ModerationCaseListView(PluginAPIMixin, generics.ListAPIView):
    """Moderators: the queue (most severe, then oldest first). Sellers: the cases about them."""

    serializer_class = ModerationCaseSerializer

    def get_queryset(self):
        if user_has_role(self.request.user, Role.MODERATOR):
            return moderation_queue()
        return cases_of_seller(self.request.user)


class ModerationCaseActView(PluginAPIView):
    @extend_schema(request=ModerationCaseActSerializer, responses={200: ModerationCaseSerializer})
    def post(self, request, case_id: int):
        if not user_has_role(request.user, Role.MODERATOR):
            raise PermissionDenied
        case = case_for_viewer(user=request.user, case_id=case_id)
        if case is None:
            raise Http404
        data = ModerationCaseActSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = moderation_case_act(case=case, moderator=request.user, **data.validated_data)
        return Response(ModerationCaseSerializer(case).data)


class ModerationAppealCreateView(PluginAPIView):
    @extend_schema(request=ModerationAppealCreateSerializer, responses={201: ModerationReceiptSerializer})
    def post(self, request, case_id: int):
        case = case_for_viewer(user=request.user, case_id=case_id)
        if case is None:
            raise Http404
        data = ModerationAppealCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = appeal_file(case=case, seller=request.user, statement=data.validated_data["statement"])
        return Response(ModerationReceiptSerializer(appeal).data, status=status.HTTP_201_CREATED)


class ModerationAuditCsvView(PluginAPIView):
    """The whole audit log as CSV (staff and moderators)."""

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request):
        if not (request.user.is_staff or user_has_role(request.user, Role.MODERATOR)):
            raise PermissionDenied
        return audit_log_csv_response(audit_log())
