from django.db import models
from django.utils.translation import gettext_lazy as _


class MarketplacePermission(models.Model):
    """Anchor for the marketplace's global permissions (no table: ``managed = False``).

    Role groups carry these; views check them with ``user.has_perm("fm_marketplace.<codename>")``,
    so a host platform can also grant them to its own groups or users.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("act_as_seller", _("Can list their own face and sell licences")),
            ("act_as_buyer", _("Can buy licences and file usage reports")),
            ("moderate", _("Can review flags and take listings down")),
        ]

    def __str__(self) -> str:
        return "marketplace permissions"
