"""Trust API routes, mounted inside ``marketplace.api.urls`` (its namespace)."""

from django.urls import path

from marketplace.trust import api

urlpatterns = [
    path(
        "licences/<str:reference>/credential/", api.LicenceCredentialView.as_view(), name="licence-credential"
    ),
    path("licences/<str:reference>/labels/", api.LicenceLabelView.as_view(), name="licence-labels"),
    path("consent-checks/", api.ConsentCheckView.as_view(), name="consent-check"),
    path(
        "consent-checks/receipts/", api.ConsentCheckReceiptListView.as_view(), name="consent-check-receipts"
    ),
    path("labels/read/", api.LabelReadView.as_view(), name="label-read"),
]
