"""``{{ some_money|money }}``: a Money shown in the current language's currency format."""

from django import template
from django.utils.translation import get_language

from kernel.money import Money

register = template.Library()


@register.filter
def money(value) -> str:
    if not isinstance(value, Money):
        return ""
    return value.format(get_language() or "en")


@register.filter
def signed_money(value) -> str:
    """A ledger leg: '+' into the account, '−' out of it."""
    if not isinstance(value, Money):
        return ""
    text = Money(abs(value.amount), value.currency).format(get_language() or "en")
    return f"+{text}" if value.amount > 0 else f"\u2212{text}"
