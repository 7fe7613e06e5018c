from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from partnership.accounts.models import UserManager


class LoginForm(AuthenticationForm):
    """E-mail and password. The field keeps Django's name `username` (the user model's USERNAME_FIELD is `email`)."""

    username = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}),
        error_messages={
            "required": "Indiquez votre adresse électronique.",
            "invalid": "Indiquez une adresse électronique valide, par exemple nom@domaine.fr.",
        },
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Indiquez votre mot de passe."},
    )

    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def clean_username(self) -> str:
        return UserManager.canonical_email(self.cleaned_data["username"])

    @property
    def credentials_refused(self) -> bool:
        """Both fields were given and did not match an active account (a failure to count)."""
        return any(error.code in {"invalid_login", "inactive"} for error in self.non_field_errors().as_data())
