"""Who may do what with listings: the roles come from the kernel (``kernel.roles``)."""

from __future__ import annotations

from kernel.roles import BUYER_PERMISSION as BUYER_PERM
from kernel.roles import MODERATOR_PERMISSION as MODERATOR_PERM
from kernel.roles import SELLER_PERMISSION as SELLER_PERM
from kernel.roles import is_buyer, is_moderator, is_seller

__all__ = ["BUYER_PERM", "MODERATOR_PERM", "SELLER_PERM", "is_buyer", "is_moderator", "is_seller", "owns"]


def owns(user, obj_seller_id: int | None) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and obj_seller_id is not None and user.pk == obj_seller_id
    )
