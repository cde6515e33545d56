"""Navigation per role. Entries whose URL is not installed (a host may mount only some apps) are skipped."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from kernel.roles import Role

#: (role, label, url name); the first that matches the user's roles are shown, in this order
NAV_ITEMS = [
    (Role.SELLER, _("My verification"), "verification:home"),
    (Role.SELLER, _("My listings"), "listings:dashboard"),
    (Role.SELLER, _("Earnings"), "payouts:earnings"),
    (Role.SELLER, _("My cases"), "marketplace:moderation_mine"),
    (Role.SELLER, _("Reports to review"), "marketplace:usage_review"),
    (Role.SELLER, _("Who checked my face"), "marketplace:trust_checks"),
    (Role.BUYER, _("Catalogue"), "listings:catalogue"),
    (Role.BUYER, _("My licences"), "marketplace:licences"),
    (Role.BUYER, _("Usage reports"), "marketplace:usage_reports"),
    (Role.MODERATOR, _("Moderation queue"), "marketplace:moderation_queue"),
    (Role.MODERATOR, _("Audit log"), "marketplace:moderation_audit"),
    (Role.MODERATOR, _("Disputes"), "marketplace:disputes"),
    (Role.MODERATOR, _("Admin"), "admin:index"),
    # every role has notifications (the role model has no "everyone"); shown once, see nav_for_roles
    (Role.SELLER, _("Notifications"), "marketplace:notifications"),
    (Role.BUYER, _("Notifications"), "marketplace:notifications"),
    (Role.MODERATOR, _("Notifications"), "marketplace:notifications"),
]


def nav_for_roles(roles: list[str]) -> list[dict]:
    items = []
    for role, label, url_name in NAV_ITEMS:
        if role not in roles:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        if any(item["url"] == url for item in items):
            continue  # one entry per page for people with several roles (notifications)
        items.append({"role": role.value, "label": label, "url": url})
    return items
