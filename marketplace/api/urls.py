from django.urls import path
from rest_framework.authtoken.views import ObtainAuthToken

from . import purchases, views

app_name = "marketplace_api"
urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("me/", views.MeView.as_view(), name="me"),
    path("auth/token/", ObtainAuthToken.as_view(), name="token"),
    path("orders/", purchases.OrderCreateView.as_view(), name="order-create"),
    path("orders/<uuid:public_id>/", purchases.OrderDetailView.as_view(), name="order-detail"),
    path("licences/", purchases.LicenceListView.as_view(), name="licence-list"),
    path("licences/<str:reference>/", purchases.LicenceDetailView.as_view(), name="licence-detail"),
]
