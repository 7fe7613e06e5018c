"""CLCT participation: committees (one per département), meetings, invitations of Apec delegates with their
answers and attendance, private notes, follow-up actions, and each delegate's digest and calendar settings.

Who sees what (docs/architecture.md, « CLCT »): a delegate sees the committees of their régions, staff every
committee (or those of their départements when they are limited to some), nobody else any. Every view looks
objects up through the `visible_to(user)` QuerySets below, so another région's object is a 404.
Writes go through `services.py`.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from partnership.accounts.models import AnyUser, Delegate, User
from partnership.clct.enums import MeetingStatus, Rsvp
from territories.enums import ProgrammeCode
from territories.models import Commune, Departement


def _active(user: AnyUser) -> User | None:
    return user if isinstance(user, User) and user.is_active else None


def committee_scope(user: AnyUser, departement_field: str) -> Q | None:
    """The condition on `departement_field` (a path to a département's code) of what `user` may see:
    None when everything (superuser, staff not limited to départements); a condition that matches
    nothing for people with no role in the CLCT."""
    viewer = _active(user)
    if viewer is None:
        return Q(pk__in=[])
    if viewer.is_superuser:
        return None
    condition = Q(pk__in=[])
    if viewer.is_staff:
        scope = viewer.departement_scope()
        if scope is None:
            return None
        condition |= Q(**{f"{departement_field}__in": scope})
    condition |= Q(**{f"{departement_field}__region__delegates__user": viewer})
    return condition


def is_participant(user: AnyUser) -> bool:
    """Staff, or an Apec delegate: the people the CLCT space is for."""
    viewer = _active(user)
    return viewer is not None and (viewer.is_staff or Delegate.objects.filter(user=viewer).exists())


class CommitteeQuerySet(models.QuerySet["Committee"]):
    def visible_to(self, user: AnyUser) -> CommitteeQuerySet:
        condition = committee_scope(user, "departement")
        return self.all() if condition is None else self.filter(condition).distinct()

    def editable_by(self, user: AnyUser) -> CommitteeQuerySet:
        """Staff and the région's delegates both manage the meetings of a committee they see."""
        return self.visible_to(user)


class Committee(models.Model):
    """The comité local de cohésion territoriale of a département, chaired by the préfet."""

    departement = models.OneToOneField(
        Departement, verbose_name="département", on_delete=models.PROTECT, primary_key=True, related_name="committee"
    )
    prefecture_contact_name = models.CharField("contact à la préfecture", max_length=200, blank=True)
    prefecture_contact_email = models.EmailField("courriel du contact à la préfecture", blank=True)
    prefecture_contact_phone = models.CharField("téléphone du contact à la préfecture", max_length=30, blank=True)
    secretariat = models.CharField("secrétariat", max_length=200, blank=True)
    secretariat_email = models.EmailField("courriel du secrétariat", blank=True)

    objects = CommitteeQuerySet.as_manager()

    class Meta:
        verbose_name = "comité local de cohésion territoriale"
        verbose_name_plural = "comités locaux de cohésion territoriale"
        ordering = ["departement"]

    def __str__(self) -> str:
        return f"CLCT {self.departement.code} – {self.departement.name}"


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: AnyUser) -> MeetingQuerySet:
        condition = committee_scope(user, "committee__departement")
        return self.all() if condition is None else self.filter(condition).distinct()

    def editable_by(self, user: AnyUser) -> MeetingQuerySet:
        return self.visible_to(user)

    def upcoming(self, now: dt.datetime | None = None) -> MeetingQuerySet:
        return self.filter(starts_at__gte=now or timezone.now())

    def past(self, now: dt.datetime | None = None) -> MeetingQuerySet:
        return self.filter(starts_at__lt=now or timezone.now())


class Meeting(models.Model):
    """One meeting of a committee. `sequence` grows at every change: calendars (iCalendar `SEQUENCE`) then
    replace the event they have under the same `UID`."""

    committee = models.ForeignKey(Committee, verbose_name="comité", on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    place = models.CharField("lieu", max_length=300, blank=True)
    video_url = models.URLField("lien de visioconférence", max_length=500, blank=True)
    agenda = models.TextField("ordre du jour", blank=True)
    documents = models.TextField(
        "documents",
        blank=True,
        help_text="Un lien par ligne, précédé si vous le souhaitez de son titre et d’une barre verticale : "
        "« Relevé de décisions | https://… ».",
    )
    status = models.CharField("statut", max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    minutes = models.TextField("compte rendu", blank=True)
    programmes = ArrayField(
        models.CharField(max_length=10, choices=ProgrammeCode.choices),
        verbose_name="programmes évoqués",
        default=list,
        blank=True,
    )
    communes = models.ManyToManyField(
        Commune, verbose_name="communes concernées", blank=True, related_name="clct_meetings"
    )
    sequence = models.PositiveIntegerField("version", default=0)
    created_by = models.ForeignKey(
        User, verbose_name="créée par", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)
    updated_at = models.DateTimeField("modifiée le", default=timezone.now)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "réunion"
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=MeetingStatus.values), name="clct_meeting_status_valid"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="clct_meeting_ends_after_start",
                violation_error_message="La fin de la réunion doit suivre son début.",
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_url=""),
                name="clct_meeting_place_or_video",
                violation_error_message="Indiquez un lieu ou un lien de visioconférence.",
            ),
            models.CheckConstraint(
                condition=Q(minutes="") | Q(status=MeetingStatus.HELD),
                name="clct_meeting_minutes_when_held",
                violation_error_message="Le compte rendu s’ajoute une fois la réunion tenue.",
            ),
        ]
        indexes = [models.Index(fields=["committee", "starts_at"], name="clct_meeting_committee_start")]

    def __str__(self) -> str:
        return f"{self.committee} – {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("clct:meeting", args=[self.pk])

    @property
    def is_past(self) -> bool:
        return self.starts_at < timezone.now()

    def document_links(self) -> list[tuple[str, str]]:
        """(title, URL) of each line of `documents` (the URL itself when the line has no title)."""
        links = []
        for line in self.documents.splitlines():
            title, _, url = line.rpartition("|")
            url = url.strip()
            if url:
                links.append((title.strip() or url, url))
        return links

    def programme_names(self) -> list[str]:
        labels = dict(ProgrammeCode.choices)
        return [labels.get(code, code) for code in self.programmes]


class MeetingChange(models.Model):
    """Who changed a meeting, when, and what (the fields' labels, and a sentence)."""

    meeting = models.ForeignKey(Meeting, verbose_name="réunion", on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(User, verbose_name="par", on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField("le", default=timezone.now)
    summary = models.CharField("modification", max_length=500)

    class Meta:
        verbose_name = "modification d’une réunion"
        verbose_name_plural = "modifications des réunions"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.summary


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def of_user(self, user: AnyUser) -> InvitationQuerySet:
        viewer = _active(user)
        return self.filter(delegate__user=viewer) if viewer is not None else self.none()

    def pending(self) -> InvitationQuerySet:
        return self.filter(rsvp="", meeting__status=MeetingStatus.PLANNED, meeting__starts_at__gte=timezone.now())


class Invitation(models.Model):
    """A delegate invited to a meeting: their answer (RSVP) and, after the meeting, whether they attended.
    `link_version` grows whenever the answer changes: the e-mail's links of an earlier version are spent."""

    meeting = models.ForeignKey(Meeting, verbose_name="réunion", on_delete=models.CASCADE, related_name="invitations")
    delegate = models.ForeignKey(
        Delegate, verbose_name="délégué", on_delete=models.CASCADE, related_name="clct_invitations"
    )
    rsvp = models.CharField("réponse", max_length=5, choices=Rsvp.choices, blank=True)
    rsvp_at = models.DateTimeField("répondu le", null=True, blank=True)
    attended = models.BooleanField("présent", null=True, blank=True)
    link_version = models.PositiveIntegerField(default=0)
    invited_at = models.DateTimeField("invité le", default=timezone.now)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation"
        ordering = ["meeting", "delegate"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "delegate"],
                name="clct_invitation_once_per_delegate",
                violation_error_message="Ce délégué est déjà invité à cette réunion.",
            ),
            models.CheckConstraint(condition=Q(rsvp="") | Q(rsvp__in=Rsvp.values), name="clct_invitation_rsvp_valid"),
            models.CheckConstraint(
                condition=Q(rsvp="", rsvp_at__isnull=True) | (~Q(rsvp="") & Q(rsvp_at__isnull=False)),
                name="clct_invitation_rsvp_at_iff_answered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegate} – {self.meeting}"


class Note(models.Model):
    """A private note on a meeting: only its author reads it."""

    meeting = models.ForeignKey(Meeting, verbose_name="réunion", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, verbose_name="auteur", on_delete=models.CASCADE, related_name="clct_notes")
    text = models.TextField("note")
    created_at = models.DateTimeField("écrite le", default=timezone.now)

    class Meta:
        verbose_name = "note privée"
        verbose_name_plural = "notes privées"
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="clct_note_not_empty")]

    def __str__(self) -> str:
        return f"Note de {self.author} sur {self.meeting}"


class ActionQuerySet(models.QuerySet["Action"]):
    def visible_to(self, user: AnyUser) -> ActionQuerySet:
        return self.filter(meeting__in=Meeting.objects.visible_to(user).values("pk"))

    def open(self) -> ActionQuerySet:
        return self.filter(done_at__isnull=True)

    def overdue(self, today: dt.date | None = None) -> ActionQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())


class Action(models.Model):
    """A follow-up action decided at a meeting: its owner, its due date, and when it was done."""

    meeting = models.ForeignKey(Meeting, verbose_name="réunion", on_delete=models.CASCADE, related_name="actions")
    title = models.CharField("action", max_length=300)
    owner = models.ForeignKey(User, verbose_name="responsable", on_delete=models.PROTECT, related_name="clct_actions")
    due_on = models.DateField("échéance")
    done_at = models.DateTimeField("faite le", null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField("créée le", default=timezone.now)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = "action de suivi"
        verbose_name_plural = "actions de suivi"
        ordering = ["due_on", "id"]
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="clct_action_title_not_empty")]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.done_at is None and self.due_on < (today or timezone.localdate())


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class DelegateSettings(models.Model):
    """A delegate's weekly digest and the secret of their calendar feed (revoked by drawing a new one)."""

    delegate = models.OneToOneField(
        Delegate, verbose_name="délégué", on_delete=models.CASCADE, primary_key=True, related_name="clct_settings"
    )
    digest_subscribed = models.BooleanField("recevoir le récapitulatif hebdomadaire", default=True)
    digest_when_empty = models.BooleanField(
        "le recevoir aussi les semaines sans nouveauté",
        default=False,
        help_text="Sinon, une semaine sans réunion, réponse attendue, action ni offre nouvelle n’envoie rien.",
    )
    calendar_token = models.CharField(
        "secret de l’adresse du calendrier", max_length=64, unique=True, default=new_calendar_token
    )
    unsubscribed_at = models.DateTimeField("désabonné le", null=True, blank=True)

    class Meta:
        verbose_name = "préférences d’un délégué"
        verbose_name_plural = "préférences des délégués"

    def __str__(self) -> str:
        return f"Préférences de {self.delegate}"

    @classmethod
    def of(cls, delegate: Delegate) -> DelegateSettings:
        """The delegate's settings, written with the delegate (`services.give_delegate_settings`, and
        migration 0004 for the delegates before it); created here only if staff deleted the row."""
        settings, _ = cls.objects.get_or_create(delegate=delegate)
        return settings
