from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kernel.money import CurrencyMismatch, Money, UnknownCurrency, money_sum

amounts = st.integers(min_value=-(10**15), max_value=10**15)


def test_from_major_is_exact_and_refuses_sub_fen_precision():
    assert Money.from_major("100", "CNY") == Money(10000, "CNY")
    assert Money.from_major("0.01", "CNY").amount == 1
    assert Money.from_major(Decimal("1234.50"), "CNY").amount == 123450
    assert Money.from_major("500", "JPY").amount == 500
    with pytest.raises(ValueError):
        Money.from_major("0.001", "CNY")
    with pytest.raises(ValueError):
        Money.from_major("1.5", "JPY")
    with pytest.raises(ValueError):
        Money.from_major("NaN", "CNY")
    with pytest.raises(ValueError):
        Money.from_major("abc", "CNY")


def test_floats_are_refused_everywhere():
    with pytest.raises(TypeError):
        Money(1.0, "CNY")
    with pytest.raises(TypeError):
        Money.from_major(1.5, "CNY")
    with pytest.raises(TypeError):
        Money(100) * 1.5
    with pytest.raises(TypeError):
        Money(100).scale(1.5)
    with pytest.raises(TypeError):
        Money(True)


def test_unknown_currency_raises():
    with pytest.raises(UnknownCurrency):
        Money(1, "XXX")


def test_mixing_currencies_raises():
    with pytest.raises(CurrencyMismatch):
        Money(1, "CNY") + Money(1, "USD")
    with pytest.raises(CurrencyMismatch):
        assert Money(1, "CNY") < Money(1, "USD")
    with pytest.raises(TypeError):
        Money(1, "CNY") + 1


@pytest.mark.parametrize(
    ("amount", "factor", "rounding", "expected"),
    [
        (100, "1.5", None, 150),
        (1, "0.5", None, 0),  # half to even: 0.5 -> 0
        (3, "0.5", None, 2),  # 1.5 -> 2
        (5, "0.5", None, 2),  # 2.5 -> 2
        (5, "0.5", ROUND_HALF_UP, 3),
        (-5, "0.5", ROUND_HALF_UP, -3),  # away from zero
        (10000, Fraction(1, 3), None, 3333),
        (20000, Fraction(2, 3), None, 13333),
        (123450, "0.15", None, 18518),  # 18517.5 -> 18518 (even)
    ],
)
def test_scale_rounds_once_as_told(amount, factor, rounding, expected):
    kwargs = {"rounding": rounding} if rounding else {}
    assert Money(amount).scale(factor, **kwargs).amount == expected


def test_percent_bps():
    assert Money(10000).percent_bps(1500) == Money(1500)
    assert Money(333).percent_bps(1500) == Money(50)  # 49.95 -> 50
    assert Money(10).percent_bps(2500) == Money(2)  # 2.5 -> 2 (even)


@given(amounts, st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=8))
def test_allocate_always_sums_to_the_whole(amount, ratios):
    if sum(ratios) == 0:
        with pytest.raises(ValueError):
            Money(amount).allocate(ratios)
        return
    parts = Money(amount).allocate(ratios)
    assert money_sum(parts, "CNY") == Money(amount)
    for part, ratio in zip(parts, ratios, strict=True):
        exact = Fraction(amount * ratio, sum(ratios))
        assert abs(part.amount - exact) < 1


def test_allocate_hands_leftover_fen_to_largest_remainders():
    assert [m.amount for m in Money(100).allocate([1, 1, 1])] == [34, 33, 33]
    assert [m.amount for m in Money(10000).allocate([85, 15])] == [8500, 1500]


@given(amounts, amounts)
def test_addition_and_subtraction_are_exact(a, b):
    assert (Money(a) + Money(b)) - Money(b) == Money(a)
    assert Money(a) + Money(b) == Money(b) + Money(a)


def test_formatting_per_currency_and_locale():
    assert Money(10000, "CNY").format("en") == "CN¥100.00"
    assert Money(10000, "CNY").format("zh-hans") == "¥100.00"
    assert Money(123456789, "CNY").format("zh-hans") == "¥1,234,567.89"
    assert Money(500, "JPY").format("en") == "¥500"
    assert Money(-150, "USD").format("en") == "-$1.50"
    assert str(Money(10050, "CNY")) == "100.50 CNY"
