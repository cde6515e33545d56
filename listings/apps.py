from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListingsConfig(AppConfig):
    name = "listings"
    label = "fm_listings"  # prefixed so it never clashes with a host site's app
    verbose_name = _("Face market: listings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, conf  # noqa: F401  (registers the system checks and settings)
