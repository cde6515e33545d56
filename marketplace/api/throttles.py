"""Throttles whose rates come from ``FACE_MARKET["THROTTLE_RATES"]``: the host's DRF settings need none."""

from rest_framework.throttling import ScopedRateThrottle

from ..conf import market_settings


class MarketScopedRateThrottle(ScopedRateThrottle):
    def get_rate(self):
        return market_settings.THROTTLE_RATES.get(self.scope)
