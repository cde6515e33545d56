"""Reads of the marketplace app, one module per area; import from here."""

from .accounts import user_has_role, user_roles
from .purchases import (
    licence_for_viewer,
    licence_receipt,
    licences_of_buyer,
    licences_of_seller,
    order_for_buyer,
    orders_of_buyer,
)

__all__ = [
    "licence_for_viewer",
    "licence_receipt",
    "licences_of_buyer",
    "licences_of_seller",
    "order_for_buyer",
    "orders_of_buyer",
    "user_has_role",
    "user_roles",
]
