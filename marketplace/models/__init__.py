"""Models of the marketplace app, one module per area; import from here."""

from .permissions import MarketplacePermission
from .purchases import Licence, Order, StatusChange

__all__ = ["Licence", "MarketplacePermission", "Order", "StatusChange"]
