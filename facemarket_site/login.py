"""The site's log-in page, with the kernel's limit on failed attempts (a host keeps its own page)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView

from kernel.login_throttle import (
    client_ip,
    login_failure_note,
    login_refused_for,
    login_success_note,
    too_many_logins_message,
)


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self):
        username = (self.cleaned_data.get("username") or "")[:254]
        ip = client_ip(self.request) if self.request else ""
        wait = login_refused_for(username=username, ip=ip)
        if wait:  # refused before the password is even checked: guessing learns nothing
            raise forms.ValidationError(too_many_logins_message(wait), code="too_many_attempts")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failure_note(username=username, ip=ip)
            raise
        login_success_note(username=username, ip=ip)
        return cleaned


class ThrottledLoginView(LoginView):
    authentication_form = ThrottledAuthenticationForm
