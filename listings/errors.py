"""Exceptions the listings services raise, each with a stable ``code`` the API and pages show.

Bad input raises Django's ``ValidationError`` (field-keyed where it can be); these are for
requests that are well-formed but not allowed in the current state. Each is a kernel
``ServiceError``, so the one API error handler gives it its status and body.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from kernel.errors import ServiceError
from kernel.transitions import TransitionRefused as KernelTransitionRefused


class ListingsError(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    code = "listings_error"
    default_message = _("The request cannot be carried out.")


class TransitionRefused(ListingsError, KernelTransitionRefused):
    code = "transition_refused"
    default_message = _("This listing cannot make that change in its current state.")


class NotTheOwner(ListingsError):
    status_code = status.HTTP_403_FORBIDDEN
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
        self.categories = categories or []
        super().__init__(message, categories=self.categories)
