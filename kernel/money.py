"""Money: an integer amount in minor units (fen for CNY) plus an ISO 4217 currency.

No floats anywhere: a float given where an amount is expected raises ``TypeError``.
Arithmetic between different currencies raises ``CurrencyMismatch``. Scaling by a
non-integer factor needs an explicit rounding mode, and splitting uses largest-remainder
allocation so the parts always add up to the whole, to the fen.

The default currency is the ``CURRENCY`` setting (``FACE_MARKET["CURRENCY"]``, CNY unless set);
models store money as an integer column plus a currency column and expose it through
:class:`MoneyAttribute`, the one way every model reads and writes an amount as ``Money``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from babel.numbers import format_currency

#: ISO 4217 minor-unit exponents for the currencies we price in.
CURRENCY_EXPONENTS: dict[str, int] = {
    "CNY": 2,
    "HKD": 2,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "SGD": 2,
    "JPY": 0,
    "KRW": 0,
}

ROUNDING_MODES = {ROUND_HALF_EVEN, ROUND_HALF_UP}


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined."""


class UnknownCurrency(ValueError):
    """The currency code is not one we can price in."""


def currency_exponent(currency: str) -> int:
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        raise UnknownCurrency(f"Unsupported currency {currency!r}") from None


def _check_int(value: object, what: str) -> int:
    # bool is an int subclass; True fen is always a bug.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    return value


def _round_fraction(value: Fraction, rounding: str) -> int:
    """Round an exact fraction to an integer with a decimal rounding mode."""
    if rounding not in ROUNDING_MODES:
        raise ValueError(f"Unsupported rounding mode {rounding!r}")
    floor = value.numerator // value.denominator
    rest = value - floor
    half = Fraction(1, 2)
    if rest > half:
        return floor + 1
    if rest < half:
        return floor
    if rounding == ROUND_HALF_UP:  # away from zero on ties
        return floor + 1 if value > 0 else floor
    return floor if floor % 2 == 0 else floor + 1


def default_currency() -> str:
    """The site's currency (``FACE_MARKET["CURRENCY"]``); also the default of every currency column."""
    from .conf import kernel_settings

    return kernel_settings.CURRENCY


@dataclass(frozen=True, slots=True)
class Money:
    amount: int  # minor units
    currency: str = ""  # empty: the configured default currency

    def __post_init__(self) -> None:
        _check_int(self.amount, "Money.amount")
        if not self.currency:
            object.__setattr__(self, "currency", default_currency())
        currency_exponent(self.currency)

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def zero(cls, currency: str = "") -> Money:
        return cls(0, currency)

    @classmethod
    def from_major(cls, value: str | int | Decimal, currency: str = "") -> Money:
        """``Money.from_major("100.00", "CNY")`` -> 10000 fen. Refuses sub-minor precision."""
        if isinstance(value, float):
            raise TypeError("Money.from_major does not accept floats; pass a str or Decimal")
        try:
            dec = Decimal(value)
        except (InvalidOperation, TypeError) as exc:
            raise ValueError(f"Not an amount: {value!r}") from exc
        if not dec.is_finite():
            raise ValueError(f"Not an amount: {value!r}")
        currency = currency or default_currency()
        minor = dec.scaleb(currency_exponent(currency))
        if minor != minor.to_integral_value():
            raise ValueError(f"{value!r} has more precision than {currency} allows")
        return cls(int(minor), currency)

    # -- arithmetic --------------------------------------------------------------------------

    def _same(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"Expected Money, got {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"Cannot combine {self.currency} with {other.currency}")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same(other).amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: int) -> Money:
        return Money(self.amount * _check_int(factor, "factor"), self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same(other).amount

    def __bool__(self) -> bool:
        return self.amount != 0

    def scale(self, factor: Decimal | Fraction | int | str, rounding: str = ROUND_HALF_EVEN) -> Money:
        """Multiply by an exact factor (``Decimal("1.5")``, ``Fraction(2, 3)``), rounding once."""
        if isinstance(factor, float):
            raise TypeError("Money.scale does not accept floats; pass a Decimal, Fraction or str")
        exact = Fraction(Decimal(factor)) if isinstance(factor, (str, Decimal)) else Fraction(factor)
        return Money(_round_fraction(self.amount * exact, rounding), self.currency)

    def percent_bps(self, basis_points: int, rounding: str = ROUND_HALF_EVEN) -> Money:
        """The share of this amount given in basis points (1500 = 15 %), rounded once."""
        return self.scale(Fraction(_check_int(basis_points, "basis_points"), 10_000), rounding)

    def allocate(self, ratios: Iterable[int]) -> list[Money]:
        """Split by integer ratios with largest remainders: the parts always sum to the whole."""
        ratios = [_check_int(r, "ratio") for r in ratios]
        if not ratios or any(r < 0 for r in ratios) or sum(ratios) == 0:
            raise ValueError("ratios must be non-negative and not all zero")
        total = sum(ratios)
        exact = [Fraction(self.amount * r, total) for r in ratios]
        parts = [f.numerator // f.denominator for f in exact]
        leftover = self.amount - sum(parts)
        # hand the leftover minor units to the largest remainders, earliest first on ties
        order = sorted(range(len(ratios)), key=lambda i: (-(exact[i] - parts[i]), i))
        for i in order[:leftover]:
            parts[i] += 1
        return [Money(p, self.currency) for p in parts]

    # -- display -----------------------------------------------------------------------------

    def to_decimal(self) -> Decimal:
        return Decimal(self.amount).scaleb(-currency_exponent(self.currency))

    def format(self, locale: str = "en") -> str:
        """Localised display, e.g. ``¥100.00`` (en) or ``¥100.00`` (zh_Hans_CN)."""
        return format_currency(self.to_decimal(), self.currency, locale=_babel_locale(locale))

    def __str__(self) -> str:
        return f"{self.to_decimal()} {self.currency}"


def _babel_locale(language_code: str) -> str:
    """Map Django language codes (``zh-hans``, ``en``) to Babel locales."""
    code = (language_code or "en").replace("-", "_").lower()
    if code in {"zh_hans", "zh_cn", "zh"}:
        return "zh_Hans_CN"
    if code in {"zh_hant", "zh_tw", "zh_hk"}:
        return "zh_Hant_HK"
    return code.split("_")[0] or "en"


def money_sum(amounts: Iterable[Money], currency: str = "") -> Money:
    total = Money.zero(currency)
    for amount in amounts:
        total += amount
    return total


class MoneyAttribute:
    """A model attribute that reads and writes an integer minor-units column as ``Money``.

    ``price = MoneyAttribute("annual_price_minor")`` next to ``annual_price_minor`` and ``currency``
    columns: ``obj.price`` is ``Money`` (or ``None`` when the column is null), and assigning a
    ``Money`` sets both columns. No column changes, so it needs no migration. The currency may live on
    a related row (``MoneyAttribute("top_up_minor", "licence.currency")``); assigning then checks it.
    """

    def __init__(self, amount_field: str, currency_field: str = "currency"):
        self.amount_field = amount_field
        self.currency_field = currency_field

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        amount = getattr(obj, self.amount_field)
        if amount is None:
            return None
        return Money(int(amount), self._currency(obj) or default_currency())

    def _currency(self, obj) -> str:
        value = obj
        for part in self.currency_field.split("."):
            value = getattr(value, part)
        return value

    def __set__(self, obj, value: Money | None) -> None:
        if value is None:
            setattr(obj, self.amount_field, None)
            return
        if not isinstance(value, Money):
            raise TypeError(f"{self.name} takes Money, not {type(value).__name__}")
        if "." in self.currency_field:
            if value.currency != self._currency(obj):
                raise CurrencyMismatch(f"{self.name} is in {self._currency(obj)}, not {value.currency}")
        else:
            setattr(obj, self.currency_field, value.currency)
        setattr(obj, self.amount_field, value.amount)
