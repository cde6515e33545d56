"""Pages of the listings app (mounted by the host under its own prefix, /listings/ on the site)."""

from django.urls import path

from . import views

app_name = "listings"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<int:listing_id>/", views.listing_detail, name="detail"),
    path("<int:listing_id>/ask-for-quote/", views.quote_request_create_page, name="quote_request_create"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("new/", views.listing_create_page, name="create"),
    path("<int:listing_id>/edit/", views.listing_edit_page, name="edit"),
    path("<int:listing_id>/terms/", views.listing_terms_page, name="terms"),
    path("<int:listing_id>/<slug:action>/", views.listing_transition_page, name="transition"),
    path("profile/", views.profile_page, name="profile"),
    path("photos/<uuid:public_id>/original/", views.photo_original, name="photo_original"),
    path("photos/<uuid:public_id>/preview/", views.photo_preview, name="photo_preview"),
    path("photos/<uuid:public_id>/remove/", views.photo_remove_page, name="photo_remove"),
    path(
        "quote-requests/<uuid:public_id>/respond/",
        views.quote_request_respond_page,
        name="quote_request_respond",
    ),
]
