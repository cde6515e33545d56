"""In-app notifications: one row per event that asks someone to act (also sent by email)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message to one user. ``kind`` is a stable code (for filtering and tests); ``text`` is for people."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fm_notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    text = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=500, blank=True)
    emailed = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="fm_notification_unread")]

    def __str__(self) -> str:
        return f"{self.kind} -> {self.user_id}"
