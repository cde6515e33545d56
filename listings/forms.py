"""Page forms: they parse what people type (yuan, factors like 1.25) into what services take
(minor units, basis points). Whether the values make sense is the services' call."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.money import Money

from .models import LicenceTermsTemplate, PortfolioPhoto, Tier
from .vocabulary import (
    FACTOR_ONE_BPS,
    MAX_DURATION_MONTHS,
    ApprovalMode,
    Exclusivity,
    Language,
    Medium,
    Monetisation,
    ReachBand,
    RedLine,
    SensitiveUse,
    Territory,
    UseCategory,
)

CHECKBOXES = forms.CheckboxSelectMultiple
DURATION_CHOICES = [(n, str(n)) for n in range(1, MAX_DURATION_MONTHS + 1)]
FACTOR_GROUPS = (
    ("media", _("Media offered and their price factors"), Medium),
    ("reach", _("Reach bands offered (projected views)"), ReachBand),
    ("monetisation", _("Monetisation offered"), Monetisation),
    ("exclusivity", _("Exclusivity offered"), Exclusivity),
)
FACTOR_FIELD = {
    "media": "media_factors_bps",
    "reach": "reach_factors_bps",
    "monetisation": "monetisation_factors_bps",
    "exclusivity": "exclusivity_factors_bps",
}


def yuan_to_minor(value: Decimal | None, currency: str = "") -> int | None:
    return None if value is None else Money.from_major(value, currency).amount


def minor_to_yuan(value: int | None, currency: str = "") -> Decimal | None:
    return None if value is None else Money(value, currency).to_decimal()


def factor_field(label: str) -> forms.DecimalField:
    # no min/max here: out-of-range factors get the services' own explanation
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=8,
        decimal_places=4,
        widget=forms.NumberInput(attrs={"step": "0.05", "class": "factor"}),
    )


class ListingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    tier = forms.ModelChoiceField(
        label=_("Tier"), queryset=Tier.objects.filter(is_active=True), empty_label=None
    )
    annual_price = forms.DecimalField(
        label=_("Annual price (CNY)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text=_("Leave empty for the Star tier: buyers ask, you quote."),
    )
    cover_photo = forms.ModelChoiceField(
        label=_("Cover photo"),
        queryset=PortfolioPhoto.objects.none(),
        required=False,
        to_field_name="public_id",
    )
    template = forms.ModelChoiceField(
        label=_("Start from licence terms"),
        required=False,
        queryset=LicenceTermsTemplate.objects.filter(is_active=True),
    )

    def __init__(self, *args, seller, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cover_photo"].queryset = PortfolioPhoto.objects.filter(profile__user=seller)
        if creating:
            self.fields["template"].required = True
        else:
            del self.fields["template"]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data.get("description", ""),
            "tier": data["tier"],
            "annual_price_minor": yuan_to_minor(data.get("annual_price")),
            "cover_photo": data.get("cover_photo"),
        }


class TermsForm(forms.Form):
    use_categories = forms.MultipleChoiceField(
        label=_("Allowed use categories"), choices=UseCategory.choices, widget=CHECKBOXES, required=False
    )
    territories = forms.MultipleChoiceField(
        label=_("Territories"), choices=Territory.choices, widget=CHECKBOXES, required=False
    )
    max_duration_months = forms.TypedChoiceField(
        label=_("Longest licence (months, never perpetual)"), choices=DURATION_CHOICES, coerce=int
    )
    additional_medium = factor_field(_("Extra factor for each further medium"))
    approval_mode = forms.ChoiceField(
        label=_("Approval"), choices=ApprovalMode.choices, widget=forms.RadioSelect
    )
    sensitive_uses_allowed = forms.MultipleChoiceField(
        label=_("Sensitive uses I opt into (each one is off unless ticked)"),
        choices=SensitiveUse.choices,
        widget=CHECKBOXES,
        required=False,
    )
    red_lines = forms.MultipleChoiceField(
        label=_("My red lines: roles and themes my face is never used in"),
        choices=RedLine.choices,
        widget=CHECKBOXES,
        required=False,
    )
    ai_training_allowed = forms.BooleanField(
        label=_("Allow AI training or fine-tuning on my face"), required=False
    )
    ai_label_text = forms.CharField(
        label=_("AI-content label the buyer must show"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    change_note = forms.CharField(label=_("What changed"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for prefix, _title, choices in FACTOR_GROUPS:
            for code, label in choices.choices:
                self.fields[f"{prefix}__{code}"] = factor_field(label)

    def factor_groups(self) -> list[tuple[str, list]]:
        return [
            (title, [self[f"{prefix}__{code}"] for code in choices.values])
            for prefix, title, choices in FACTOR_GROUPS
        ]

    @classmethod
    def initial_from(cls, document: dict) -> dict:
        initial = {
            name: document.get(name)
            for name in (
                "use_categories",
                "territories",
                "max_duration_months",
                "approval_mode",
                "sensitive_uses_allowed",
                "red_lines",
                "ai_training_allowed",
                "ai_label_text",
            )
        }
        initial["additional_medium"] = Decimal(document.get("additional_medium_bps", 0)) / FACTOR_ONE_BPS
        for prefix, field in FACTOR_FIELD.items():
            for code, bps in (document.get(field) or {}).items():
                initial[f"{prefix}__{code}"] = Decimal(bps) / FACTOR_ONE_BPS
        return initial

    def terms_document(self) -> dict:
        data = self.cleaned_data
        document = {
            name: data.get(name)
            for name in (
                "use_categories",
                "territories",
                "max_duration_months",
                "approval_mode",
                "sensitive_uses_allowed",
                "red_lines",
                "ai_training_allowed",
                "ai_label_text",
            )
        }
        document["additional_medium_bps"] = int((data.get("additional_medium") or 0) * FACTOR_ONE_BPS)
        for prefix, field in FACTOR_FIELD.items():
            document[field] = {
                name.split("__", 1)[1]: int(value * FACTOR_ONE_BPS)
                for name, value in data.items()
                if name.startswith(f"{prefix}__") and value is not None
            }
        return document


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=80)
    bio = forms.CharField(label=_("Short bio"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=Language.choices, widget=CHECKBOXES, required=False
    )
    tags = forms.CharField(
        label=_("Tags: look, age range, style (comma-separated)"), required=False, max_length=500
    )


class PhotoUploadForm(forms.Form):
    image = forms.FileField(label=_("Portfolio photo (must show your verified face)"))


class QuoteAnswerForm(forms.Form):
    amount = forms.DecimalField(label=_("Your price (CNY)"), max_digits=12, decimal_places=2)
    note = forms.CharField(
        label=_("Note to the buyer"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ScopeForm(forms.Form):
    """The buyer's scope on a listing page, limited to what the current terms offer."""

    use_categories = forms.MultipleChoiceField(label=_("Use categories"), widget=CHECKBOXES)
    media = forms.MultipleChoiceField(label=_("Media"), widget=CHECKBOXES)
    territories = forms.MultipleChoiceField(label=_("Territories"), widget=CHECKBOXES)
    duration_months = forms.TypedChoiceField(label=_("Duration (months)"), coerce=int)
    reach_band = forms.ChoiceField(label=_("Projected views"))
    monetisation = forms.ChoiceField(label=_("Monetisation"))
    exclusivity = forms.ChoiceField(label=_("Exclusivity"))
    sensitive_uses = forms.MultipleChoiceField(label=_("Sensitive uses"), widget=CHECKBOXES, required=False)
    ai_training = forms.BooleanField(label=_("AI training or fine-tuning"), required=False)
    message = forms.CharField(
        label=_("Message to the seller (what drama, which shots)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, terms, **kwargs):
        super().__init__(*args, **kwargs)

        def offered(choices, codes):
            return [(code, label) for code, label in choices.choices if code in codes]

        fields = self.fields
        fields["use_categories"].choices = offered(UseCategory, terms.use_categories)
        fields["media"].choices = offered(Medium, terms.media_factors_bps)
        fields["territories"].choices = offered(Territory, terms.territories)
        fields["duration_months"].choices = DURATION_CHOICES[: terms.max_duration_months]
        fields["reach_band"].choices = offered(ReachBand, terms.reach_factors_bps)
        fields["monetisation"].choices = offered(Monetisation, terms.monetisation_factors_bps)
        fields["exclusivity"].choices = offered(Exclusivity, terms.exclusivity_factors_bps)
        fields["sensitive_uses"].choices = offered(SensitiveUse, terms.sensitive_uses_allowed)
        if not terms.sensitive_uses_allowed:
            del fields["sensitive_uses"]
        if not terms.ai_training_allowed:
            del fields["ai_training"]
        if not self.is_bound:  # the narrowest scope: first offered option of each, longest duration

            def first(name):
                choices = fields[name].choices
                return choices[0][0] if choices else None

            self.initial = {
                "use_categories": [first("use_categories")],
                "media": [first("media")],
                "territories": [first("territories")],
                "duration_months": terms.max_duration_months,
                "reach_band": first("reach_band"),
                "monetisation": first("monetisation"),
                "exclusivity": first("exclusivity"),
            }

    def scope(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("message", None)
        return data
