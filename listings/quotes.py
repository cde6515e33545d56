"""The price of a licence scope: pure, deterministic, in minor units, explained line by line.

    price = annual price x duration/12 x reach x monetisation x exclusivity x media

Each line applies one factor to the line before it and rounds once, half up, to the minor unit,
so every line a buyer sees is exactly reproducible by hand and the total is the last line. Factors
are integer basis points (10 000 = x1.00), turned into exact ``Fraction``s: no float is involved.

The media factor of a scope is the highest factor among its media plus ``additional_medium_bps``
for each further medium (a wider release costs more, but not the full price again).

This module reads nothing and writes nothing: the selector ``listing_quote`` validates the scope
against a listing's current terms and calls :func:`price_quote`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP
from fractions import Fraction

from django.utils.translation import gettext as _

from kernel.money import Money

from .vocabulary import FACTOR_ONE_BPS, Exclusivity, Medium, Monetisation, ReachBand

QUOTE_ROUNDING = ROUND_HALF_UP
MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class QuoteScope:
    """What the buyer wants to do with the face (already validated against the terms)."""

    use_categories: tuple[str, ...]
    media: tuple[str, ...]
    territories: tuple[str, ...]
    duration_months: int
    reach_band: str
    monetisation: str
    exclusivity: str = Exclusivity.NONE
    sensitive_uses: tuple[str, ...] = ()
    ai_training: bool = False

    def as_dict(self) -> dict:
        return {
            "use_categories": list(self.use_categories),
            "media": list(self.media),
            "territories": list(self.territories),
            "duration_months": self.duration_months,
            "reach_band": self.reach_band,
            "monetisation": self.monetisation,
            "exclusivity": self.exclusivity,
            "sensitive_uses": list(self.sensitive_uses),
            "ai_training": self.ai_training,
        }


@dataclass(frozen=True)
class PriceFactors:
    """The price factors of one terms version, in basis points."""

    media_bps: Mapping[str, int]
    additional_medium_bps: int
    reach_bps: Mapping[str, int]
    monetisation_bps: Mapping[str, int]
    exclusivity_bps: Mapping[str, int]


@dataclass(frozen=True)
class QuoteLine:
    code: str  # base, duration, reach, monetisation, exclusivity, media
    label: str
    factor: str  # exact, as shown: "6/12", "x1.25"
    amount: Money  # the running price after this line


@dataclass(frozen=True)
class Quote:
    lines: tuple[QuoteLine, ...]
    total: Money
    rounding: str = QUOTE_ROUNDING
    notes: tuple[str, ...] = field(default_factory=tuple)


def bps_to_fraction(bps: int) -> Fraction:
    return Fraction(bps, FACTOR_ONE_BPS)


def format_factor(bps: int) -> str:
    """10 000 -> "x1.00", 12 500 -> "x1.25", 33 333 -> "x3.3333" (exact, never rounded)."""
    whole, rest = divmod(bps, FACTOR_ONE_BPS)
    decimals = f"{rest:04d}".rstrip("0").ljust(2, "0")
    return f"x{whole}.{decimals}"


def media_factor_bps(media: tuple[str, ...], factors: PriceFactors) -> int:
    highest = max(factors.media_bps[medium] for medium in media)
    return highest + factors.additional_medium_bps * (len(media) - 1)


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def price_quote(*, annual_price: Money, factors: PriceFactors, scope: QuoteScope) -> Quote:
    """Price a validated scope. Raises ``KeyError`` if the scope uses an option the factors lack."""
    lines: list[QuoteLine] = [QuoteLine("base", _("Annual price"), "", annual_price)]

    def apply(code: str, label: str, factor: Fraction, shown: str) -> None:
        previous = lines[-1].amount
        lines.append(QuoteLine(code, label, shown, previous.scale(factor, QUOTE_ROUNDING)))

    months = scope.duration_months
    apply(
        "duration",
        _("Duration: %(months)s of %(year)s months") % {"months": months, "year": MONTHS_PER_YEAR},
        Fraction(months, MONTHS_PER_YEAR),
        f"{months}/{MONTHS_PER_YEAR}",
    )
    for code, title, choices, value, table in (
        ("reach", _("Reach"), ReachBand, scope.reach_band, factors.reach_bps),
        ("monetisation", _("Monetisation"), Monetisation, scope.monetisation, factors.monetisation_bps),
        ("exclusivity", _("Exclusivity"), Exclusivity, scope.exclusivity, factors.exclusivity_bps),
    ):
        bps = table[value]
        apply(code, f"{title}: {_label(choices, value)}", bps_to_fraction(bps), format_factor(bps))

    media_bps = media_factor_bps(scope.media, factors)
    names = ", ".join(_label(Medium, medium) for medium in scope.media)
    apply("media", f"{_('Media')}: {names}", bps_to_fraction(media_bps), format_factor(media_bps))
    return Quote(lines=tuple(lines), total=lines[-1].amount)
