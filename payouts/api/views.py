"""Read-only API of the payouts app: a seller's earnings, and a hold's state for staff."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response

from kernel.api import PluginAPIView

from .. import selectors


class MoneyField(serializers.Serializer):
    amount = serializers.IntegerField(help_text="minor units (fen)")
    currency = serializers.CharField()


class EarningsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    held = MoneyField()
    releasable = MoneyField()
    paid_out = MoneyField()
    frozen = serializers.BooleanField()


class EarningsView(PluginAPIView):
    """The signed-in seller's money, per currency: held in escrow, releasable, paid out."""

    pagination_class = None  # one row per currency, a plain list (the schema said paginated)

    @extend_schema(responses=EarningsSerializer(many=True))
    def get(self, request):
        return Response(EarningsSerializer(selectors.seller_earnings(seller=request.user), many=True).data)


class HoldSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    captured = MoneyField()
    refunded = MoneyField()
    released = MoneyField()
    releasable = MoneyField()
    frozen = serializers.BooleanField()


class HoldView(PluginAPIView):
    """Staff: the escrow hold of one licence reference."""

    permission_classes = [IsAdminUser]

    @extend_schema(responses=HoldSerializer)
    def get(self, request, reference: str):
        hold = selectors.hold_status(reference=reference)
        if hold is None:
            raise NotFound
        return Response(HoldSerializer(hold).data)
