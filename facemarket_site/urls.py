"""URLs of the standalone site: a host like any other. It mounts the plugin with the one line the README
gives hosts, plus only what a site owns: the admin, the language switch and the log-in pages."""

from django.contrib import admin
from django.shortcuts import render
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


def bad_request(request, exception=None):
    """Django's default 400 handler renders without the request (no context processors, no styles):
    this one renders 400.html in the site's layout, like the 403 and 404 pages."""
    return render(request, "400.html", status=400)


handler400 = bad_request
