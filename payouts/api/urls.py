"""REST endpoints of the payouts app, mounted under /api/v1/."""

from django.urls import path

from . import views, webhooks

app_name = "payouts_api"
urlpatterns = [
    path("earnings/", views.EarningsView.as_view(), name="earnings"),
    path("holds/<path:reference>/", views.HoldView.as_view(), name="hold"),
    path("webhooks/stripe/", webhooks.stripe_webhook, name="stripe_webhook"),
]
