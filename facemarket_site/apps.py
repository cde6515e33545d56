from django.apps import AppConfig


class FaceMarketSiteConfig(AppConfig):
    """The standalone site as an app: its templates (base layout, log-in pages) and its own checks."""

    name = "facemarket_site"
    label = "facemarket_site"
    verbose_name = "Face market site"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the site's security checks)
