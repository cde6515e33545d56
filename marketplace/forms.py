from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from kernel.roles import SELF_SERVICE_ROLES


class SignupForm(forms.Form):
    """Input for ``user_signup``; the service does the work and the password validation."""

    role = forms.ChoiceField(
        label=_("I want to"),
        choices=[(r.value, r.label) for r in SELF_SERVICE_ROLES],
        widget=forms.RadioSelect,
    )
    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if get_user_model().USERNAME_FIELD == get_user_model().get_email_field_name():
            del self.fields["username"]  # an e-mail user model: the e-mail is the login

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        User = get_user_model()
        if "username" in self.fields:
            return email  # the e-mail is not the login: the site allows one address on two accounts
        if User._default_manager.filter(**{f"{User.get_email_field_name()}__iexact": email}).exists():
            raise forms.ValidationError(_("An account with that email exists already."))
        return email

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        User = get_user_model()
        if User._default_manager.filter(**{f"{User.USERNAME_FIELD}__iexact": username}).exists():
            raise forms.ValidationError(_("That username is taken."))
        return username

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data
