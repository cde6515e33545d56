"""Notifications: an in-app row and (after commit) an email, for every event that asks someone to act.

Other areas (moderation too) call :func:`notify`; :func:`notify_moderators` reaches every moderator.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kernel.atomic import atomic_join
from kernel.roles import PERMISSION_APP_LABEL, ROLE_PERMISSIONS, Role, role_group_name
from marketplace.models import Notification

logger = logging.getLogger(__name__)

#: first line of the email, cut to this many characters
SUBJECT_MAX = 120


def _email_after_commit(notification: Notification) -> None:
    """Send once the row is committed: a rolled-back event never emails anyone."""
    address = getattr(notification.user, "email", "")
    if not address:
        return

    def send() -> None:
        try:
            send_mail(
                subject=f"[Face market] {notification.text.splitlines()[0][:SUBJECT_MAX]}",
                message=notification.text + (f"\n\n{notification.link}" if notification.link else ""),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[address],
            )
        except Exception:  # an email failure must not undo the event; the in-app row remains
            logger.exception("notification email %s failed", notification.pk)
            return
        Notification.objects.filter(pk=notification.pk).update(emailed=True)

    transaction.on_commit(send)


@atomic_join
def notify(*, user, kind: str, message: str, link: str = "", email: bool = True) -> Notification:
    """Tell ``user`` something to act on: an in-app notification, and an email unless ``email=False``."""
    notification = Notification.objects.create(user=user, kind=kind[:40], text=str(message), link=link[:500])
    if email:
        _email_after_commit(notification)
    return notification


def moderators():
    """Active users acting as moderators (through the role's group or a direct permission)."""
    codename = ROLE_PERMISSIONS[Role.MODERATOR][0]
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(groups__name=role_group_name(Role.MODERATOR))
            | Q(
                user_permissions__codename=codename,
                user_permissions__content_type__app_label=PERMISSION_APP_LABEL,
            )
            | Q(is_superuser=True)
        )
        .distinct()
    )


def notify_moderators(*, kind: str, message: str, link: str = "", email: bool = True) -> list[Notification]:
    return [notify(user=user, kind=kind, message=message, link=link, email=email) for user in moderators()]


def notification_mark_read(*, user, notification_id: int | None = None, now=None) -> int:
    """Mark one (or, with no id, all) of the user's unread notifications read; returns how many."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=now or timezone.now())
