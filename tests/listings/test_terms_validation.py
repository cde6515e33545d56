"""Bad terms and bad scopes are refused with clear, field-keyed errors (pure validation, no database)."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from listings.models.terms_fields import DEFAULT_AI_LABEL
from listings.terms import scope_clean, terms_clean

GOOD_TERMS = {
    "use_categories": ["drama_romance", "advertising"],
    "territories": ["CN", "HK"],
    "max_duration_months": 6,
    "media_factors_bps": {"short_video_app": 10_000, "streaming": 12_500},
    "additional_medium_bps": 2_500,
    "reach_factors_bps": {"up_to_100k": 10_000, "up_to_1m": 15_000},
    "monetisation_factors_bps": {"free": 10_000, "paid": 15_000},
    "exclusivity_factors_bps": {"none": 10_000, "category": 20_000},
    "approval_mode": "per_use",
    "sensitive_uses_allowed": [],
    "ai_training_allowed": False,
    "ai_label_text": DEFAULT_AI_LABEL,
}
GOOD_SCOPE = {
    "use_categories": ["drama_romance"],
    "media": ["streaming"],
    "territories": ["CN"],
    "duration_months": 6,
    "reach_band": "up_to_1m",
    "monetisation": "paid",
    "exclusivity": "none",
}


def errors_of(call, *args) -> dict:
    with pytest.raises(ValidationError) as info:
        call(*args)
    return info.value.message_dict


def test_good_terms_are_normalised():
    clean = terms_clean({**GOOD_TERMS, "use_categories": ["advertising", "drama_romance", "advertising"]})
    assert clean["use_categories"] == ["drama_romance", "advertising"]  # vocabulary order, no duplicates
    assert clean["max_duration_months"] == 6


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("max_duration_months", 0, "from 1 to 12"),
        ("max_duration_months", 13, "never perpetual"),
        ("max_duration_months", "12", "whole number"),
        ("max_duration_months", None, "from 1 to 12"),
        ("use_categories", ["drama_romance", "war_propaganda"], "Unknown: war_propaganda"),
        ("use_categories", [], "at least one"),
        ("use_categories", "drama_romance", "list"),
        ("territories", ["MARS"], "Unknown: MARS"),
        ("media_factors_bps", {"streaming": -5_000}, "basis points"),
        ("media_factors_bps", {"streaming": 1.5}, "basis points"),
        ("media_factors_bps", {}, "at least one"),
        ("reach_factors_bps", {"a_billion": 10_000}, "Unknown"),
        ("exclusivity_factors_bps", {"forever": 10_000}, "Unknown"),
        ("additional_medium_bps", -1, "basis points"),
        ("approval_mode", "whatever", "Unknown approval mode"),
        ("sensitive_uses_allowed", ["weapons"], "Unknown: weapons"),
        ("ai_training_allowed", "yes", "yes or no"),
        ("ai_label_text", "   ", "label"),
    ],
)
def test_bad_terms_name_the_field_and_the_problem(field, value, message):
    errors = errors_of(terms_clean, {**GOOD_TERMS, field: value})
    assert list(errors) == [field]
    assert message.lower() in " ".join(errors[field]).lower()


def terms_obj(**overrides):
    return SimpleNamespace(**{**terms_clean(GOOD_TERMS), **overrides})


def test_a_scope_within_the_terms_is_accepted():
    clean = scope_clean(GOOD_SCOPE, terms_obj())
    assert clean.duration_months == 6 and clean.media == ("streaming",) and not clean.ai_training


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("duration_months", 0, "from 1 to 6"),
        ("duration_months", 13, "from 1 to 6"),
        ("duration_months", 7, "from 1 to 6"),  # longer than these terms allow
        ("use_categories", ["games"], "Not allowed by these licence terms: games"),
        ("use_categories", ["space_opera"], "Unknown: space_opera"),
        ("media", ["cinema"], "Not allowed"),
        ("territories", ["EU"], "Not allowed"),
        ("reach_band", "over_100m", "Not offered"),
        ("reach_band", "lots", "Unknown option"),
        ("monetisation", "ad_supported", "Not offered"),
        ("exclusivity", "full", "Not offered"),
        ("sensitive_uses", ["political"], "Not allowed by these licence terms: political"),
        ("ai_training", True, "forbid AI training"),
    ],
)
def test_a_scope_outside_the_terms_is_refused(field, value, message):
    errors = errors_of(scope_clean, {**GOOD_SCOPE, field: value}, terms_obj())
    assert field in errors
    assert message.lower() in " ".join(errors[field]).lower()


def test_sensitive_uses_and_ai_training_need_an_explicit_opt_in():
    terms = terms_obj(sensitive_uses_allowed=["medical"], ai_training_allowed=True)
    clean = scope_clean({**GOOD_SCOPE, "sensitive_uses": ["medical"], "ai_training": True}, terms)
    assert clean.sensitive_uses == ("medical",) and clean.ai_training
    errors = errors_of(scope_clean, {**GOOD_SCOPE, "sensitive_uses": ["medical", "adult"]}, terms)
    assert "adult" in errors["sensitive_uses"][0]


def test_a_scope_that_is_not_an_object_is_refused():
    with pytest.raises(ValidationError):
        scope_clean(["drama"], terms_obj())
