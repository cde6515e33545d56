"""Privacy API: withdraw biometric consent (and what the deal built on it), ask for erasure."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from kernel.api import ErrorSerializer, PluginAPIView
from kernel.errors import InvalidInput
from marketplace.privacy.services import biometric_consent_withdraw_everywhere, personal_data_erase


class ConfirmSerializer(serializers.Serializer):
    #: a deliberate act: the caller must send ``confirm: true``
    confirm = serializers.BooleanField()


class WithdrawalResultSerializer(serializers.Serializer):
    consents_withdrawn = serializers.IntegerField()
    revocations = serializers.ListField(child=serializers.CharField())


class ErasureResultSerializer(WithdrawalResultSerializer):
    photos_deleted = serializers.IntegerField()


def _confirmed(request) -> None:
    data = ConfirmSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    if not data.validated_data["confirm"]:
        raise InvalidInput(fields={"confirm": ["Send confirm: true to go ahead."]}, code="not_confirmed")


class BiometricConsentWithdrawView(PluginAPIView):
    """Withdraw biometric consent: face templates and captures deleted (out of the face index), every
    listing withdrawn, running licences ended by the revocation rules (notice, pro-rata refund)."""

    @extend_schema(
        request=ConfirmSerializer, responses={200: WithdrawalResultSerializer, 400: ErrorSerializer}
    )
    def post(self, request):
        _confirmed(request)
        return Response(biometric_consent_withdraw_everywhere(user=request.user))


class ErasureView(PluginAPIView):
    """Erase the caller's personal data; what the ledger must keep stays under a pseudonym. The
    account cannot log in afterwards."""

    @extend_schema(request=ConfirmSerializer, responses={200: ErasureResultSerializer, 400: ErrorSerializer})
    def post(self, request):
        _confirmed(request)
        outcome = personal_data_erase(user=request.user)
        outcome.pop("pseudonym", None)
        return Response(outcome)
