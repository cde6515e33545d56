from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "verification"
    label = "fm_verification"  # prefixed so it never clashes with a host site's app
    verbose_name = _("Face market: verification")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, conf, filing, signals  # noqa: F401  (checks, settings and receivers)
