"""Telling both sides of a sale: the seller (a sale, money in escrow) and the buyer (the licence)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.accounts.notifications import notify


def licence_sale_notify(licence) -> None:
    """In-app rows now, e-mails after commit (``notify``): a rolled-back sale tells nobody."""
    link = reverse("marketplace:licence", args=[licence.reference])
    words = {"title": licence.listing.title, "price": licence.amount.format(), "ref": licence.reference}
    notify(
        user=licence.seller,
        kind="licence_sold",
        message=_(
            "You sold licence %(ref)s for “%(title)s” at %(price)s (price paid by the buyer). The money is "
            "held in escrow and reaches you, less the platform commission, once the buyer's usage report "
            "is approved."
        )
        % words,
        link=link,
    )
    notify(
        user=licence.buyer,
        kind="licence_issued",
        message=_("Your licence %(ref)s for “%(title)s” is active; you paid %(price)s, held in escrow.")
        % words,
        link=link,
    )
