from __future__ import annotations

from django import forms

from partnership.alerts.enums import Frequency

EMAIL_ATTRS = {"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false"}


class AlertForm(forms.Form):
    email = forms.EmailField(
        label="Adresse électronique",
        help_text="Format attendu : nom@domaine.fr",
        max_length=254,
        widget=forms.EmailInput(attrs=EMAIL_ATTRS),
        error_messages={
            "required": "Saisissez votre adresse électronique.",
            "invalid": "Saisissez une adresse électronique valide, par exemple nom@domaine.fr.",
        },
    )
    frequency = forms.ChoiceField(
        label="Fréquence",
        choices=Frequency.choices,
        initial=Frequency.DAILY,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez une fréquence.",
            "invalid_choice": "Choisissez une fréquence de la liste.",
        },
    )
    # The search, as the page that asked carried it (normalised again when read).
    recherche = forms.CharField(required=False, max_length=4000, widget=forms.HiddenInput)


class ManageLinkForm(forms.Form):
    email = forms.EmailField(
        label="Adresse électronique",
        help_text="Celle qui reçoit vos alertes. Format attendu : nom@domaine.fr",
        max_length=254,
        widget=forms.EmailInput(attrs=EMAIL_ATTRS),
        error_messages={
            "required": "Saisissez votre adresse électronique.",
            "invalid": "Saisissez une adresse électronique valide, par exemple nom@domaine.fr.",
        },
    )


class DeleteForm(forms.Form):
    """Delete one alert (`alerte`: its id) or all of them (`tout`)."""

    alerte = forms.IntegerField(required=False, min_value=1)
    tout = forms.BooleanField(required=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("alerte") and not data.get("tout"):
            raise forms.ValidationError("Choisissez l’alerte à supprimer.")
        return data
