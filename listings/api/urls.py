"""REST endpoints of the listings app, mounted under /api/v1/listings/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .catalogue_views import CatalogueViewSet, TierViewSet
from .seller_views import PortfolioPhotoViewSet, QuoteRequestViewSet, SellerListingViewSet, SellerProfileView

app_name = "listings_api"

router = SimpleRouter()
router.register("tiers", TierViewSet, basename="tier")
router.register("catalogue", CatalogueViewSet, basename="catalogue")
router.register("mine", SellerListingViewSet, basename="mine")
router.register("photos", PortfolioPhotoViewSet, basename="photo")
router.register("quote-requests", QuoteRequestViewSet, basename="quote-request")

urlpatterns = [
    path("profile/", SellerProfileView.as_view(), name="profile"),
    *router.urls,
]
