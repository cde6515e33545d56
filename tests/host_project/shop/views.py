"""The host's own sign-up: it creates its e-mail user and grants a marketplace role through the
plugin's documented service (the plugin's own sign-up page is off in this host)."""

from django import forms
from django.contrib.auth import get_user_model, login
from django.shortcuts import redirect, render

from marketplace.services import user_role_grant

from .models import Listing


class SignupForm(forms.Form):
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput)
    role = forms.ChoiceField(choices=[("buyer", "买家"), ("seller", "卖家")])


def home(request):
    return render(request, "shop/home.html", {"listings": Listing.objects.all()})


def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = get_user_model().objects.create_user(form.cleaned_data["email"], form.cleaned_data["password"])
        user_role_grant(user=user, role=form.cleaned_data["role"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("shop:home")
    return render(request, "shop/signup.html", {"form": form})
