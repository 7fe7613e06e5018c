"""The forms of the collectivités' space and of moderation. Every field is rendered by
`templates/components/_field.html`; none sets an offer's status, organisation or dates."""

from __future__ import annotations

from typing import Any

from django import forms

from offers.enums import Contract, EducationLevel, Experience, OfferKind, Remote
from offers.models import Offer
from partnership.accounts.models import Organisation
from partnership.recruitment.enums import ApplicationHandling, ApplicationStatus, ChefDeProjetProgramme
from partnership.recruitment.models import Posting
from partnership.recruitment.pdf import MAX_CV_BYTES, check_cv
from partnership.text import has_unsafe_characters
from territories.models import Commune

UNSAFE = (
    "Ce texte contient des caractères invisibles ou de contrôle : retirez-les (copiez le texte sans sa mise en forme)."
)

# The fields of each kind of offer, in the order of the form.
OFFER_FIELDS = {
    OfferKind.CHEF_DE_PROJET: (
        "title",
        "programme",
        "cofunding",
        "commune",
        "missions",
        "profile",
        "contract",
        "duration_months",
        "start_date",
        "working_time_percent",
        "salary_min",
        "salary_max",
        "remote",
        "education_level",
        "experience",
        "application_handling",
        "apply_email",
        "apply_url",
    ),
    OfferKind.VTA: (
        "title",
        "commune",
        "missions",
        "profile",
        "duration_months",
        "start_date",
        "working_time_percent",
        "tutor_name",
        "tutor_role",
        "salary_min",
        "salary_max",
        "remote",
        "education_level",
        "application_handling",
        "apply_email",
        "apply_url",
    ),
}
POSTING_FIELDS = ("programme", "cofunding", "missions", "profile", "application_handling", "tutor_name", "tutor_role")


def _blank(choices: Any) -> list[tuple[str, str]]:
    return [("", "Choisir")] + list(choices)


class PostingForm(forms.Form):
    title = forms.CharField(label="Intitulé du poste", max_length=200)
    programme = forms.ChoiceField(label="Programme qui finance le poste", choices=_blank(ChefDeProjetProgramme.choices))
    cofunding = forms.CharField(
        label="Cofinancement",
        max_length=300,
        required=False,
        help_text="Par exemple : cofinancement ANCT à 75 % du coût du poste, demandé le 3 mars.",
    )
    commune = forms.ChoiceField(label="Commune du poste", choices=())
    missions = forms.CharField(label="Missions", widget=forms.Textarea(attrs={"rows": 8}), max_length=10000)
    profile = forms.CharField(
        label="Profil recherché", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000, required=False
    )
    contract = forms.ChoiceField(label="Contrat", choices=_blank(Contract.choices))
    duration_months = forms.IntegerField(
        label="Durée du contrat (en mois)", min_value=1, max_value=120, required=False, help_text="Vide pour un CDI."
    )
    start_date = forms.DateField(
        label="Date de prise de poste",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Format attendu : JJ/MM/AAAA.",
    )
    working_time_percent = forms.IntegerField(
        label="Temps de travail (en % d’un temps plein)", min_value=1, max_value=100, initial=100
    )
    tutor_name = forms.CharField(label="Tuteur ou tutrice du volontaire", max_length=200)
    tutor_role = forms.CharField(
        label="Sa fonction", max_length=200, required=False, help_text="Par exemple : directrice générale des services."
    )
    salary_min = forms.IntegerField(label="Salaire annuel brut minimum (en euros)", min_value=0, required=False)
    salary_max = forms.IntegerField(label="Salaire annuel brut maximum (en euros)", min_value=0, required=False)
    remote = forms.ChoiceField(label="Télétravail", choices=Remote.choices, initial=Remote.NONE)
    education_level = forms.ChoiceField(
        label="Niveau d’études", choices=[("", "Sans exigence")] + list(EducationLevel.choices), required=False
    )
    experience = forms.ChoiceField(
        label="Expérience", choices=[("", "Sans exigence")] + list(Experience.choices), required=False
    )
    application_handling = forms.ChoiceField(
        label="Réception des candidatures",
        choices=ApplicationHandling.choices,
        initial=ApplicationHandling.PORTAL,
        widget=forms.RadioSelect,
    )
    apply_email = forms.EmailField(
        label="Adresse électronique pour les candidatures",
        required=False,
        help_text="Si les candidatures arrivent par courriel. Format attendu : nom@domaine.fr",
    )
    apply_url = forms.URLField(
        label="Adresse de votre site de recrutement",
        required=False,
        assume_scheme="https",
        help_text="Si les candidatures arrivent sur votre site. Format attendu : https://…",
    )

    def __init__(self, *args: Any, kind: str, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.organisation = organisation
        for name in list(self.fields):
            if name not in OFFER_FIELDS[OfferKind(kind)]:
                del self.fields[name]
        if kind == OfferKind.VTA:
            self.fields["duration_months"].required = True
            self.fields["duration_months"].help_text = "Un VTA dure de 12 à 18 mois."
            self.fields["working_time_percent"].help_text = "Un VTA est à 75 % d’un temps plein au moins."
        communes = self.communes()
        if len(communes) == 1:
            del self.fields["commune"]
        else:
            self.fields["commune"].choices = _blank((c.code, c.name) for c in communes)  # type: ignore[attr-defined]

    def communes(self) -> list[Commune]:
        """Where the post may be: the organisation's commune, or a commune of its intercommunality."""
        if self.organisation.commune_id is not None:
            return [self.organisation.commune]  # type: ignore[list-item]
        return list(Commune.objects.filter(epci_id=self.organisation.epci_id).only("code", "name").order_by("name"))

    @classmethod
    def initial_from(cls, posting: Posting) -> dict[str, Any]:
        offer = posting.offer
        initial: dict[str, Any] = {name: getattr(posting, name) for name in POSTING_FIELDS}
        for name in (
            "title",
            "contract",
            "duration_months",
            "start_date",
            "working_time_percent",
            "salary_min",
            "salary_max",
            "remote",
            "education_level",
            "experience",
            "apply_email",
            "apply_url",
        ):
            initial[name] = getattr(offer, name)
        initial["commune"] = offer.commune_id
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in data.items():
            if isinstance(value, str) and has_unsafe_characters(value):
                self.add_error(name, UNSAFE)
        handling = data.get("application_handling")
        if handling == ApplicationHandling.EMAIL and not data.get("apply_email"):
            self.add_error("apply_email", "Indiquez l’adresse électronique où envoyer les candidatures.")
        if handling == ApplicationHandling.URL and not data.get("apply_url"):
            self.add_error("apply_url", "Indiquez l’adresse de votre site de recrutement.")
        low, high = data.get("salary_min"), data.get("salary_max")
        if low is not None and high is not None and low > high:
            self.add_error("salary_max", "Le salaire maximum doit être supérieur ou égal au minimum.")
        return data

    def apply_to(self, offer: Offer, posting: Posting) -> None:
        """Copy the answers onto the offer and its posting (nothing else: no status, organisation or date)."""
        data = self.cleaned_data
        offer.kind = self.kind
        for name in POSTING_FIELDS:
            if name in data:
                setattr(posting, name, data[name] or "")
        for name in ("title", "remote", "education_level", "experience"):
            if name in data:
                setattr(offer, name, data[name] or "")
        for name in ("duration_months", "start_date", "working_time_percent", "salary_min", "salary_max"):
            setattr(offer, name, data.get(name))
        offer.contract = data.get("contract") or Contract.CDD
        handling = data["application_handling"]
        offer.apply_email = data.get("apply_email") or "" if handling == ApplicationHandling.EMAIL else ""
        offer.apply_url = data.get("apply_url") or "" if handling == ApplicationHandling.URL else ""
        code = data.get("commune") or self.communes()[0].code
        commune = next(c for c in self.communes() if c.code == code)
        offer.set_place(Commune.objects.get(pk=commune.code))


class OfferActionForm(forms.Form):
    """What an organisation does to its own offer besides editing it."""

    action = forms.ChoiceField(
        choices=[("submit", "Envoyer"), ("filled", "Pourvue"), ("withdraw", "Retirer"), ("renew", "Prolonger")]
    )


class ModerationForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("publish", "Publier"),
            ("return", "Renvoyer"),
            ("withdraw", "Retirer"),
            ("filled", "Pourvue"),
            ("renew", "Prolonger"),
        ]
    )
    reason = forms.CharField(
        label="Motif",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
        help_text="Obligatoire pour renvoyer l’offre : l’organisation le lit avant de la corriger. Facultatif pour "
        "la retirer ou la marquer pourvue.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Indiquez pourquoi l’offre est renvoyée à l’organisation.")
        if has_unsafe_characters(data.get("reason") or ""):
            self.add_error("reason", UNSAFE)
        return data


class TriageForm(forms.Form):
    status = forms.ChoiceField(label="Où en est-elle ?", choices=ApplicationStatus.choices, widget=forms.RadioSelect)
    send_reply = forms.BooleanField(
        label="Envoyer au candidat la réponse type",
        required=False,
        help_text="Seulement pour « Non retenue » : un courriel poli, signé de votre organisation.",
    )


class ApplicationForm(forms.Form):
    """A candidate's application: no account needed."""

    name = forms.CharField(
        label="Vos prénom et nom", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label="Votre adresse électronique",
        help_text="Format attendu : nom@domaine.fr. L’employeur vous répondra à cette adresse.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    message = forms.CharField(
        label="Votre message",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Présentez-vous et dites pourquoi ce poste vous intéresse.",
    )
    cv = forms.FileField(
        label="Votre CV",
        help_text=f"Au format PDF, {MAX_CV_BYTES // (1024 * 1024)} Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={"required": "Joignez votre CV au format PDF.", "empty": "Ce fichier est vide."},
    )
    keep_two_years = forms.BooleanField(
        label="J’accepte que l’employeur garde ma candidature 2 ans, pour me proposer d’autres postes",
        required=False,
        help_text="Sans votre accord, elle est effacée 3 mois après la fin de l’offre.",
    )
    # A honeypot: hidden from people (and from assistive technologies); robots fill it.
    site_web = forms.CharField(
        label="Ne remplissez pas ce champ",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_cv(self) -> Any:
        upload = self.cleaned_data["cv"]
        check_cv(upload, upload.size)
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("name", "message"):
            if has_unsafe_characters(data.get(name) or ""):
                self.add_error(name, UNSAFE)
        return data

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("site_web"))
