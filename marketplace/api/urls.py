from django.urls import path
from rest_framework.authtoken.views import ObtainAuthToken

from . import views

app_name = "marketplace_api"
urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("me/", views.MeView.as_view(), name="me"),
    path("auth/token/", ObtainAuthToken.as_view(), name="token"),
]
