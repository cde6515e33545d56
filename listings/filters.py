"""The catalogue's filter set: one validation path for the API (django-filter) and the pages.

Fields only parse and validate; the query itself is built by the selector
``catalogue_search_filter`` so pages, API and benchmark run the very same SQL.
"""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kernel.money import Money

from .models import Listing, Tier
from .selectors.catalogue import CatalogueFilters, Sort, catalogue_search_filter
from .vocabulary import Language, UseCategory

SORT_CHOICES = (
    (Sort.NEWEST, _("Newest")),
    (Sort.PRICE, _("Price: low to high")),
    (Sort.PRICE_DESC, _("Price: high to low")),
    (Sort.POPULAR, _("Most popular")),
)
MAX_TAG_FILTERS = 10


def _minor(value: Decimal | None, currency: str) -> int | None:
    if value is None:
        return None
    return Money.from_major(value.quantize(Decimal("0.01")), currency).amount


class CatalogueFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), max_length=200, method="_unused")
    tier = django_filters.ModelMultipleChoiceFilter(
        label=_("Tier"),
        queryset=Tier.objects.filter(is_active=True),
        to_field_name="slug",
        method="_unused",
        widget=forms.CheckboxSelectMultiple,
    )
    price_min = django_filters.NumberFilter(
        label=_("Lowest annual price (CNY)"), min_value=0, max_digits=12, decimal_places=2, method="_unused"
    )
    price_max = django_filters.NumberFilter(
        label=_("Highest annual price (CNY)"), min_value=0, max_digits=12, decimal_places=2, method="_unused"
    )
    tags = django_filters.CharFilter(
        label=_("Tags (comma-separated, all of)"), max_length=300, method="_unused"
    )
    languages = django_filters.MultipleChoiceFilter(
        label=_("Languages (any of)"),
        choices=Language.choices,
        method="_unused",
        widget=forms.CheckboxSelectMultiple,
    )
    use_categories = django_filters.MultipleChoiceFilter(
        label=_("Allowed uses (all of)"),
        choices=UseCategory.choices,
        method="_unused",
        widget=forms.CheckboxSelectMultiple,
    )
    exclusivity_available = django_filters.BooleanFilter(
        label=_("Exclusivity available"),
        method="_unused",
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )
    verified_from = django_filters.DateFilter(label=_("Face verified on or after"), method="_unused")
    verified_until = django_filters.DateFilter(label=_("Face verified on or before"), method="_unused")
    sort = django_filters.ChoiceFilter(
        label=_("Sort"), choices=SORT_CHOICES, empty_label=None, method="_unused"
    )

    class Meta:
        model = Listing
        fields: list[str] = []

    def _unused(self, queryset, name, value):  # pragma: no cover - filter_queryset does the work
        return queryset

    def catalogue_filters(self, currency: str = "") -> CatalogueFilters:
        data = self.form.cleaned_data
        tags = [t.strip().lower() for t in (data.get("tags") or "").split(",") if t.strip()]
        return CatalogueFilters(
            q=data.get("q") or "",
            tiers=tuple(tier.slug for tier in data.get("tier") or ()),
            price_min_minor=_minor(data.get("price_min"), currency),
            price_max_minor=_minor(data.get("price_max"), currency),
            tags=tuple(dict.fromkeys(tags))[:MAX_TAG_FILTERS],
            languages=tuple(data.get("languages") or ()),
            use_categories=tuple(data.get("use_categories") or ()),
            exclusivity_available=data.get("exclusivity_available"),
            verified_from=data.get("verified_from"),
            verified_until=data.get("verified_until"),
            sort=data.get("sort") or Sort.NEWEST,
        )

    def label_counts(self, counts: dict[str, dict[str, int]]) -> None:
        """Show how many published listings each tier, language and allowed use has (for the page)."""

        def with_count(label, count: int) -> str:
            return ngettext("%(label)s (%(count)s listing)", "%(label)s (%(count)s listings)", count) % {
                "label": label,
                "count": number_format(count, force_grouping=True),
            }

        fields = self.form.fields
        tiers = counts.get("tier", {})
        fields["tier"].label_from_instance = lambda tier: with_count(tier.name, tiers.get(tier.slug, 0))
        for name, kind in (("languages", "language"), ("use_categories", "category")):
            of_kind = counts.get(kind, {})
            fields[name].choices = [
                (code, with_count(label, of_kind.get(code, 0))) for code, label in fields[name].choices
            ]

    def filter_queryset(self, queryset):
        return catalogue_search_filter(queryset, self.catalogue_filters())
