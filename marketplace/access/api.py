"""API of "who may use my face": a listing's access setting and its invitations (the seller only)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response

from kernel.api import PluginAPIView
from kernel.errors import NotFound
from listings.selectors import listing_for_viewer
from marketplace.access.invitations import invitation_create, invitation_revoke, listing_invitations
from marketplace.access.models import AccessMode, ListingAccess, RequestStatus
from marketplace.access.services import listing_access_set


class IsListingSeller(permissions.BasePermission):
    """Object level: only the listing's own seller reads or changes who may use the face."""

    message = _("Only the listing's seller decides who may use the face.")
    code = "not_the_seller"

    def has_object_permission(self, request, view, listing) -> bool:
        return listing.seller_id == request.user.pk


class InvitationSerializer(serializers.Serializer):
    reference = serializers.CharField(read_only=True)
    buyer = serializers.CharField(
        write_only=True, max_length=254, help_text="The buyer's e-mail address or username."
    )
    buyer_id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=200)
    role = serializers.CharField(max_length=200)
    genre = serializers.CharField(max_length=100, required=False, allow_blank=True)
    synopsis = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    shots_planned = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    status = serializers.SerializerMethodField(help_text="open, used (part of a licence) or withdrawn")
    licence = serializers.CharField(source="licence_reference", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    def get_status(self, invitation) -> str:
        if invitation.licence_reference:
            return "used"
        return "open" if invitation.status == RequestStatus.APPROVED else "withdrawn"


class ListingAccessSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=AccessMode.choices)
    decision_days = serializers.IntegerField(min_value=1, max_value=30, default=3)
    default_outcome = serializers.ChoiceField(
        choices=[RequestStatus.APPROVED, RequestStatus.DECLINED], default=RequestStatus.DECLINED
    )
    invitations = InvitationSerializer(many=True, read_only=True)


class _SellerListingView(PluginAPIView):
    permission_classes = [permissions.IsAuthenticated, IsListingSeller]
    permission_denied_code = "not_the_seller"

    def listing(self, request, listing_id: int):
        listing = listing_for_viewer(user=request.user, listing_id=listing_id)
        if listing is None:
            raise NotFound("No such listing.", code="listing_not_found")
        self.check_object_permissions(request, listing)
        return listing


def _access_body(listing) -> dict:
    access = ListingAccess.objects.filter(listing=listing).first()
    return ListingAccessSerializer(
        {
            "mode": access.mode if access else AccessMode.PUBLIC,
            "decision_days": access.decision_days if access else 3,
            "default_outcome": access.default_outcome if access else RequestStatus.DECLINED,
            "invitations": listing_invitations(listing),
        }
    ).data


class ListingAccessView(_SellerListingView):
    """Who may buy a listing: anyone, buyers the seller approves project by project, or invited ones."""

    @extend_schema(responses=ListingAccessSerializer)
    def get(self, request, listing_id: int):
        return Response(_access_body(self.listing(request, listing_id)))

    @extend_schema(request=ListingAccessSerializer, responses=ListingAccessSerializer)
    def put(self, request, listing_id: int):
        listing = self.listing(request, listing_id)
        data = ListingAccessSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        listing_access_set(seller=request.user, listing=listing, **data.validated_data)
        return Response(_access_body(listing))


class ListingInvitationsView(_SellerListingView):
    """Invite a buyer to an "invitation only" listing (their checkout opens for this project)."""

    invalid_input_code = "invalid_invitation"

    @extend_schema(request=InvitationSerializer, responses={201: InvitationSerializer})
    def post(self, request, listing_id: int):
        listing = self.listing(request, listing_id)
        data = InvitationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        invitation = invitation_create(
            seller=request.user, listing=listing, buyer_identifier=values.pop("buyer"), data=values
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class ListingInvitationView(_SellerListingView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request, listing_id: int, reference: str):
        listing = self.listing(request, listing_id)
        invitation_revoke(seller=request.user, listing=listing, reference=reference)
        return Response(status=status.HTTP_204_NO_CONTENT)
