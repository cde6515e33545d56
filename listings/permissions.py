"""Who may do what, from the marketplace's permissions (read by codename, so no import points up).

The roles are groups carrying ``fm_marketplace.act_as_seller`` / ``act_as_buyer`` / ``moderate``;
a host platform may grant the same permissions its own way.
"""

from __future__ import annotations

SELLER_PERM = "fm_marketplace.act_as_seller"
BUYER_PERM = "fm_marketplace.act_as_buyer"
MODERATOR_PERM = "fm_marketplace.moderate"


def _has(user, perm: str) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_perm(perm))


def is_seller(user) -> bool:
    return _has(user, SELLER_PERM)


def is_buyer(user) -> bool:
    return _has(user, BUYER_PERM)


def is_moderator(user) -> bool:
    return _has(user, MODERATOR_PERM)


def owns(user, obj_seller_id: int | None) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and obj_seller_id is not None and user.pk == obj_seller_id
    )
