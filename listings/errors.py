"""Exceptions the listings services raise, each with a stable ``code`` the API and pages show.

Bad input raises Django's ``ValidationError`` (field-keyed where it can be); these are for
requests that are well-formed but not allowed in the current state.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class ListingsError(Exception):
    code = "listings_error"
    default_message = _("The request cannot be carried out.")

    def __init__(self, message=None, *, code: str | None = None):
        self.message = str(message or self.default_message)
        if code:
            self.code = code
        super().__init__(self.message)


class TransitionRefused(ListingsError):
    code = "transition_refused"
    default_message = _("This listing cannot make that change in its current state.")


class NotTheOwner(ListingsError):
    code = "not_owner"
    default_message = _("Only the seller who owns this listing can change it.")


class SoldTermsImmutable(ListingsError):
    code = "terms_version_sold"
    default_message = _(
        "These licence terms have been sold and can no longer change; edit to make a new version."
    )


class PriceOnRequest(ListingsError):
    code = "price_on_request"
    default_message = _("This listing's price is on request: ask the seller for a quote.")


class ExclusivityConflict(ListingsError):
    code = "exclusivity_conflict"
    default_message = _("Exclusivity over part of this scope has already been sold.")

    def __init__(self, message=None, *, categories: list[str] | None = None):
        super().__init__(message)
        self.categories = categories or []
