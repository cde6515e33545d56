"""Pages and public documents of the trust surface, mounted inside ``marketplace.urls`` (its namespace)."""

from django.urls import path

from marketplace.trust import views

urlpatterns = [
    path(".well-known/jwks.json", views.jwks, name="trust_jwks"),
    path("trust/status-lists/<int:status_list_id>", views.status_list, name="trust_status_list"),
    path("trust/checks/", views.checks, name="trust_checks"),
    path("verify/<str:value>", views.verify, name="trust_verify"),
    path("licences/<str:reference>/certificate/", views.certificate, name="trust_certificate"),
    path("licences/<str:reference>/labels/", views.labels, name="trust_labels"),
]
