"""A bar chart of monthly earnings as inline SVG, drawn on the server (no script, no CDN).

Each month has two stacked parts: what the seller got and the platform's commission, so the chart
says the same thing as the table beside it. Text is escaped; the SVG has a title and description.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .releases import MonthTotal

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 240, 70, 40, 16
SHARE_COLOUR, COMMISSION_COLOUR = "#1f7a4d", "#a15c00"


def monthly_chart_svg(months: list[MonthTotal]) -> SafeString:
    if not months:
        return mark_safe("")
    currency = months[-1].currency
    months = [m for m in months if m.currency == currency][-12:]
    top = max(m.price.amount for m in months) or 1
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    slot = (WIDTH - PAD_LEFT) / len(months)
    bar = min(48.0, slot * 0.6)
    title = escape(_("Earnings by month (%(currency)s)") % {"currency": currency})
    desc = escape(_("Green: your share after commission. Amber: platform commission."))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="earn-chart-title earn-chart-desc" id="earnings-chart">',
        f'<title id="earn-chart-title">{title}</title><desc id="earn-chart-desc">{desc}</desc>',
        f'<line x1="{PAD_LEFT}" y1="{HEIGHT - PAD_BOTTOM}" x2="{WIDTH}" y2="{HEIGHT - PAD_BOTTOM}" '
        'stroke="#5b6575"/>',
        f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + 10}" text-anchor="end" font-size="11" fill="#1d2430">'
        f"{escape(months and max(months, key=lambda m: m.price.amount).price.format())}</text>",
    ]
    for index, month in enumerate(months):
        x = PAD_LEFT + index * slot + (slot - bar) / 2
        share_h = plot_h * month.seller_share.amount / top
        commission_h = plot_h * month.commission.amount / top
        base = HEIGHT - PAD_BOTTOM
        label = escape(
            _("%(month)s: price %(price)s, commission %(commission)s, your share %(share)s")
            % {
                "month": month.month,
                "price": month.price.format(),
                "commission": month.commission.format(),
                "share": month.seller_share.format(),
            }
        )
        parts.append(
            f"<g><title>{label}</title>"
            f'<rect x="{x:.1f}" y="{base - share_h:.1f}" width="{bar:.1f}" height="{share_h:.1f}" '
            f'fill="{SHARE_COLOUR}"/>'
            f'<rect x="{x:.1f}" y="{base - share_h - commission_h:.1f}" width="{bar:.1f}" '
            f'height="{commission_h:.1f}" fill="{COMMISSION_COLOUR}"/></g>'
            f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - PAD_BOTTOM + 16}" text-anchor="middle" '
            f'font-size="11" fill="#1d2430">{escape(month.month)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text inside was escaped above
