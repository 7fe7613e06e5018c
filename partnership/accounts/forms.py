from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.html import format_html

from offers.filters import resolve_commune
from partnership.accounts.enums import OrganisationKind, Role
from partnership.accounts.models import Organisation, User, UserManager
from partnership.accounts.validators import validate_siren
from partnership.templatetags.fr import abbr
from partnership.text import strip_unsafe_characters
from territories.models import Commune, Epci


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

    def confirm_login_allowed(self, user: User) -> None:
        """The right password of an account whose address was never confirmed: no login yet, and why."""
        super().confirm_login_allowed(user)
        if user.email_confirmed_at is None:
            raise ValidationError(
                "Confirmez d’abord votre adresse : ouvrez le lien du courriel reçu à l’inscription. "
                "Vous ne le trouvez plus ? Inscrivez-vous à nouveau avec la même adresse pour en recevoir un autre.",
                code="unconfirmed",
            )

    @property
    def credentials_refused(self) -> bool:
        """Both fields were given and did not match an active account (a failure to count)."""
        return any(error.code in {"invalid_login", "inactive"} for error in self.non_field_errors().as_data())


# --- Sign-up, password, organisations (issue 12) ---------------------------------------------------


def clean_short_text(value: str) -> str:
    """A one-line text typed in a form: control and bidirectional-override characters out, stripped."""
    return strip_unsafe_characters(value).strip()


EMAIL_ERRORS = {
    "required": "Indiquez votre adresse électronique.",
    "invalid": "Indiquez une adresse électronique valide, par exemple nom@domaine.fr.",
}
EMAIL_WIDGET_ATTRS = {"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false"}


def email_field(label: str = "Adresse électronique") -> forms.EmailField:
    return forms.EmailField(
        label=label,
        max_length=254,
        help_text="Format attendu : nom@domaine.fr",
        widget=forms.EmailInput(attrs=EMAIL_WIDGET_ATTRS),
        error_messages=EMAIL_ERRORS,
    )


def new_password_field(label: str = "Mot de passe") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        help_text="12 caractères au moins ; évitez un mot de passe trop courant ou proche de votre nom.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Choisissez un mot de passe."},
    )


class SignUpForm(forms.Form):
    """A new account: names, e-mail, password (Django's validators, in French). Whether the address already
    has an account is never said here: `services.sign_up` answers the same and e-mails the address."""

    first_name = forms.CharField(
        label="Prénom",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": "Indiquez votre prénom."},
    )
    last_name = forms.CharField(
        label="Nom",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": "Indiquez votre nom."},
    )
    email = email_field()
    password = new_password_field()

    def __init__(self, *args: object, email: str | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if email is not None:  # an invitation's address: fixed, already proven by the link
            self.fields["email"].initial = email
            self.fields["email"].disabled = True
            self.fields["email"].help_text = "L’adresse à laquelle l’invitation a été envoyée."

    def clean_first_name(self) -> str:
        return clean_short_text(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return clean_short_text(self.cleaned_data["last_name"])

    def clean_email(self) -> str:
        return UserManager.canonical_email(self.cleaned_data["email"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password")
        if password and "email" in data:
            candidate = User(
                email=data["email"], first_name=data.get("first_name", ""), last_name=data.get("last_name", "")
            )
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as error:
                self.add_error("password", error)
        return data


class ConfirmEmailForm(forms.Form):
    """The sign-up confirmation asks for the password chosen then: only the person who chose it confirms."""

    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        help_text="Celui que vous avez choisi en vous inscrivant.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Indiquez votre mot de passe."},
    )


class PasswordResetRequestForm(PasswordResetForm):
    email = email_field()

    def clean_email(self) -> str:
        return UserManager.canonical_email(self.cleaned_data["email"])


class NewPasswordForm(SetPasswordForm):
    new_password1 = new_password_field("Nouveau mot de passe")
    new_password2 = forms.CharField(
        label="Confirmation du nouveau mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Saisissez une seconde fois le nouveau mot de passe."},
    )
    error_messages = {"password_mismatch": "Les deux mots de passe ne sont pas identiques."}


class ChangePasswordForm(PasswordChangeForm, NewPasswordForm):
    old_password = forms.CharField(
        label="Mot de passe actuel",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
        error_messages={"required": "Indiquez votre mot de passe actuel."},
    )
    error_messages = {
        **NewPasswordForm.error_messages,
        "password_incorrect": "Le mot de passe actuel n’est pas le bon.",
    }
    field_order = ["old_password", "new_password1", "new_password2"]


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(
        label=format_html("Nom ou numéro {} de l’organisation", abbr("SIREN")),
        max_length=100,
        required=False,
        help_text="Par exemple « Commune de Tulle » ou 211927207.",
        error_messages={"max_length": "Saisissez au plus 100 caractères."},
    )

    def clean_q(self) -> str:
        return clean_short_text(self.cleaned_data["q"])


class JoinRequestForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.approved(),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choisissez une organisation.",
            "invalid_choice": "Cette organisation n’existe pas ou n’est pas encore validée.",
        },
    )
    message = forms.CharField(
        label="Votre fonction dans l’organisation",
        max_length=500,
        required=False,
        help_text="Aide son administrateur à reconnaître votre demande, "
        "par exemple « Directrice générale des services ».",
        error_messages={"max_length": "Saisissez au plus 500 caractères."},
    )

    def clean_message(self) -> str:
        return clean_short_text(self.cleaned_data["message"])


# Kinds of organisation a collectivité's person may create (Apec and ANCT are made by staff).
CREATABLE_KINDS = [
    (kind.value, kind.label) for kind in OrganisationKind if kind not in (OrganisationKind.APEC, OrganisationKind.ANCT)
]


class OrganisationCreateForm(forms.Form):
    kind = forms.ChoiceField(
        label="Nature",
        choices=[("", "Choisissez")] + CREATABLE_KINDS,
        error_messages={
            "required": "Choisissez la nature de l’organisation.",
            "invalid_choice": "Choisissez une nature de la liste.",
        },
    )
    name = forms.CharField(
        label="Nom",
        max_length=200,
        help_text="Par exemple « Commune d’Égletons » ou « Communauté de communes Ventadour – Égletons – Monédières ».",
        error_messages={"required": "Indiquez le nom de l’organisation."},
    )
    siren = forms.CharField(
        label=format_html("Numéro {}", abbr("SIREN")),
        max_length=20,
        help_text="9 chiffres, sur l’avis de situation au répertoire Sirene ou sur annuaire-entreprises.data.gouv.fr.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": "Indiquez le numéro SIREN de l’organisation."},
    )
    commune = forms.CharField(
        label="Commune",
        max_length=100,
        required=False,
        help_text="Pour une commune : elle-même ; pour un autre organisme (sauf un EPCI) : la commune de son siège. "
        "Son nom ou son code INSEE, par exemple « Tulle (19) » ou 19272.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "data-commune-autocomplete": "true",
                "data-autocomplete-url": reverse_lazy("territories:commune-autocomplete"),
            }
        ),
    )

    def clean_name(self) -> str:
        return clean_short_text(self.cleaned_data["name"])

    def clean_siren(self) -> str:
        siren = "".join(self.cleaned_data["siren"].split())
        validate_siren(siren)
        if Organisation.objects.filter(siren=siren).exists():
            raise ValidationError(
                "Une organisation a déjà ce numéro SIREN sur le portail : demandez plutôt à la rejoindre.",
                code="siren_taken",
            )
        return siren

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, siren, text = data.get("kind"), data.get("siren"), clean_short_text(data.get("commune") or "")
        self.commune_obj: Commune | None = None
        self.epci_obj: Epci | None = None
        if kind == OrganisationKind.EPCI:
            if siren:
                self.epci_obj = Epci.objects.filter(siren=siren).first()
                if self.epci_obj is None:
                    self.add_error(
                        "siren",
                        "Aucun EPCI n’a ce numéro SIREN dans la liste officielle : vérifiez-le, "
                        "ou choisissez une autre nature.",
                    )
        elif kind:
            if not text:
                self.add_error(
                    "commune", "Indiquez la commune (pour une commune : elle-même ; sinon la commune du siège)."
                )
            else:
                point = resolve_commune(text)
                if point is None:
                    self.add_error(
                        "commune",
                        f"Commune introuvable : « {text[:60]} ». "
                        "Saisissez son nom ou son code INSEE, par exemple 19272.",
                    )
                else:
                    self.commune_obj = Commune.objects.get(pk=point.code)
        return data

    def organisation(self) -> Organisation:
        """The organisation described, not saved (services.create_organisation validates and saves it)."""
        data = self.cleaned_data
        return Organisation(
            kind=data["kind"], name=data["name"], siren=data["siren"], commune=self.commune_obj, epci=self.epci_obj
        )


class InvitationForm(forms.Form):
    email = email_field("Adresse électronique de la personne à inviter")
    role = forms.ChoiceField(
        label="Rôle",
        choices=Role.choices,
        initial=Role.MEMBER,
        widget=forms.RadioSelect,
        help_text="Un administrateur gère aussi les membres.",
        error_messages={"required": "Choisissez un rôle.", "invalid_choice": "Choisissez un rôle de la liste."},
    )

    def clean_email(self) -> str:
        return UserManager.canonical_email(self.cleaned_data["email"])


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class OrganisationRefusalForm(forms.Form):
    reason = forms.CharField(
        label="Motif du refus",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Envoyé à la personne qui a créé l’organisation.",
        error_messages={"required": "Indiquez le motif du refus : il sera envoyé à l’organisation."},
    )

    def clean_reason(self) -> str:
        return strip_unsafe_characters(self.cleaned_data["reason"]).strip()
