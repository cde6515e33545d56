"""Pages of the payouts app (mounted by the host under its own prefix)."""

from django.urls import path

from . import views

app_name = "payouts"
urlpatterns = [
    path("earnings/", views.earnings, name="earnings"),
    path("account/", views.payout_account, name="payout_account"),
    path("ledger/", views.ledger_index, name="ledger_index"),
    path("ledger/<path:reference>/", views.ledger_reference, name="ledger_reference"),
    path("sandbox/checkout/<str:gateway_payment_id>/", views.sandbox_checkout, name="sandbox_checkout"),
    path("sandbox/onboard/<str:gateway_account_id>/", views.sandbox_onboard, name="sandbox_onboard"),
]
