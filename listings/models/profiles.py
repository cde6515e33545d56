"""Seller profiles and their portfolio photos (originals private, previews watermarked)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..state import PreviewStatus
from ..storage import private_storage


class SellerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="fm_seller_profile",
        verbose_name=_("seller"),
    )
    display_name = models.CharField(_("display name"), max_length=80)
    bio = models.TextField(_("short bio"), max_length=600, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    tags = models.JSONField(_("tags (look, age range, style)"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("seller profile")
        verbose_name_plural = _("seller profiles")

    def __str__(self) -> str:
        return self.display_name


class PortfolioPhoto(models.Model):
    """A photo of the seller, checked against their verified face before it is kept."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    profile = models.ForeignKey(SellerProfile, on_delete=models.CASCADE, related_name="photos")
    original = models.FileField(_("original"), storage=private_storage, max_length=200)
    original_content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    match_score = models.FloatField(_("face match score"), help_text=_("From the verification engine."))
    preview = models.FileField(_("watermarked preview"), max_length=200, blank=True)
    preview_status = models.CharField(
        max_length=12, choices=PreviewStatus.choices, default=PreviewStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("portfolio photo")
        verbose_name_plural = _("portfolio photos")

    def __str__(self) -> str:
        return f"photo {self.public_id}"
