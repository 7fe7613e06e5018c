"""The shared field template (`templates/components/_field.html`): DSFR markup for every kind of field."""

from __future__ import annotations

import re

from django import forms
from django.template.loader import render_to_string


class EveryKind(forms.Form):
    name = forms.CharField(label="Nom", max_length=20, help_text="Comme sur vos courriers.")
    email = forms.EmailField(label="Adresse électronique", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    bio = forms.CharField(label="Présentation", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    kind = forms.ChoiceField(label="Nature", choices=[("", "Choisissez"), ("commune", "Commune"), ("epci", "EPCI")])
    role = forms.ChoiceField(
        label="Rôle", choices=[("member", "Membre"), ("administrator", "Administrateur")], widget=forms.RadioSelect
    )
    agree = forms.BooleanField(label="J’accepte")
    cv = forms.FileField(label="CV", required=False)
    step = forms.CharField(widget=forms.HiddenInput, required=False)


def field(form: forms.Form, name: str) -> str:
    return render_to_string("components/_field.html", {"field": form[name]})


def test_a_text_input_has_its_label_hint_and_django_attributes():
    html = field(EveryKind(), "name")

    assert '<label class="fr-label" for="id_name">Nom' in html
    assert '<span class="fr-hint-text" id="id_name_helptext">Comme sur vos courriers.</span>' in html
    assert re.search(r'<input class="fr-input" type="text" name="name" maxlength="20" id="id_name" required', html)
    assert 'aria-describedby="id_name_helptext"' in html
    assert "aria-invalid" not in html and "(facultatif)" not in html


def test_an_error_is_under_the_field_and_described_by_it():
    form = EveryKind({"name": "x" * 21, "email": "pas-une-adresse"})
    form.is_valid()

    html = field(form, "name")
    assert 'class="fr-input-group fr-input-group--error"' in html
    assert 'class="fr-input fr-input--error"' in html
    assert 'aria-invalid="true" aria-describedby="id_name_helptext id_name_error"' in html
    assert re.search(r'id="id_name_error"[^>]*>\s*<p class="fr-message fr-message--error">Assurez-vous', html)
    assert 'value="xxxxxxxxxxxxxxxxxxxxx"' in html  # what was typed stays
    email = field(form, "email")
    assert 'type="email"' in email and 'autocomplete="email"' in email and 'aria-describedby="id_email_error"' in email


def test_an_optional_field_says_so_and_a_textarea_keeps_its_text():
    html = field(EveryKind({"bio": "<b>Bonjour</b>"}), "bio")

    assert "Présentation (facultatif)" in html
    assert (
        '<textarea class="fr-input" name="bio" cols="40" rows="3" id="id_bio">&lt;b&gt;Bonjour&lt;/b&gt;</textarea>'
        in html
    )


def test_a_select_keeps_the_chosen_option():
    form = EveryKind({"kind": "epci"})
    form.is_valid()
    html = field(form, "kind")

    assert '<select class="fr-select" id="id_kind" name="kind" required>' in html
    assert '<option value="epci" selected>EPCI</option>' in html
    assert '<option value="commune">Commune</option>' in html


def test_radio_buttons_are_a_fieldset_with_a_legend_and_their_error():
    form = EveryKind({})
    form.is_valid()
    html = field(form, "role")

    assert (
        '<fieldset class="fr-fieldset fr-fieldset--error" id="id_role" aria-labelledby="id_role_legend id_role_error"'
        in html
    )
    assert re.search(r'<legend[^>]*id="id_role_legend">\s*Rôle', html)
    assert (
        '<input type="radio" id="id_role_1" name="role" value="administrator" aria-describedby="id_role_error">' in html
    )
    assert '<label class="fr-label" for="id_role_1">Administrateur</label>' in html
    assert "Ce champ est obligatoire." in html


def test_a_checkbox_a_file_and_a_hidden_input():
    form = EveryKind({"agree": "on", "step": "2"})
    form.is_valid()

    assert '<input type="checkbox" name="agree" id="id_agree" required checked>' in field(form, "agree")
    assert '<input class="fr-upload" type="file" name="cv" id="id_cv">' in field(form, "cv")
    assert field(form, "step").strip() == '<input type="hidden" name="step" value="2" id="id_step">'
