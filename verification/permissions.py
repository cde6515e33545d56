"""Who may do what, read from the permissions the marketplace's role groups carry.

These are the documented permission strings of the roles contract (README, "Embedding"): a host may grant
them to its own groups. Checked by string, so verification imports nothing from the apps above it.
"""

from __future__ import annotations

SELLER_PERMISSION = "fm_marketplace.act_as_seller"
MODERATOR_PERMISSION = "fm_marketplace.moderate"


def can_enroll(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(SELLER_PERMISSION))


def can_moderate(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(MODERATOR_PERMISSION))
