"""Who may verify and who may moderate faces: the roles come from the kernel (``kernel.roles``)."""

from __future__ import annotations

from kernel.roles import MODERATOR_PERMISSION, SELLER_PERMISSION, is_moderator, is_seller

__all__ = ["MODERATOR_PERMISSION", "SELLER_PERMISSION", "can_enroll", "can_moderate"]


def can_enroll(user) -> bool:
    return is_seller(user)


def can_moderate(user) -> bool:
    return is_moderator(user)
