"""The price quote, table-driven and to the fen: base x duration x reach x monetisation x exclusivity x media.

Every expected amount below was worked out by hand: each line applies one factor to the line before
and rounds once, half up, to the fen.
"""

from decimal import ROUND_HALF_UP

import pytest

from kernel.money import Money
from listings.quotes import PriceFactors, QuoteScope, format_factor, media_factor_bps, price_quote

# the factor tables of the seeded "extra" and "lead" terms templates (migration 0003)
EXTRA = PriceFactors(
    media_bps={"short_video_app": 10_000, "streaming": 12_000},
    additional_medium_bps=2_500,
    reach_bps={"up_to_100k": 10_000, "up_to_1m": 12_500, "up_to_10m": 15_000},
    monetisation_bps={"free": 10_000, "ad_supported": 12_000, "paid": 15_000},
    exclusivity_bps={"none": 10_000},
)
LEAD = PriceFactors(
    media_bps={
        "short_video_app": 10_000,
        "streaming": 12_500,
        "television": 15_000,
        "cinema": 20_000,
        "online_ads": 15_000,
        "outdoor_print": 17_500,
        "in_game": 12_500,
    },
    additional_medium_bps=2_500,
    reach_bps={
        "up_to_100k": 10_000,
        "up_to_1m": 15_000,
        "up_to_10m": 20_000,
        "up_to_100m": 30_000,
        "over_100m": 50_000,
    },
    monetisation_bps={"free": 10_000, "ad_supported": 12_000, "paid": 15_000},
    exclusivity_bps={"none": 10_000, "category": 20_000, "full": 40_000},
)


def scope(months, reach, money, exclusivity, *media) -> QuoteScope:
    return QuoteScope(
        use_categories=("drama_romance",),
        media=tuple(media),
        territories=("CN",),
        duration_months=months,
        reach_band=reach,
        monetisation=money,
        exclusivity=exclusivity,
    )


CASES = [
    # id, base fen, factors, scope, running amounts after duration, reach, monetisation, exclusivity, media
    (
        "extra-year-plain",
        10_000,
        EXTRA,
        scope(12, "up_to_100k", "free", "none", "short_video_app"),
        [10_000, 10_000, 10_000, 10_000, 10_000],
    ),
    (
        "extra-half-year",
        10_000,
        EXTRA,
        scope(6, "up_to_1m", "ad_supported", "none", "streaming"),
        [5_000, 6_250, 7_500, 7_500, 9_000],
    ),
    (
        "extra-one-month-two-media",
        10_000,
        EXTRA,
        scope(1, "up_to_10m", "paid", "none", "short_video_app", "streaming"),
        [833, 1_250, 1_875, 1_875, 2_719],
    ),  # 833.33 -> 833; 1249.5 -> 1250 (half up); x1.45 = 2718.75 -> 2719
    (
        "lead-full-exclusive-cinema",
        1_234_567,
        LEAD,
        scope(7, "over_100m", "paid", "full", "cinema"),
        [720_164, 3_600_820, 5_401_230, 21_604_920, 43_209_840],
    ),
    (
        "lead-category-three-media",
        1_200_000,
        LEAD,
        scope(3, "up_to_1m", "ad_supported", "category", "television", "streaming", "online_ads"),
        [300_000, 450_000, 540_000, 1_080_000, 2_160_000],
    ),  # media: 1.50 + 2 x 0.25 = x2.00
    (
        "tie-rounds-half-up",
        10_001,
        EXTRA,
        scope(6, "up_to_100k", "free", "none", "short_video_app"),
        [5_001, 5_001, 5_001, 5_001, 5_001],
    ),  # 5000.5 -> 5001 (half-even would give 5000)
]


@pytest.mark.parametrize(
    ("base", "factors", "the_scope", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_quote_lines_to_the_fen(base, factors, the_scope, expected):
    quote = price_quote(annual_price=Money(base, "CNY"), factors=factors, scope=the_scope)
    assert [line.code for line in quote.lines] == [
        "base",
        "duration",
        "reach",
        "monetisation",
        "exclusivity",
        "media",
    ]
    assert [line.amount.amount for line in quote.lines] == [base, *expected]
    assert quote.total == Money(expected[-1], "CNY")
    assert quote.rounding == ROUND_HALF_UP
    assert all(isinstance(line.amount.amount, int) for line in quote.lines)


def test_quote_is_deterministic_and_explained():
    the_scope = scope(5, "up_to_10m", "paid", "category", "cinema", "in_game")
    first = price_quote(annual_price=Money(987_654), factors=LEAD, scope=the_scope)
    again = price_quote(annual_price=Money(987_654), factors=LEAD, scope=the_scope)
    assert first == again
    factors = {line.code: line.factor for line in first.lines}
    assert factors == {
        "base": "",
        "duration": "5/12",
        "reach": "x2.00",
        "monetisation": "x1.50",
        "exclusivity": "x2.00",
        "media": "x2.25",
    }
    labels = {line.code: line.label for line in first.lines}
    assert labels["duration"] == "Duration: 5 of 12 months"
    assert "Cinema" in labels["media"] and "In-game" in labels["media"]


def test_quote_keeps_the_currency():
    quote = price_quote(
        annual_price=Money(120_000, "USD"),
        factors=EXTRA,
        scope=scope(12, "up_to_100k", "free", "none", "short_video_app"),
    )
    assert quote.total.currency == "USD"


@pytest.mark.parametrize(
    ("bps", "shown"),
    [
        (10_000, "x1.00"),
        (12_500, "x1.25"),
        (33_333, "x3.3333"),
        (1_000, "x0.10"),
        (1_000_000, "x100.00"),
        (10_050, "x1.005"),
    ],
)
def test_factor_display_is_exact(bps, shown):
    assert format_factor(bps) == shown


def test_media_factor_is_the_highest_plus_each_further_medium():
    assert media_factor_bps(("cinema",), LEAD) == 20_000
    assert media_factor_bps(("short_video_app", "cinema"), LEAD) == 22_500
    assert media_factor_bps(("short_video_app", "streaming", "in_game"), LEAD) == 17_500


def test_a_scope_with_an_option_the_factors_lack_fails_loudly():
    with pytest.raises(KeyError):
        price_quote(
            annual_price=Money(10_000),
            factors=EXTRA,
            scope=scope(12, "over_100m", "free", "none", "short_video_app"),
        )
