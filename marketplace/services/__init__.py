"""Writes of the marketplace app, one module per area; import from here."""

from .accounts import role_groups_sync, user_role_grant, user_signup
from .purchases import (
    CheckoutRefused,
    licence_escrow_refund,
    licence_escrow_release,
    licence_issue_for_payment,
    order_create,
    order_payment_failed,
    orders_expire,
)

__all__ = [
    "CheckoutRefused",
    "licence_escrow_refund",
    "licence_escrow_release",
    "licence_issue_for_payment",
    "order_create",
    "order_payment_failed",
    "orders_expire",
    "role_groups_sync",
    "user_role_grant",
    "user_signup",
]
