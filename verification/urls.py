"""Pages of the verification app (mounted by the host under its own prefix)."""

from django.urls import path

from . import photo_views, views

app_name = "verification"
urlpatterns = [
    path("", views.home, name="home"),
    path("consent/", views.consent, name="consent"),
    path("consent/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("photos/", views.photos, name="photos"),
    path("photos/<int:photo_id>/", photo_views.reference_photo_image, name="photo_image"),
    path("photos/<int:photo_id>/remove/", photo_views.reference_photo_remove, name="photo_remove"),
    path("camera/", views.camera, name="camera"),
    path("status/", views.status, name="status"),
]
