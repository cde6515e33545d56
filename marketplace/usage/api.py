"""Usage-report API: buyers file and follow reports, sellers decide, parties dispute, moderators resolve.

Object-level permissions: what a user may not see is "not found" (404, nothing leaks); a user who sees
an object but has the wrong role for the action gets 403. Errors are the kernel's one body
``{code, message, fields}`` (``kernel.errors``); no view here catches and reformats an error.
"""

from __future__ import annotations

import base64
import binascii
import json

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from kernel.api import ErrorSerializer, PluginAPIMixin, PluginAPIView
from kernel.errors import InvalidInput, NotFound, NotPermitted
from kernel.money import Money
from kernel.roles import Role
from listings.conf import listings_settings
from marketplace.selectors import (
    dispute_for_viewer,
    disputes_visible_to,
    evidence_still_for_viewer,
    licence_for_viewer,
    licence_reportable_by,
    notifications_of,
    usage_report_for_viewer,
    usage_reports_visible_to,
    user_has_role,
)
from marketplace.services import (
    dispute_open,
    dispute_resolve,
    notification_mark_read,
    usage_report_approve,
    usage_report_file,
    usage_report_reject,
)
from marketplace.usage.serializers import (
    UsageDisputeOpenSerializer,
    UsageDisputeResolveSerializer,
    UsageDisputeSerializer,
    UsageNotificationReadResultSerializer,
    UsageNotificationReadSerializer,
    UsageNotificationSerializer,
    UsageReportApproveSerializer,
    UsageReportFileSerializer,
    UsageReportRejectSerializer,
    UsageReportSerializer,
)

LIST_FIELDS = ("media", "territories", "sensitive_uses")
STILLS_MAX = 10
ATTACHMENTS_MAX = 5
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class BadInput(InvalidInput):
    """An upload refused before it is read (too many, too big, not base64)."""

    def __init__(self, field: str, message: str, *, code: str = "invalid_input"):
        super().__init__(message, code=code, fields={field: [message]})
        self.field = field


def _not_found(what: str = "object") -> NotFound:
    return NotFound(f"No such {what}.")


def _json_or_raw(value):
    if isinstance(value, str) and value.strip()[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _is_multipart(request) -> bool:
    return (request.content_type or "").startswith("multipart/")


def _report_data(request) -> dict:
    """The report fields from JSON (as sent) or multipart (repeated or JSON lists, text booleans)."""
    if not _is_multipart(request):
        return dict(request.data) if isinstance(request.data, dict) else request.data
    form = request.data
    data = {k: form.get(k) for k in form if k not in LIST_FIELDS + ("stills",)}
    for field in LIST_FIELDS:
        values = form.getlist(field)
        parsed = _json_or_raw(values[0]) if len(values) == 1 else None
        data[field] = parsed if isinstance(parsed, list) else values
    data["shot_list"] = _json_or_raw(data.get("shot_list"))
    flag = str(data.get("no_training_statement", "")).strip().lower()
    if flag in ("true", "on", "1", "yes", "false", "off", "0", "no"):
        data["no_training_statement"] = flag in ("true", "on", "1", "yes")
    return data


def _uploads(request, field: str, *, limit: int, max_bytes: int, code: str) -> list[tuple[str, str, bytes]]:
    """(name, content type, bytes) of uploaded files (multipart) or base64 items (JSON); sizes checked
    before anything is read or decoded."""
    if _is_multipart(request):
        files = request.FILES.getlist(field)
        if len(files) > limit:
            raise BadInput(field, f"At most {limit} files.", code=code)
        for upload in files:
            if not upload.size or upload.size > max_bytes:
                raise BadInput(field, f"{upload.name}: empty or larger than {max_bytes} bytes.", code=code)
        return [(u.name or "", u.content_type or "", u.read()) for u in files]
    items = request.data.get(field) if isinstance(request.data, dict) else None
    if items is None:
        return []
    if not isinstance(items, list) or len(items) > limit:
        raise BadInput(field, f"Give a list of at most {limit} items.", code=code)
    out = []
    for item in items:
        meta = item if isinstance(item, dict) else {"data": item}
        encoded = meta.get("data")
        if not isinstance(encoded, str) or len(encoded) > max_bytes * 4 // 3 + 4:
            raise BadInput(field, f"Each item must be base64 of at most {max_bytes} bytes.", code=code)
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise BadInput(field, "Not valid base64.", code=code) from None
        out.append((str(meta.get("name", ""))[:200], str(meta.get("content_type", ""))[:100], raw))
    return out


# --- usage reports ---


class UsageReportListView(PluginAPIMixin, generics.ListAPIView):
    """Reports the user may see (a buyer's own, those on a seller's licences); a buyer files one."""

    serializer_class = UsageReportSerializer
    invalid_input_code = "invalid_report"
    permission_denied_code = "not_the_buyer"

    def get_queryset(self):
        reports = usage_reports_visible_to(self.request.user).prefetch_related("stills")
        role = self.request.query_params.get("role")
        if role == Role.BUYER:
            reports = reports.filter(licence__buyer=self.request.user)
        elif role == Role.SELLER:
            reports = reports.filter(licence__seller=self.request.user)
        if self.request.query_params.get("status"):
            reports = reports.filter(status=self.request.query_params["status"])
        return reports

    @extend_schema(
        parameters=[
            OpenApiParameter("role", str, enum=["buyer", "seller"], description="as buyer or as seller"),
            OpenApiParameter("status", str, description="a report status, e.g. awaiting_seller"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=UsageReportFileSerializer, responses={201: UsageReportSerializer, **ERRORS})
    def post(self, request):
        if not user_has_role(request.user, Role.BUYER):
            raise NotPermitted("Only buyers file usage reports.", code="not_a_buyer")
        data = _report_data(request)
        if not isinstance(data, dict):
            raise InvalidInput("Send the report as an object.", code="invalid_input")
        reference = data.pop("licence", None)
        licence = None
        if isinstance(reference, str):
            licence = licence_reportable_by(user=request.user, reference=reference)
        if licence is None:
            raise _not_found("licence")
        stills = _uploads(
            request,
            "stills",
            limit=STILLS_MAX,
            max_bytes=int(listings_settings.LISTING_PHOTO_MAX_BYTES),
            code="invalid_stills",
        )
        report = usage_report_file(
            buyer=request.user, licence=licence, data=data, stills=[raw for _n, _t, raw in stills]
        )
        report.refresh_from_db()  # the checks may have run on commit
        return Response(UsageReportSerializer(report).data, status=status.HTTP_201_CREATED)


class UsageReportDetailView(PluginAPIView):
    @extend_schema(responses={200: UsageReportSerializer, 404: ErrorSerializer})
    def get(self, request, reference: str):
        report = usage_report_for_viewer(user=request.user, reference=reference)
        if report is None:
            raise _not_found("usage report")
        return Response(UsageReportSerializer(report).data)


class UsageReportStillView(PluginAPIView):
    """One evidence still (raw evidence: the licence's parties and moderators only; never cached)."""

    @extend_schema(
        responses={
            # the still's own type: intake keeps JPEG, PNG or WebP (a wildcard is no media type)
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
            (200, "image/webp"): OpenApiTypes.BINARY,
            404: ErrorSerializer,
        }
    )
    def get(self, request, reference: str, position: int):
        still = evidence_still_for_viewer(user=request.user, reference=reference, position=position)
        if still is None:
            raise _not_found("still")
        response = HttpResponse(bytes(still.image), content_type=still.content_type)
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class _SellerDecisionView(PluginAPIView):
    body = UsageReportApproveSerializer

    def _decide(self, request, report, data):  # pragma: no cover - overridden
        raise NotImplementedError

    def post(self, request, reference: str):
        report = usage_report_for_viewer(user=request.user, reference=reference)
        if report is None:
            raise _not_found("usage report")
        if report.licence.seller_id != request.user.pk:
            raise NotPermitted("Only the licensed face's seller decides.", code="not_the_seller")
        body = self.body(data=request.data)
        body.is_valid(raise_exception=True)
        report = self._decide(request, report, body.validated_data)
        report.refresh_from_db()
        return Response(UsageReportSerializer(report).data)


class UsageReportApproveView(_SellerDecisionView):
    """The seller approves the use: the escrow is released (unless a dispute is open or payouts frozen)."""

    body = UsageReportApproveSerializer

    def _decide(self, request, report, data):
        return usage_report_approve(seller=request.user, report=report, note=data.get("note", ""))

    @extend_schema(request=UsageReportApproveSerializer, responses={200: UsageReportSerializer, **ERRORS})
    def post(self, request, reference: str):
        return super().post(request, reference)


class UsageReportRejectView(_SellerDecisionView):
    """The seller rejects the use (a reason is required); a dispute opens for a moderator to decide."""

    body = UsageReportRejectSerializer

    def _decide(self, request, report, data):
        return usage_report_reject(seller=request.user, report=report, reason=data["reason"])

    @extend_schema(request=UsageReportRejectSerializer, responses={200: UsageReportSerializer, **ERRORS})
    def post(self, request, reference: str):
        return super().post(request, reference)


# --- disputes ---


class UsageDisputeListView(PluginAPIMixin, generics.ListAPIView):
    """Disputes the user may see (their licences'; all for moderators); a party opens one."""

    serializer_class = UsageDisputeSerializer
    permission_denied_code = "not_a_party"

    def get_queryset(self):
        disputes = disputes_visible_to(self.request.user).prefetch_related("attachments")
        if self.request.query_params.get("status"):
            disputes = disputes.filter(status=self.request.query_params["status"])
        return disputes

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=["open", "resolved"])])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=UsageDisputeOpenSerializer, responses={201: UsageDisputeSerializer, **ERRORS})
    def post(self, request):
        data = request.data
        licence_ref = data.get("licence") if hasattr(data, "get") else None
        licence = None
        if isinstance(licence_ref, str):
            licence = licence_for_viewer(user=request.user, reference=licence_ref)
        if licence is None:
            raise _not_found("licence")
        report = None
        report_ref = data.get("report")
        if report_ref:
            report = usage_report_for_viewer(user=request.user, reference=str(report_ref))
            if report is None or report.licence_id != licence.pk:
                raise BadInput("report", "Unknown report.")
        reasons = data.get("reasons")
        attachments = _uploads(
            request,
            "attachments",
            limit=ATTACHMENTS_MAX,
            max_bytes=ATTACHMENT_MAX_BYTES,
            code="invalid_attachments",
        )
        dispute = dispute_open(
            user=request.user,
            licence=licence,
            report=report,
            reasons=reasons if isinstance(reasons, str) else "",
            attachments=attachments,
        )
        return Response(UsageDisputeSerializer(dispute).data, status=status.HTTP_201_CREATED)


class UsageDisputeDetailView(PluginAPIView):
    @extend_schema(responses={200: UsageDisputeSerializer, 404: ErrorSerializer})
    def get(self, request, reference: str):
        dispute = dispute_for_viewer(user=request.user, reference=reference)
        if dispute is None:
            raise _not_found("dispute")
        return Response(UsageDisputeSerializer(dispute).data)


class UsageDisputeResolveView(PluginAPIView):
    """A moderator decides: release, refund (full or partial) or split; amounts in minor units."""

    @extend_schema(
        request=UsageDisputeResolveSerializer,
        responses={200: UsageDisputeSerializer, 409: ErrorSerializer, **ERRORS},
    )
    def post(self, request, reference: str):
        dispute = dispute_for_viewer(user=request.user, reference=reference)
        if dispute is None:
            raise _not_found("dispute")
        if not user_has_role(request.user, Role.MODERATOR):
            raise NotPermitted("Only moderators decide disputes.", code="not_a_moderator")
        body = UsageDisputeResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        minor = body.validated_data.get("amount_minor")
        dispute = dispute_resolve(
            moderator=request.user,
            dispute=dispute,
            resolution=body.validated_data["resolution"],
            amount=Money(minor, dispute.licence.currency) if minor is not None else None,
            note=body.validated_data["note"],
        )
        return Response(UsageDisputeSerializer(dispute).data)


# --- notifications ---


class UsageNotificationListView(PluginAPIMixin, generics.ListAPIView):
    """The signed-in user's notifications, newest first."""

    serializer_class = UsageNotificationSerializer

    def get_queryset(self):
        unread = self.request.query_params.get("unread") in ("1", "true")
        return notifications_of(user=self.request.user, unread_only=unread)

    @extend_schema(parameters=[OpenApiParameter("unread", bool, description="only unread ones")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class UsageNotificationReadView(PluginAPIView):
    """Mark one notification (``id``) or all of them read."""

    @extend_schema(
        request=UsageNotificationReadSerializer,
        responses={200: UsageNotificationReadResultSerializer, **ERRORS},
    )
    def post(self, request):
        body = UsageNotificationReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        pk = body.validated_data.get("id")
        if pk is not None and not notifications_of(user=request.user).filter(pk=pk).exists():
            raise _not_found("notification")
        marked = notification_mark_read(user=request.user, notification_id=pk)
        return Response({"marked": marked})
