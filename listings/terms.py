"""Validation of licence-terms documents and of quote scopes against them (pure: no queries).

Every error is keyed by field and says what is wrong in words a seller or buyer understands;
the services call these before writing anything, so bad input never half-writes a row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .quotes import PriceFactors, QuoteScope
from .vocabulary import (
    MAX_DURATION_MONTHS,
    RED_LINE_SENSITIVE_USE,
    ApprovalMode,
    Exclusivity,
    Medium,
    Monetisation,
    ReachBand,
    RedLine,
    SensitiveUse,
    Territory,
    UseCategory,
)

#: a price factor between x0.10 and x100.00
FACTOR_MIN_BPS, FACTOR_MAX_BPS = 1_000, 1_000_000
AI_LABEL_MAX_CHARS = 500


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _codes(value: Any, choices, *, field: str, errors: dict, required: bool = True) -> list[str]:
    """A list of codes from ``choices``, de-duplicated and in vocabulary order."""
    if value is None:
        value = []
    if isinstance(value, str) or not isinstance(value, Iterable):
        errors[field] = _("Give a list of codes.")
        return []
    value = list(value)
    unknown = [str(v) for v in value if v not in choices.values]
    if unknown:
        errors[field] = _("Unknown: %(codes)s.") % {"codes": ", ".join(unknown)}
        return []
    if required and not value:
        errors[field] = _("Choose at least one.")
    return [code for code in choices.values if code in value]


def _factors(value: Any, choices, *, field: str, errors: dict) -> dict[str, int]:
    if not isinstance(value, Mapping) or not value:
        errors[field] = _("Offer at least one option, each with a price factor in basis points.")
        return {}
    unknown = [str(k) for k in value if k not in choices.values]
    if unknown:
        errors[field] = _("Unknown: %(codes)s.") % {"codes": ", ".join(unknown)}
        return {}
    bad = [k for k, bps in value.items() if not _is_int(bps) or not FACTOR_MIN_BPS <= bps <= FACTOR_MAX_BPS]
    if bad:
        errors[field] = _(
            "Price factors must be whole basis points from %(lo)s to %(hi)s (x0.10 to x100)."
        ) % {"lo": FACTOR_MIN_BPS, "hi": FACTOR_MAX_BPS}
        return {}
    return {code: value[code] for code in choices.values if code in value}


def _duration(value: Any, *, field: str, errors: dict, longest: int = MAX_DURATION_MONTHS) -> int:
    if not _is_int(value) or not 1 <= value <= longest:
        errors[field] = _(
            "The duration must be a whole number of months from 1 to %(n)s; licences are never perpetual."
        ) % {"n": longest}
        return 0
    return value


def terms_clean(data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a terms document; return it normalised or raise ``ValidationError`` (by field)."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {
        "use_categories": _codes(
            data.get("use_categories"), UseCategory, field="use_categories", errors=errors
        ),
        "territories": _codes(data.get("territories"), Territory, field="territories", errors=errors),
        "max_duration_months": _duration(
            data.get("max_duration_months"), field="max_duration_months", errors=errors
        ),
        "media_factors_bps": _factors(
            data.get("media_factors_bps"), Medium, field="media_factors_bps", errors=errors
        ),
        "reach_factors_bps": _factors(
            data.get("reach_factors_bps"), ReachBand, field="reach_factors_bps", errors=errors
        ),
        "monetisation_factors_bps": _factors(
            data.get("monetisation_factors_bps"),
            Monetisation,
            field="monetisation_factors_bps",
            errors=errors,
        ),
        "exclusivity_factors_bps": _factors(
            data.get("exclusivity_factors_bps"), Exclusivity, field="exclusivity_factors_bps", errors=errors
        ),
        "sensitive_uses_allowed": _codes(
            data.get("sensitive_uses_allowed"),
            SensitiveUse,
            field="sensitive_uses_allowed",
            errors=errors,
            required=False,
        ),
    }
    clean["red_lines"] = _codes(
        data.get("red_lines"), RedLine, field="red_lines", errors=errors, required=False
    )
    both = [
        code
        for code in clean["red_lines"]
        if RED_LINE_SENSITIVE_USE.get(code) in clean["sensitive_uses_allowed"]
    ]
    if both:
        errors["red_lines"] = _("A red line cannot also be a sensitive use you opt into: %(codes)s.") % {
            "codes": ", ".join(str(RedLine(code).label) for code in both)
        }
    extra = data.get("additional_medium_bps", 2_500)
    if not _is_int(extra) or not 0 <= extra <= FACTOR_MAX_BPS:
        errors["additional_medium_bps"] = _("Give whole basis points from 0 to %(hi)s.") % {
            "hi": FACTOR_MAX_BPS
        }
    clean["additional_medium_bps"] = extra
    approval = data.get("approval_mode", ApprovalMode.PER_USE)
    if approval not in ApprovalMode.values:
        errors["approval_mode"] = _("Unknown approval mode %(mode)r.") % {"mode": approval}
    clean["approval_mode"] = approval
    ai_training = data.get("ai_training_allowed", False)
    if not isinstance(ai_training, bool):
        errors["ai_training_allowed"] = _("Say yes or no.")
    clean["ai_training_allowed"] = ai_training
    label = data.get("ai_label_text")
    if not isinstance(label, str) or not label.strip() or len(label) > AI_LABEL_MAX_CHARS:
        errors["ai_label_text"] = _(
            "Give the AI-content label buyers must show (up to %(n)s characters)."
        ) % {"n": AI_LABEL_MAX_CHARS}
    else:
        clean["ai_label_text"] = label.strip()
    if errors:
        raise ValidationError(errors)
    return clean


def terms_price_factors(terms) -> PriceFactors:
    """The price factors of a terms version (or any object with the terms fields)."""
    return PriceFactors(
        media_bps=terms.media_factors_bps,
        additional_medium_bps=terms.additional_medium_bps,
        reach_bps=terms.reach_factors_bps,
        monetisation_bps=terms.monetisation_factors_bps,
        exclusivity_bps=terms.exclusivity_factors_bps,
    )


def _within(
    value: Any, choices, offered: Iterable[str], *, field: str, errors: dict, required: bool = True
) -> tuple[str, ...]:
    codes = _codes(value, choices, field=field, errors=errors, required=required)
    if field in errors:
        return ()
    outside = [code for code in codes if code not in offered]
    if outside:
        errors[field] = _("Not allowed by these licence terms: %(codes)s.") % {"codes": ", ".join(outside)}
    return tuple(codes)


def _one_of(value: Any, choices, offered: Iterable[str], *, field: str, errors: dict) -> str:
    if value not in choices.values:
        errors[field] = _("Unknown option %(value)r.") % {"value": value}
        return ""
    if value not in offered:
        errors[field] = _("Not offered by these licence terms: %(value)s.") % {"value": value}
    return value


def scope_clean(data: Mapping[str, Any], terms) -> QuoteScope:
    """Validate a buyer's scope against a terms version; raise ``ValidationError`` (by field)."""
    if not isinstance(data, Mapping):
        raise ValidationError(_("The scope must be an object."))
    errors: dict[str, str] = {}
    scope = QuoteScope(
        use_categories=_within(
            data.get("use_categories"),
            UseCategory,
            terms.use_categories,
            field="use_categories",
            errors=errors,
        ),
        media=_within(data.get("media"), Medium, terms.media_factors_bps, field="media", errors=errors),
        territories=_within(
            data.get("territories"), Territory, terms.territories, field="territories", errors=errors
        ),
        duration_months=_duration(
            data.get("duration_months"),
            field="duration_months",
            errors=errors,
            longest=terms.max_duration_months,
        ),
        reach_band=_one_of(
            data.get("reach_band"), ReachBand, terms.reach_factors_bps, field="reach_band", errors=errors
        ),
        monetisation=_one_of(
            data.get("monetisation"),
            Monetisation,
            terms.monetisation_factors_bps,
            field="monetisation",
            errors=errors,
        ),
        exclusivity=_one_of(
            data.get("exclusivity", Exclusivity.NONE),
            Exclusivity,
            terms.exclusivity_factors_bps,
            field="exclusivity",
            errors=errors,
        ),
        sensitive_uses=_within(
            data.get("sensitive_uses"),
            SensitiveUse,
            terms.sensitive_uses_allowed,
            field="sensitive_uses",
            errors=errors,
            required=False,
        ),
        ai_training=data.get("ai_training", False) is True,
    )
    if not isinstance(data.get("ai_training", False), bool):
        errors["ai_training"] = _("Say yes or no.")
    elif scope.ai_training and not terms.ai_training_allowed:
        errors["ai_training"] = _("These terms forbid AI training or fine-tuning on this face.")
    if errors:
        raise ValidationError(errors)
    return scope
