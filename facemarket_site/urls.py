"""URLs of the standalone site: a host like any other. It mounts the plugin with the one line the README
gives hosts, plus only what a site owns: the admin, the language switch and the log-in pages."""

from django.contrib import admin
from django.urls import include, path

from .login import ThrottledLoginView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("marketplace.urls")),
]

# Media is never served blindly: uploads (faces) go out only through views that check permissions.
