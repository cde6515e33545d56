"""Navigation per role. Entries whose URL is not installed (a host may mount only some apps) are skipped."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .roles import Role

#: (role, label, url name); the first that matches the user's roles are shown, in this order
NAV_ITEMS = [
    (Role.SELLER, _("My verification"), "verification:home"),
    (Role.SELLER, _("My listings"), "listings:dashboard"),
    (Role.SELLER, _("Earnings"), "payouts:earnings"),
    (Role.BUYER, _("Catalogue"), "listings:catalogue"),
    (Role.BUYER, _("My licences"), "marketplace:licences"),
    (Role.MODERATOR, _("Moderation queue"), "marketplace:moderation_queue"),
    (Role.MODERATOR, _("Admin"), "admin:index"),
]


def nav_for_roles(roles: list[str]) -> list[dict]:
    items = []
    for role, label, url_name in NAV_ITEMS:
        if role not in roles:
            continue
        try:
            items.append({"role": role.value, "label": label, "url": reverse(url_name)})
        except NoReverseMatch:
            continue
    return items
