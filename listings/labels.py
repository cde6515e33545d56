"""Words for codes: every scope, terms and tier code a person can see, as a translated label.

One place turns the codes of ``listings.vocabulary`` (what licences, quotes and reports store) into
the labels people read, so the licence, the checkout review, the usage report and the quote pages
all say the same thing in the same language. Templates reach it through ``{% load listing_words %}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models.terms_fields import DEFAULT_AI_LABEL
from .vocabulary import (
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

#: vocabulary name -> its choices (what ``code_label`` and the template filters take)
VOCABULARIES = {
    "use_category": UseCategory,
    "medium": Medium,
    "territory": Territory,
    "exclusivity": Exclusivity,
    "reach_band": ReachBand,
    "monetisation": Monetisation,
    "sensitive_use": SensitiveUse,
    "red_line": RedLine,
    "approval_mode": ApprovalMode,
    "language": Language,
}

#: tier slugs seeded by the migrations -> their translated names (a staff-made tier keeps its own name)
TIER_NAMES = {
    "extra": gettext_lazy("Extra"),
    "featured": gettext_lazy("Featured"),
    "supporting": gettext_lazy("Supporting"),
    "lead": gettext_lazy("Lead"),
    "star": gettext_lazy("Star"),
}

#: seeded tier slugs -> translated descriptions (the tiers page and the seller's form)
TIER_DESCRIPTIONS = {
    "extra": gettext_lazy("Background roles: crowds, passers-by, a face in the scene."),
    "featured": gettext_lazy("Recognisable in a scene, a line or two."),
    "supporting": gettext_lazy("A named supporting character across episodes."),
    "lead": gettext_lazy("A lead role: the face the production is built around."),
    "star": gettext_lazy("Priced by the production's reach and monetisation: ask the seller."),
}

#: seeded licence-terms template slugs -> (translated name, translated description)
TEMPLATE_WORDS = {
    "extra-short-drama": (
        gettext_lazy("Background extra in short dramas"),
        gettext_lazy("Any short-drama genre in mainland China, pre-approved, never exclusive."),
    ),
    "featured-drama-social": (
        gettext_lazy("Featured in dramas and social posts"),
        gettext_lazy("Dramas and social posts in Greater China; each use approved by the seller."),
    ),
    "lead-drama-advertising": (
        gettext_lazy("Lead in dramas, advertising and games"),
        gettext_lazy("Every category, worldwide, exclusivity available; each use approved by the seller."),
    ),
}

#: scope keys in display order -> (row label, vocabulary or None)
SCOPE_ROWS = (
    ("use_categories", gettext_lazy("Use categories"), "use_category"),
    ("media", gettext_lazy("Media"), "medium"),
    ("territories", gettext_lazy("Territories"), "territory"),
    ("duration_months", gettext_lazy("Duration"), None),
    ("reach_band", gettext_lazy("Projected views"), "reach_band"),
    ("monetisation", gettext_lazy("Monetisation"), "monetisation"),
    ("exclusivity", gettext_lazy("Exclusivity"), "exclusivity"),
    ("sensitive_uses", gettext_lazy("Sensitive uses"), "sensitive_use"),
    ("ai_training", gettext_lazy("AI training or fine-tuning"), None),
)


def list_separator() -> str:
    # Chinese lists use the enumeration comma; other languages a comma and a space
    return _(", ")


def code_label(vocabulary: str, code: Any) -> str:
    """The translated label of one code; an unknown code (a retired value) reads as itself."""
    choices = VOCABULARIES[vocabulary]
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code)


def codes_label(vocabulary: str, codes: Iterable[Any] | None, *, empty: str | None = None) -> str:
    labels = [code_label(vocabulary, code) for code in (codes or [])]
    if not labels:
        return _("none") if empty is None else empty
    return list_separator().join(labels)


def months_label(months: Any) -> str:
    try:
        count = int(months)
    except (TypeError, ValueError):
        return str(months)
    return ngettext("%(n)d month", "%(n)d months", count) % {"n": count}


def yes_no(value: Any) -> str:
    return _("Yes") if value else _("No")


def scope_rows(scope: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """(label, value) rows of a licence or quote scope, every code in words."""
    scope = scope or {}
    rows = []
    for key, label, vocabulary in SCOPE_ROWS:
        if key not in scope:
            continue
        value = scope[key]
        if key == "duration_months":
            text = months_label(value)
        elif key == "ai_training":
            text = _("Allowed") if value else _("Not allowed")
        elif isinstance(value, (list, tuple)):
            text = codes_label(vocabulary, value)
        else:
            text = code_label(vocabulary, value)
        rows.append((str(label), text))
    return rows


def tier_name(tier) -> str:
    if tier is None:
        return ""
    return str(TIER_NAMES.get(getattr(tier, "slug", ""), getattr(tier, "name", "")))


def tier_description(tier) -> str:
    if tier is None:
        return ""
    return str(TIER_DESCRIPTIONS.get(getattr(tier, "slug", ""), getattr(tier, "description", "")))


def terms_template_name(template) -> str:
    words = TEMPLATE_WORDS.get(getattr(template, "slug", ""))
    return str(words[0]) if words else getattr(template, "name", "")


def terms_template_description(template) -> str:
    words = TEMPLATE_WORDS.get(getattr(template, "slug", ""))
    return str(words[1]) if words else getattr(template, "description", "")


def ai_label_text(text: str) -> str:
    """The default AI-content label, in the reader's language; a seller's own wording as written."""
    if (text or "").strip() == DEFAULT_AI_LABEL:
        return _(
            "This video contains an AI-generated likeness of a real person, used under licence "
            "from Face Licence Market."
        )
    return text


def date_label(value) -> str:
    return date_format(value, "DATE_FORMAT") if value else ""
