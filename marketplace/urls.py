from django.urls import path

from . import views

app_name = "marketplace"
urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/signup/", views.signup, name="signup"),
    path("licences/", views.licences, name="licences"),
    path("licences/checkout/<int:listing_id>/", views.checkout_review, name="checkout"),
    path("licences/checkout/<int:listing_id>/confirm/", views.checkout_confirm, name="checkout_confirm"),
    path("licences/orders/<uuid:public_id>/", views.order_detail, name="order"),
    path("licences/<str:reference>/", views.licence_detail, name="licence"),
]
