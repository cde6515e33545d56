"""Purchase API for buyers and host platforms: create an order, follow it, read licences."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from kernel.api import PluginAPIMixin, PluginAPIView
from marketplace.access.selectors import licence_project_summary
from marketplace.selectors import licence_for_viewer, licences_of_buyer, order_for_buyer
from marketplace.services import licence_first_use_declare, order_create


class PriceSerializer(serializers.Serializer):
    """An amount in minor units with its currency and its display in the request's language."""

    amount_minor = serializers.IntegerField()
    currency = serializers.CharField()
    display = serializers.CharField()

    def to_representation(self, instance):
        from django.utils.translation import get_language

        return {
            "amount_minor": instance.amount,
            "currency": instance.currency,
            "display": instance.format(get_language() or "en"),
        }


class OrderCreateSerializer(serializers.Serializer):
    listing = serializers.IntegerField(min_value=1)
    scope = serializers.DictField()
    checkout_key = serializers.CharField(max_length=64)
    return_url = serializers.URLField(required=False, allow_blank=True, max_length=900)


class OrderSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    reference = serializers.CharField()
    listing = serializers.IntegerField(source="listing_id")
    terms_version = serializers.IntegerField(source="terms_version_id")
    scope = serializers.DictField()
    quote_lines = serializers.ListField(child=serializers.DictField())
    amount = PriceSerializer()
    status = serializers.CharField()
    status_reason = serializers.CharField()
    checkout_url = serializers.CharField()
    expires_at = serializers.DateTimeField()
    licence = serializers.SerializerMethodField()

    def get_licence(self, order) -> str | None:
        licence = getattr(order, "licence", None) if order.status == "licensed" else None
        return licence.reference if licence else None


class LicenceSerializer(serializers.Serializer):
    reference = serializers.CharField()
    listing = serializers.IntegerField(source="listing_id")
    terms_version = serializers.IntegerField(source="terms_version_id")
    scope = serializers.DictField()
    amount = PriceSerializer()
    status = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    red_lines = serializers.ListField(
        child=serializers.CharField(),
        source="terms_version.red_lines",
        help_text="Roles and themes the seller never allows (red-line codes), from the licence's terms.",
    )
    project = serializers.SerializerMethodField(help_text="The approved project the licence is bound to.")

    def get_project(self, licence) -> dict | None:
        return licence_project_summary(licence)


class OrderCreateView(PluginAPIView):
    """Price a scope of a listing and start paying. The same ``checkout_key`` returns the same order."""

    invalid_input_code = "invalid_scope"
    invalid_fields_key = "scope"
    permission_denied_code = "not_a_buyer"

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderSerializer})
    def post(self, request):
        data = OrderCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = order_create(
            buyer=request.user,
            listing_id=data.validated_data["listing"],
            scope=data.validated_data["scope"],
            checkout_key=data.validated_data["checkout_key"],
            return_url=data.validated_data.get("return_url", ""),
        )
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)


class OrderDetailView(PluginAPIView):
    @extend_schema(responses=OrderSerializer)
    def get(self, request, public_id):
        order = order_for_buyer(user=request.user, public_id=public_id)
        if order is None:
            raise Http404
        return Response(OrderSerializer(order).data)


class LicenceListView(PluginAPIMixin, generics.ListAPIView):
    """The licences the signed-in buyer holds."""

    serializer_class = LicenceSerializer

    def get_queryset(self):
        return licences_of_buyer(self.request.user)


class LicenceDetailView(PluginAPIView):
    """One licence, for its buyer, its seller or a moderator."""

    @extend_schema(responses=LicenceSerializer)
    def get(self, request, reference: str):
        licence = licence_for_viewer(user=request.user, reference=reference)
        if licence is None:
            raise Http404
        return Response(LicenceSerializer(licence).data)


class FirstUseSerializer(serializers.Serializer):
    used_on = serializers.DateField()


class FirstUseResultSerializer(serializers.Serializer):
    first_used_on = serializers.DateField()
    report_due_at = serializers.DateTimeField()


class LicenceFirstUseView(PluginAPIView):
    """The buyer declares when the face was first used: the usage report is then due sooner."""

    invalid_input_code = "invalid_first_use"
    invalid_fields_key = "used_on"
    permission_denied_code = "not_the_buyer"

    @extend_schema(request=FirstUseSerializer, responses=FirstUseResultSerializer)
    def post(self, request, reference: str):
        licence = licence_for_viewer(user=request.user, reference=reference)
        if licence is None:
            raise Http404
        data = FirstUseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deadline = licence_first_use_declare(
            licence=licence, buyer=request.user, used_on=data.validated_data["used_on"]
        )
        return Response(FirstUseResultSerializer(deadline).data)
