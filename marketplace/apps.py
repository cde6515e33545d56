from celery.signals import task_success
from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    label = "fm_marketplace"  # prefixed so it never clashes with a host site's app
    verbose_name = _("Face market")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from marketplace import checks, conf  # noqa: F401  (registers the system checks and settings)
        from marketplace.domain_events import domain_handlers_register
        from marketplace.links import links_register
        from marketplace.privacy.services import privacy_handlers_register
        from marketplace.purchases.payment_events import payment_handlers_register
        from marketplace.purchases.quote_events import quote_handlers_register
        from marketplace.services import role_groups_sync

        payment_handlers_register()
        quote_handlers_register()
        domain_handlers_register()
        privacy_handlers_register()
        links_register()
        if self.apps.is_installed("django.contrib.admin"):  # autodiscover imports marketplace.admin only
            from marketplace.webhooks import admin as _webhooks_admin  # noqa: F401

        # Like django.contrib.auth's create_permissions: keep the role groups in step with the code.
        post_migrate.connect(_sync_roles_after_migrate, sender=self, dispatch_uid="fm_role_groups_sync")
        self._role_groups_sync = role_groups_sync
        # Celery's own signal (not one between our apps): every successful periodic run is recorded,
        # wherever it ran (worker, beat, inline, face_market_schedule), so /healthz sees a stopped schedule
        task_success.connect(_record_periodic_run, dispatch_uid="fm_schedule_run_record")


def _record_periodic_run(sender=None, **kwargs) -> None:
    from marketplace.embedding.schedule import PERIODIC_TASK_NAMES

    if getattr(sender, "name", None) in PERIODIC_TASK_NAMES:
        from marketplace.embedding.runs import schedule_run_record

        schedule_run_record(task_name=sender.name)


def _sync_roles_after_migrate(sender, using="default", **kwargs) -> None:
    sender._role_groups_sync(using=using)
