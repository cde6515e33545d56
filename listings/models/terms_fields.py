"""The licence-terms fields shared by staff templates and by each listing's terms versions.

Lists and factor tables are JSON documents whose values are codes from ``listings.vocabulary``;
the services validate them (``listings.terms.terms_clean``) before any row is written. Price
factors are integer basis points (10 000 = x1.00) so no float ever touches a price.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..vocabulary import MAX_DURATION_MONTHS, ApprovalMode

DEFAULT_AI_LABEL = (
    "This video contains an AI-generated likeness of a real person, used under licence "
    "from Face Licence Market."
)


class TermsFields(models.Model):
    use_categories = models.JSONField(_("allowed use categories"), default=list)
    territories = models.JSONField(_("territories"), default=list)
    max_duration_months = models.PositiveSmallIntegerField(
        _("longest licence (months)"), default=MAX_DURATION_MONTHS
    )
    media_factors_bps = models.JSONField(_("media offered, with price factors (bps)"), default=dict)
    additional_medium_bps = models.PositiveIntegerField(
        _("extra factor for each further medium (bps)"), default=2_500
    )
    reach_factors_bps = models.JSONField(_("reach bands offered, with price factors (bps)"), default=dict)
    monetisation_factors_bps = models.JSONField(
        _("monetisation offered, with price factors (bps)"), default=dict
    )
    exclusivity_factors_bps = models.JSONField(
        _("exclusivity offered, with price factors (bps)"), default=dict
    )
    approval_mode = models.CharField(
        _("approval of each use"), max_length=16, choices=ApprovalMode.choices, default=ApprovalMode.PER_USE
    )
    sensitive_uses_allowed = models.JSONField(_("sensitive uses opted into"), default=list, blank=True)
    #: codes from ``RedLine``: roles and themes the face is never used in, whatever else is licensed
    red_lines = models.JSONField(_("red lines (roles and themes never allowed)"), default=list, blank=True)
    ai_training_allowed = models.BooleanField(
        _("AI training or fine-tuning on the face allowed"), default=False
    )
    ai_label_text = models.TextField(_("AI-content label the buyer must show"), default=DEFAULT_AI_LABEL)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(max_duration_months__gte=1, max_duration_months__lte=MAX_DURATION_MONTHS),
                name="%(app_label)s_%(class)s_duration_1_12",
            ),
        ]

    # the field names a terms document is made of, in display order
    TERMS_FIELD_NAMES = (
        "use_categories",
        "territories",
        "max_duration_months",
        "media_factors_bps",
        "additional_medium_bps",
        "reach_factors_bps",
        "monetisation_factors_bps",
        "exclusivity_factors_bps",
        "approval_mode",
        "sensitive_uses_allowed",
        "red_lines",
        "ai_training_allowed",
        "ai_label_text",
    )

    def terms_document(self) -> dict:
        """The terms as a plain dict (what a new version is created from)."""
        return {name: getattr(self, name) for name in self.TERMS_FIELD_NAMES}
