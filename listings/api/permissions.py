"""Object-level permissions of the listings API."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from ..permissions import is_buyer, is_seller


class IsSeller(BasePermission):
    def has_permission(self, request, view) -> bool:
        return is_seller(request.user)


class IsBuyer(BasePermission):
    def has_permission(self, request, view) -> bool:
        return is_buyer(request.user)


class IsListingOwner(BasePermission):
    """Only the seller who owns a listing (or the listing a request/photo belongs to) may touch it."""

    def has_object_permission(self, request, view, obj) -> bool:
        seller_id = getattr(obj, "seller_id", None)
        if seller_id is None and hasattr(obj, "listing"):
            seller_id = obj.listing.seller_id
        if seller_id is None and hasattr(obj, "profile"):
            seller_id = obj.profile.user_id
        return seller_id is not None and seller_id == request.user.pk
