"""Pages of the marketplace shell: home, sign-up, health. No business logic here."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from marketplace.conf import market_settings
from marketplace.forms import SignupForm
from marketplace.health import health_report
from marketplace.services import user_signup


def home(request):
    return render(request, "marketplace/home.html")


def signup(request):
    if not market_settings.SIGNUP_ENABLED:
        raise Http404  # the host owns sign-up
    if request.user.is_authenticated:
        return redirect("marketplace:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_signup(
                username=data.get("username", ""),
                email=data["email"],
                password=data["password1"],
                role=data["role"],
            )
        except ValidationError as exc:
            form.add_error("password1" if "password" in " ".join(exc.messages).lower() else None, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("marketplace:home")
    return render(request, "registration/signup.html", {"form": form})


@never_cache
@require_GET
def healthz(request):
    healthy, checks = health_report()
    body = {"status": "ok" if healthy else "error", "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)
