"""The three marketplace roles, each a ``Group`` carrying the marketplace's permissions.

Group names are prefixed so they never clash with a host platform's own groups.
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

#: role -> permission codenames (app label fm_marketplace) granted through its group
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.SELLER: ("act_as_seller",),
    Role.BUYER: ("act_as_buyer",),
    Role.MODERATOR: ("moderate",),
}


def role_group_name(role: str) -> str:
    return f"{GROUP_PREFIX}{Role(role).value}"
