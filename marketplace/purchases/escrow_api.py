"""The escrow hold of one licence, for the licence's own buyer and seller (and moderators).

payouts' staff endpoint knows holds by reference only; this one checks who may see the licence.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from kernel.api import PluginAPIView
from marketplace.selectors import licence_for_viewer
from payouts.api.views import HoldSerializer
from payouts.selectors import hold_status


class LicenceEscrowView(PluginAPIView):
    """Where the money of this licence is: held, refunded, released (404 for anyone else)."""

    @extend_schema(responses=HoldSerializer)
    def get(self, request, reference: str):
        licence = licence_for_viewer(user=request.user, reference=reference)
        hold = hold_status(reference=licence.reference) if licence is not None else None
        if hold is None:
            raise Http404
        return Response(HoldSerializer(hold).data)
