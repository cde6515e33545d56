"""Pages of the verification app (mounted by the host under its own prefix)."""

from django.urls import path

from . import views

app_name = "verification"
urlpatterns = [
    path("", views.home, name="home"),
    path("consent/", views.consent, name="consent"),
    path("consent/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("photos/", views.photos, name="photos"),
    path("camera/", views.camera, name="camera"),
    path("status/", views.status, name="status"),
]
