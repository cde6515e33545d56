"""The three roles, their permission codenames, and "is this user a seller / buyer / moderator?".

Each role is a ``Group`` (prefixed so it never clashes with a host's own groups) carrying the
kernel's permissions (``fm_kernel.<codename>``); a host platform may grant the same permissions to
its own groups or users. Every app checks roles here, so no app names another app's permissions.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SELLER = "seller", _("Seller")
    BUYER = "buyer", _("Buyer")
    MODERATOR = "moderator", _("Moderator")


#: roles a person may pick at sign-up; moderators are appointed by staff
SELF_SERVICE_ROLES = (Role.SELLER, Role.BUYER)

GROUP_PREFIX = "face_market:"
PERMISSION_APP_LABEL = "fm_kernel"

#: role -> permission codenames (app label fm_kernel) granted through its group
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.SELLER: ("act_as_seller",),
    Role.BUYER: ("act_as_buyer",),
    Role.MODERATOR: ("moderate",),
}

SELLER_PERMISSION = f"{PERMISSION_APP_LABEL}.act_as_seller"
BUYER_PERMISSION = f"{PERMISSION_APP_LABEL}.act_as_buyer"
MODERATOR_PERMISSION = f"{PERMISSION_APP_LABEL}.moderate"


def role_group_name(role: str) -> str:
    return f"{GROUP_PREFIX}{Role(role).value}"


def role_permission(role: str) -> str:
    return f"{PERMISSION_APP_LABEL}.{ROLE_PERMISSIONS[Role(role)][0]}"


def _has(user, perm: str) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_perm(perm))


def has_role(user, role: str) -> bool:
    return all(_has(user, f"{PERMISSION_APP_LABEL}.{c}") for c in ROLE_PERMISSIONS[Role(role)])


def is_seller(user) -> bool:
    return _has(user, SELLER_PERMISSION)


def is_buyer(user) -> bool:
    return _has(user, BUYER_PERMISSION)


def is_moderator(user) -> bool:
    return _has(user, MODERATOR_PERMISSION)
