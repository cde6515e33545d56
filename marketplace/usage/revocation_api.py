"""Revocation API: a seller ends a listing's licences with notice; buyers and sellers read the refunds.

What a user may not see is "not found" (404). Errors are the kernel's one body ``{code, message, fields}``.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from kernel.api import ErrorSerializer, PluginAPIView
from kernel.errors import NotFound
from listings.selectors import listing_for_viewer
from marketplace.purchases.api import PriceSerializer
from marketplace.selectors import licence_for_viewer, revocation_licences, revocations_visible_to
from marketplace.services import licence_suspend, licence_suspension_resolve, revocation_request
from marketplace.usage.suspension import SUSPENSION_OUTCOMES

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class RevocationRequestSerializer(serializers.Serializer):
    listing = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class RevokedLicenceSerializer(serializers.Serializer):
    """A licence's part: refund projected while notice runs, the refund made once effective."""

    reference = serializers.CharField()
    remaining_days = serializers.IntegerField()
    total_days = serializers.IntegerField()
    refund = PriceSerializer()
    refund_made = serializers.BooleanField()
    refund_owed_by_seller = serializers.BooleanField()

    def to_representation(self, row):
        licence, part = row
        return {
            "reference": licence.reference,
            "remaining_days": part.remaining_days,
            "total_days": part.total_days,
            "refund": PriceSerializer(part.refund).data,
            "refund_made": part.effective and part.note == "",
            "refund_owed_by_seller": part.note == "released_before_revocation",
        }


class RevocationSerializer(serializers.Serializer):
    reference = serializers.CharField()
    listing = serializers.IntegerField(source="listing_id")
    status = serializers.CharField()
    reason = serializers.CharField()
    notice_days = serializers.IntegerField()
    requested_at = serializers.DateTimeField(source="created_at")
    effective_at = serializers.DateTimeField()
    licences = serializers.SerializerMethodField()

    @extend_schema_field(RevokedLicenceSerializer(many=True))
    def get_licences(self, revocation):
        user = self.context["request"].user
        return RevokedLicenceSerializer(revocation_licences(revocation, user=user), many=True).data


class RevocationListView(PluginAPIView):
    """GET: revocations the user may read. POST: the seller revokes a listing (no new sales at once) and
    ends its licences after the notice period; a reason is required when licences are running."""

    invalid_input_code = "invalid_revocation"
    permission_denied_code = "not_the_seller"

    @extend_schema(responses=RevocationSerializer(many=True))
    def get(self, request):
        rows = revocations_visible_to(request.user)[:100]
        return Response(RevocationSerializer(rows, many=True, context={"request": request}).data)

    @extend_schema(request=RevocationRequestSerializer, responses={201: RevocationSerializer, **ERRORS})
    def post(self, request):
        data = RevocationRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        listing = listing_for_viewer(user=request.user, listing_id=data.validated_data["listing"])
        if listing is None:
            raise NotFound("No such listing.")
        revocation = revocation_request(
            seller=request.user, listing=listing, reason=data.validated_data["reason"]
        )
        body = RevocationSerializer(revocation, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class RevocationDetailView(PluginAPIView):
    @extend_schema(responses={200: RevocationSerializer, 404: ErrorSerializer})
    def get(self, request, reference: str):
        revocation = revocations_visible_to(request.user).filter(reference=reference).first()
        if revocation is None:
            raise NotFound("No such revocation.")
        return Response(RevocationSerializer(revocation, context={"request": request}).data)


class SuspendSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class SuspensionDecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=SUSPENSION_OUTCOMES)
    note = serializers.CharField(max_length=5000, allow_blank=True)


class LicenceStatusSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()


class LicenceSuspendView(PluginAPIView):
    """The kill switch: the seller or a moderator suspends a licence at once for a breach; a dispute
    is opened to decide the money, and consent checks answer "suspended" until a moderator decides."""

    invalid_input_code = "invalid_suspension"
    permission_denied_code = "not_allowed_to_suspend"

    @extend_schema(request=SuspendSerializer, responses={200: LicenceStatusSerializer, **ERRORS})
    def post(self, request, reference: str):
        licence = licence_for_viewer(user=request.user, reference=reference)
        if licence is None:
            raise NotFound("No such licence.")
        data = SuspendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        licence = licence_suspend(actor=request.user, licence=licence, reason=data.validated_data["reason"])
        return Response(LicenceStatusSerializer(licence).data)


class LicenceSuspensionDecideView(PluginAPIView):
    """A moderator reinstates a suspended licence or ends it (money: through the breach's dispute)."""

    invalid_input_code = "invalid_suspension_decision"
    permission_denied_code = "not_a_moderator"

    @extend_schema(request=SuspensionDecideSerializer, responses={200: LicenceStatusSerializer, **ERRORS})
    def post(self, request, reference: str):
        licence = licence_for_viewer(user=request.user, reference=reference)
        if licence is None:
            raise NotFound("No such licence.")
        data = SuspensionDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        licence = licence_suspension_resolve(moderator=request.user, licence=licence, **data.validated_data)
        return Response(LicenceStatusSerializer(licence).data)
