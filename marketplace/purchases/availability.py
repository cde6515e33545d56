"""Whether a published listing can be bought right now, and if not why (said on pages and in the API)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from payouts.selectors import is_frozen


def listing_purchase_refusal(listing, buyer=None) -> tuple[str, str] | None:
    """(code, message) when the listing cannot be bought now; None when it can.

    A seller whose payouts are frozen (a takedown or a moderation review) sells nothing: a buyer
    would pay into a hold that cannot be released until the review ends, perhaps never."""
    if is_frozen(seller_id=listing.seller_id):
        return (
            "seller_frozen",
            _(
                "This face cannot be licensed while moderators review a report about its seller. "
                "Nothing has been charged; try again later."
            ),
        )
    from marketplace.access.selectors import access_refusal  # who may use my face: approved or invited buyers

    return access_refusal(listing=listing, buyer=buyer)
