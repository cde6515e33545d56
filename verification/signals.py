"""Receivers inside the verification app (never between our apps: see DESIGN.md)."""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import FaceIndexVersion, FaceTemplate


@receiver(post_delete, sender=FaceTemplate, dispatch_uid="fm_verification_template_deleted")
def template_deleted(sender, instance, **kwargs) -> None:
    """A template deleted by a cascade (a user account deleted) must leave every process's exact index."""
    FaceIndexVersion.bump()
