"""Forms of the CLCT space: every POST goes through one of these."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnership.accounts.models import User
from partnership.clct.enums import MeetingStatus, Rsvp
from partnership.clct.models import Committee, DelegateSettings, Invitation, Meeting
from partnership.text import has_unsafe_characters
from territories.codes import split_commune_label
from territories.enums import ProgrammeCode
from territories.models import Commune

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
UNSAFE = (
    "Ce texte contient des caractères invisibles ou de contrôle : retirez-les (copiez le texte sans sa mise en forme)."
)


class SafeTextForm(forms.Form):
    """Refuses control and bidirectional-override characters in every text field (partnership/text.py)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in list(data.items()):  # add_error removes the field from cleaned_data
            if isinstance(value, str) and has_unsafe_characters(value):
                self.add_error(name, UNSAFE)
        return data


TIME = forms.TimeInput(format="%H:%M", attrs={"type": "time"})


class MeetingForm(SafeTextForm):
    """A meeting's date in Paris time, its place or video link, agenda, documents, programmes and communes;
    when editing, its status and minutes too."""

    date = forms.DateField(label="Date", widget=DATE, error_messages={"required": "Indiquez la date de la réunion."})
    start = forms.TimeField(
        label="Heure de début", widget=TIME, error_messages={"required": "Indiquez l’heure de début."}
    )
    end = forms.TimeField(label="Heure de fin", widget=TIME, error_messages={"required": "Indiquez l’heure de fin."})
    place = forms.CharField(label="Lieu", max_length=300, required=False, help_text="Adresse et salle.")
    video_url = forms.URLField(
        label="Lien de visioconférence",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="Format attendu : https://…",
        error_messages={"invalid": "Indiquez une adresse web complète, par exemple https://webconf.example.fr/clct."},
    )
    agenda = forms.CharField(label="Ordre du jour", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    documents = forms.CharField(
        label="Documents",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Un lien par ligne, précédé si vous le souhaitez de son titre et d’une barre verticale : "
        "« Diaporama | https://… ».",
    )
    programmes = forms.MultipleChoiceField(
        label="Programmes évoqués",
        required=False,
        choices=[(code, label) for code, label in ProgrammeCode.choices],
        widget=forms.CheckboxSelectMultiple,
    )
    communes = forms.CharField(
        label="Communes concernées",
        required=False,
        help_text="Noms ou codes INSEE des communes du département, séparés par des virgules.",
    )
    status = forms.ChoiceField(label="Statut", choices=MeetingStatus.choices, initial=MeetingStatus.PLANNED)
    minutes = forms.CharField(
        label="Compte rendu",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Une fois la réunion tenue.",
    )

    def __init__(self, *args: Any, committee: Committee, meeting: Meeting | None = None, **kwargs: Any) -> None:
        if meeting is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_of(meeting)
        super().__init__(*args, **kwargs)
        self.committee = committee
        if meeting is None:  # a new meeting is planned, its minutes come later
            del self.fields["status"]
            del self.fields["minutes"]

    def clean_documents(self) -> str:
        validate = forms.URLField(assume_scheme="https").clean
        lines = []
        for number, line in enumerate(self.cleaned_data["documents"].splitlines(), start=1):
            if not line.strip():
                continue
            title, _, url = line.rpartition("|")
            try:
                url = validate(url.strip())
            except ValidationError as error:
                raise ValidationError(
                    f"Ligne {number} : indiquez une adresse web complète (https://…) après le titre et la barre "
                    "verticale."
                ) from error
            lines.append(f"{title.strip()} | {url}" if title.strip() else url)
        return "\n".join(lines)

    def clean_communes(self) -> list[Commune]:
        found: list[Commune] = []
        departement = self.committee.departement_id
        unknown = []
        for raw in self.cleaned_data["communes"].split(","):
            text = raw.strip()
            if not text:
                continue
            name = (split_commune_label(text) or (text, ""))[0]
            commune = (
                Commune.objects.filter(departement_id=departement).filter(code=text.upper()).first()
                or Commune.objects.filter(departement_id=departement, name__iexact=name).order_by("code").first()
            )
            if commune is None:
                unknown.append(text)
            elif commune not in found:
                found.append(commune)
        if unknown:
            raise ValidationError(
                "Communes introuvables dans ce département : " + ", ".join(f"« {text} »" for text in unknown) + "."
            )
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        date, start, end = data.get("date"), data.get("start"), data.get("end")
        if date and start and end:
            if end <= start:
                self.add_error("end", "L’heure de fin doit suivre l’heure de début.")
            else:
                data["starts_at"] = timezone.make_aware(dt.datetime.combine(date, start))
                data["ends_at"] = timezone.make_aware(dt.datetime.combine(date, end))
        if not data.get("place") and not data.get("video_url") and "place" not in self.errors:
            self.add_error("place", "Indiquez un lieu ou un lien de visioconférence.")
        if data.get("minutes") and data.get("status") != MeetingStatus.HELD:
            self.add_error(
                "minutes", "Le compte rendu s’ajoute une fois la réunion tenue : choisissez le statut « Tenue »."
            )
        return data

    def meeting_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "place": data["place"],
            "video_url": data["video_url"],
            "agenda": data["agenda"],
            "documents": data["documents"],
            "programmes": list(data["programmes"]),
        }
        if "status" in self.fields:
            values["status"] = data["status"]
            values["minutes"] = data["minutes"]
        return values


def initial_of(meeting: Meeting) -> dict[str, Any]:
    start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    return {
        "date": start.date(),
        "start": start.time(),
        "end": end.time(),
        "place": meeting.place,
        "video_url": meeting.video_url,
        "agenda": meeting.agenda,
        "documents": meeting.documents,
        "programmes": meeting.programmes,
        "communes": ", ".join(commune.name for commune in meeting.communes.order_by("name")),
        "status": meeting.status,
        "minutes": meeting.minutes,
    }


class RsvpForm(forms.Form):
    rsvp = forms.ChoiceField(
        label="Votre réponse",
        choices=Rsvp.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez une réponse.", "invalid_choice": "Choisissez une réponse."},
    )


def _delegate_name(invitation: Invitation) -> str:
    return invitation.delegate.user.get_full_name()


def _full_name(person: User) -> str:
    return person.get_full_name()


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label="Délégués présents",
        queryset=Invitation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Cochez les délégués présents ; les autres sont notés absents.",
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = meeting.invitations.select_related("delegate__user")
        field.label_from_instance = _delegate_name  # type: ignore[method-assign,assignment]
        field.initial = [invitation.pk for invitation in meeting.invitations.all() if invitation.attended]


class NoteForm(SafeTextForm):
    text = forms.CharField(
        label="Nouvelle note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Visible de vous seul.",
        error_messages={"required": "Écrivez la note avant de l’enregistrer."},
    )


class ActionForm(SafeTextForm):
    title = forms.CharField(label="Action", max_length=300, error_messages={"required": "Décrivez l’action à mener."})
    owner = forms.ModelChoiceField(
        label="Responsable",
        queryset=User.objects.none(),
        error_messages={"required": "Choisissez un responsable.", "invalid_choice": "Choisissez un responsable."},
    )
    due_on = forms.DateField(
        label="Échéance",
        widget=DATE,
        error_messages={"required": "Indiquez l’échéance.", "invalid": "Indiquez une date."},
    )

    def __init__(self, *args: Any, meeting: Meeting, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        invited = User.objects.filter(delegate__clct_invitations__meeting=meeting)
        field.queryset = (invited | User.objects.filter(pk=user.pk)).distinct().order_by("last_name", "email")
        field.label_from_instance = _full_name  # type: ignore[method-assign,assignment]
        field.initial = user.pk


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = DelegateSettings
        fields = ("digest_subscribed", "digest_when_empty")
