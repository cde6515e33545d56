from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayoutsConfig(AppConfig):
    name = "payouts"
    label = "fm_payouts"  # prefixed so it never clashes with a host site's app
    verbose_name = _("Face market: payouts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, conf  # noqa: F401  (registers the system checks and settings)
