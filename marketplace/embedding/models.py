from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduleRun(models.Model):
    """When each periodic task last finished: how /healthz and a check know the schedule runs."""

    task_name = models.CharField(_("task"), max_length=120, unique=True)
    last_run_at = models.DateTimeField(_("last run"))

    class Meta:
        verbose_name = _("schedule run")
        verbose_name_plural = _("schedule runs")

    def __str__(self) -> str:
        return f"{self.task_name} @ {self.last_run_at:%Y-%m-%d %H:%M:%S}"
