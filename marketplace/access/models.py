"""Per listing, who may buy; buyers' project requests and the seller's decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class AccessMode(models.TextChoices):
    PUBLIC = "public", _("Anyone may buy")
    APPROVED = "approved", _("Only buyers I approve, project by project")
    INVITATION = "invitation", _("Only buyers I invite")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the seller")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class ListingAccess(models.Model):
    """Absent for a listing: anyone may buy (public)."""

    listing = models.OneToOneField("fm_listings.Listing", on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(max_length=12, choices=AccessMode.choices, default=AccessMode.PUBLIC)
    #: days the seller has to answer a project request before the default outcome applies
    decision_days = models.PositiveSmallIntegerField(default=3)
    #: what a request the seller did not answer in time becomes
    default_outcome = models.CharField(
        max_length=12,
        choices=[(RequestStatus.APPROVED, _("Approved")), (RequestStatus.DECLINED, _("Declined"))],
        default=RequestStatus.DECLINED,
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"access of listing {self.listing_id}: {self.mode}"


class ProjectRequest(models.Model):
    """A buyer says what the face is for ("what kind of drama, which shot"); the seller decides."""

    reference = models.CharField(max_length=40, unique=True, editable=False)
    listing = models.ForeignKey("fm_listings.Listing", on_delete=models.CASCADE, related_name="+")
    buyer = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("project title"), max_length=200)
    genre = models.CharField(_("genre"), max_length=100)
    role = models.CharField(_("role the face plays"), max_length=200)
    synopsis = models.TextField(_("synopsis"))
    shots_planned = models.TextField(_("shots planned"))
    invited = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decide_by = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by_default = models.BooleanField(default=False)
    decision_note = models.TextField(blank=True)
    #: the licence this approval is part of (set at checkout); one approval, one licence
    licence_reference = models.CharField(max_length=40, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "decide_by"], name="fm_project_request_due")]

    def __str__(self) -> str:
        return self.reference
