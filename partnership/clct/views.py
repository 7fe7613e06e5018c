"""The CLCT space (/clct/): Apec delegates and staff. Every object is looked up through the user-scoped
QuerySets of models.py, so another région's committee, meeting or action answers 404."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from offers.models import Offer
from partnership.accounts.access import login_required
from partnership.accounts.models import Delegate, User
from partnership.clct import ical, links, services
from partnership.clct.enums import MeetingStatus, Rsvp
from partnership.clct.filters import MeetingFilterSet
from partnership.clct.forms import ActionForm, AttendanceForm, MeetingForm, NoteForm, PreferencesForm, RsvpForm
from partnership.clct.models import (
    Action,
    Committee,
    DelegateSettings,
    Invitation,
    Meeting,
    MeetingQuerySet,
    Note,
    is_participant,
)
from partnership.formatting import MONTHS, of_place
from territories.enums import ProgrammeCode
from territories.models import Programme

View = Callable[..., HttpResponse]
PAGE_SIZE = 20
GLANCE_LISTED = 12  # communes named per programme; the programme's page lists them all
GLANCE_PROGRAMMES = (ProgrammeCode.PVD, ProgrammeCode.ACV, ProgrammeCode.TI, ProgrammeCode.QPV, ProgrammeCode.FRR)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def participant_required(view: View | None = None, *, form_page: str | None = None) -> Any:
    """Logged in (else the login page), and staff or an Apec delegate (else 403)."""

    def decorator(view: View) -> View:
        @login_required(form_page=form_page)
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not is_participant(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _delegate(request: HttpRequest) -> Delegate | None:
    return Delegate.objects.filter(user=_user(request)).first()


def _own_delegate(request: HttpRequest) -> Delegate:
    """The delegate profile of the user: pages about one's own invitations and settings (staff: 403)."""
    delegate = _delegate(request)
    if delegate is None:
        raise PermissionDenied
    return delegate


def _meetings(request: HttpRequest) -> MeetingQuerySet:
    return Meeting.objects.visible_to(request.user).select_related("committee__departement")


def _with_my_invitation(meetings: QuerySet[Meeting], user: User) -> QuerySet[Meeting]:
    return meetings.prefetch_related(
        Prefetch("invitations", queryset=Invitation.objects.filter(delegate__user=user), to_attr="mine")
    )


def _title(meeting: Meeting) -> str:
    return ical.title(meeting)


def _page(
    request: HttpRequest, template: str, current: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """A page of the space: its menu (`current`), the delegate's links, and the breadcrumb back to the space."""
    base = {
        "current": current,
        "is_delegate": _delegate(request) is not None,
        "breadcrumb": [("Espace CLCT", reverse("clct:home"))],
    }
    return render(request, template, base | context, status=status)


# --- Pages of the space ----------------------------------------------------------------------------


@require_GET
@participant_required
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    now = timezone.now()
    upcoming = _with_my_invitation(_meetings(request).upcoming(now).exclude(status=MeetingStatus.CANCELLED), user)
    owed = (
        Invitation.objects.of_user(user)
        .pending()
        .filter(meeting__in=Meeting.objects.visible_to(user).values("pk"))
        .select_related("meeting__committee__departement")
        .order_by("meeting__starts_at")
    )
    actions = (
        Action.objects.visible_to(user).open().filter(owner=user).select_related("meeting__committee__departement")
    )
    past = _meetings(request).past(now).filter(status=MeetingStatus.HELD).exclude(minutes="").order_by("-starts_at")
    context = {
        "upcoming": list(upcoming[:10]),
        "owed": list(owed[:20]),
        "actions": list(actions[:20]),
        "today": timezone.localdate(),
        "past": list(past[:5]),
        "committees": Committee.objects.visible_to(user).select_related("departement"),
    }
    return _page(request, "clct/home.html", "home", context)


@require_GET
@participant_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filterset = MeetingFilterSet(
        request.GET, queryset=_meetings(request), committees=Committee.objects.visible_to(user)
    )
    meetings = _with_my_invitation(filterset.qs, user)
    from django.core.paginator import Paginator

    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
    }
    return _page(request, "clct/meeting_list.html", "meetings", context)


def _month(value: str | None) -> dt.date:
    today = timezone.localdate()
    if value:
        try:
            year, month = (int(part) for part in value.split("-", 1))
            if 2000 <= year <= 2100 and 1 <= month <= 12:
                return dt.date(year, month, 1)
        except ValueError:
            pass
    return today.replace(day=1)


@require_GET
@participant_required
def month_calendar(request: HttpRequest) -> HttpResponse:
    month = _month(request.GET.get("mois"))
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    start = timezone.make_aware(dt.datetime.combine(weeks[0][0], dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(weeks[-1][-1] + dt.timedelta(days=1), dt.time.min))
    by_day: dict[dt.date, list[Meeting]] = {}
    for meeting in _meetings(request).filter(starts_at__gte=start, starts_at__lt=end):
        by_day.setdefault(timezone.localdate(meeting.starts_at), []).append(meeting)
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    context = {
        "month_label": f"{MONTHS[month.month - 1]} {month.year}",
        "weeks": [
            [{"date": day, "in_month": day.month == month.month, "meetings": by_day.get(day, [])} for day in week]
            for week in weeks
        ],
        "weekdays": WEEKDAYS,
        "today": timezone.localdate(),
        "previous": {"value": f"{previous:%Y-%m}", "label": f"{MONTHS[previous.month - 1]} {previous.year}"},
        "following": {"value": f"{following:%Y-%m}", "label": f"{MONTHS[following.month - 1]} {following.year}"},
        "count": sum(len(day) for day in by_day.values()),
    }
    return _page(request, "clct/calendar.html", "calendar", context)


@require_GET
@participant_required
def action_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    late = request.GET.get("en_retard") == "1"
    actions = (
        Action.objects.visible_to(user).filter(owner=user).select_related("meeting__committee__departement", "owner")
    )
    actions = actions.overdue() if late else actions.order_by("done_at", "due_on", "id")
    context = {
        "actions": actions,
        "late": late,
        "today": timezone.localdate(),
    }
    return _page(request, "clct/action_list.html", "actions", context)


@require_GET
@participant_required
def committee_detail(request: HttpRequest, departement: str) -> HttpResponse:
    committee = get_object_or_404(
        Committee.objects.visible_to(request.user).select_related("departement__region"), departement_id=departement
    )
    communes = committee.departement.communes.order_by("name").only("code", "name", "slug", "programmes")
    slugs = dict(Programme.objects.values_list("code", "slug"))
    glance = []
    for code in GLANCE_PROGRAMMES:
        in_programme = communes.filter(programmes__contains=[code])
        glance.append(
            {
                "code": code,
                "label": ProgrammeCode(code).label,
                "count": in_programme.count(),
                "communes": list(in_programme[:GLANCE_LISTED]),
                "url": reverse("territories:programme", args=[slugs[code]]) + f"?departement={committee.departement_id}"
                if code in slugs
                else "",
            }
        )
    offers = Offer.objects.published().filter(departement=committee.departement)
    context = {
        "committee": committee,
        "name": of_place(committee.departement.name, committee.departement.tncc),
        "glance": glance,
        "offers": offers.order_by("-published_at")
        .only("pk", "slug", "title", "kind", "employer_name", "commune__name")
        .select_related("commune")[:10],
        "offers_count": offers.count(),
        "meetings": committee.meetings.order_by("-starts_at")[:20],
    }
    return _page(request, "clct/committee_detail.html", "committee", context)


# --- Meetings ------------------------------------------------------------------------------------------


def _editable_committee(request: HttpRequest, departement: str) -> Committee:
    return get_object_or_404(
        Committee.objects.editable_by(request.user).select_related("departement"), departement_id=departement
    )


@require_http_methods(["GET", "HEAD", "POST"])
@participant_required(form_page="clct:meeting-create")
def meeting_create(request: HttpRequest, departement: str) -> HttpResponse:
    committee = _editable_committee(request, departement)
    form = MeetingForm(request.POST if request.method == "POST" else None, committee=committee)
    if request.method == "POST" and form.is_valid():
        meeting = services.create_meeting(
            committee=committee,
            actor=_user(request),
            values=form.meeting_values(),
            communes=form.cleaned_data["communes"],
        )
        messages.success(request, "La réunion est enregistrée ; les délégués de la région sont invités par courriel.")
        return redirect(meeting)
    context = {
        "form": form,
        "committee": committee,
        "name": of_place(committee.departement.name, committee.departement.tncc),
        "meeting": None,
    }
    return _page(request, "clct/meeting_form.html", "meetings", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@participant_required(form_page="clct:meeting-edit")
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        Meeting.objects.editable_by(request.user).select_related("committee__departement"), pk=pk
    )
    form = MeetingForm(request.POST if request.method == "POST" else None, committee=meeting.committee, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        changed = services.update_meeting(
            meeting=meeting, actor=_user(request), values=form.meeting_values(), communes=form.cleaned_data["communes"]
        )
        messages.success(request, "Modifications enregistrées." if changed else "Aucune modification.")
        return redirect(meeting)
    context = {
        "form": form,
        "meeting": meeting,
        "committee": meeting.committee,
        "name": of_place(meeting.committee.departement.name, meeting.committee.departement.tncc),
        "breadcrumb": [("Espace CLCT", reverse("clct:home")), (_title(meeting), meeting.get_absolute_url())],
    }
    return _page(request, "clct/meeting_form.html", "meetings", context, status=400 if form.errors else 200)


def _visible_meeting(request: HttpRequest, pk: int) -> Meeting:
    return get_object_or_404(_meetings(request), pk=pk)


def _meeting_page(request: HttpRequest, meeting: Meeting, *, status: int = 200, **forms: Any) -> HttpResponse:
    user = _user(request)
    delegate = _delegate(request)
    mine = meeting.invitations.filter(delegate=delegate).first() if delegate else None
    invitations = meeting.invitations.select_related("delegate__user").order_by("delegate__user__last_name")
    context = {
        "meeting": meeting,
        "title": _title(meeting),
        "mine": mine,
        "can_answer": delegate is not None and meeting.status == MeetingStatus.PLANNED and not meeting.is_past,
        "invitations": invitations,
        "notes": Note.objects.filter(meeting=meeting, author=user),
        "actions": meeting.actions.select_related("owner"),
        "changes": meeting.changes.select_related("actor")[:20],
        "communes": meeting.communes.order_by("name"),
        "today": timezone.localdate(),
        "rsvp_form": forms.get("rsvp_form") or RsvpForm(initial={"rsvp": mine.rsvp if mine else None}),
        "attendance_form": forms.get("attendance_form") or AttendanceForm(meeting=meeting),
        "note_form": forms.get("note_form") or NoteForm(),
        "action_form": forms.get("action_form") or ActionForm(meeting=meeting, user=user),
    }
    return _page(request, "clct/meeting_detail.html", "meetings", context, status=status)


@require_GET
@participant_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, _visible_meeting(request, pk))


@require_POST
@participant_required(form_page="clct:meeting")
def meeting_rsvp(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _visible_meeting(request, pk)
    delegate = _own_delegate(request)
    form = RsvpForm(request.POST)
    if meeting.status != MeetingStatus.PLANNED or meeting.is_past:
        messages.error(request, "Cette réunion a commencé, est passée ou a été annulée : la réponse est close.")
        return redirect(meeting)
    if not form.is_valid():
        return _meeting_page(request, meeting, status=400, rsvp_form=form)
    invitation, _ = Invitation.objects.get_or_create(meeting=meeting, delegate=delegate)
    services.answer(invitation=invitation, rsvp=form.cleaned_data["rsvp"])
    messages.success(request, f"Réponse enregistrée : {Rsvp(form.cleaned_data['rsvp']).label}.")
    return redirect(meeting)


@require_POST
@participant_required(form_page="clct:meeting")
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.editable_by(request.user), pk=pk)
    if not meeting.is_past or meeting.status == MeetingStatus.CANCELLED:
        messages.error(request, "Les présences s’enregistrent après la réunion.")
        return redirect(meeting)
    form = AttendanceForm(request.POST, meeting=meeting)
    if not form.is_valid():
        return _meeting_page(request, meeting, status=400, attendance_form=form)
    services.record_attendance(
        meeting=meeting, actor=_user(request), present=[invitation.pk for invitation in form.cleaned_data["present"]]
    )
    messages.success(request, "Présences enregistrées.")
    return redirect(meeting)


@require_POST
@participant_required(form_page="clct:meeting")
def meeting_note(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _visible_meeting(request, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _meeting_page(request, meeting, status=400, note_form=form)
    services.add_note(meeting=meeting, author=_user(request), text=form.cleaned_data["text"])
    messages.success(request, "Note enregistrée.")
    return redirect(f"{meeting.get_absolute_url()}#notes")


@require_POST
@participant_required(form_page="clct:meeting")
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _visible_meeting(request, pk)
    user = _user(request)
    form = ActionForm(request.POST, meeting=meeting, user=user)
    if not form.is_valid():
        return _meeting_page(request, meeting, status=400, action_form=form)
    data = form.cleaned_data
    services.add_action(meeting=meeting, actor=user, title=data["title"], owner=data["owner"], due_on=data["due_on"])
    messages.success(request, "Action ajoutée.")
    return redirect(f"{meeting.get_absolute_url()}#actions")


@require_POST
@participant_required(form_page="clct:actions")
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(Action.objects.visible_to(request.user).select_related("meeting"), pk=pk)
    done = request.POST.get("fait", "1") != "0"
    services.mark_done(action=action, done=done)
    messages.success(request, f"Action « {action.title} » {'faite' if done else 'rouverte'}.")
    back = request.POST.get("retour")
    if back == "actions":
        return redirect("clct:actions")
    return redirect(f"{action.meeting.get_absolute_url()}#actions")


# --- Calendar feed, preferences -------------------------------------------------------------------------


@require_GET
@participant_required
def subscription(request: HttpRequest) -> HttpResponse:
    prefs = DelegateSettings.of(_own_delegate(request))
    feed_url = request.build_absolute_uri(reverse("clct:ical-feed", args=[prefs.calendar_token]))
    return _page(request, "clct/subscription.html", "subscription", {"feed_url": feed_url})


@require_POST
@participant_required(form_page="clct:subscription")
def subscription_renew(request: HttpRequest) -> HttpResponse:
    services.renew_calendar_token(delegate=_own_delegate(request))
    messages.success(
        request, "Nouvelle adresse créée : l’ancienne ne fonctionne plus. Abonnez votre agenda à la nouvelle."
    )
    return redirect("clct:subscription")


@require_safe
def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    prefs = (
        DelegateSettings.objects.select_related("delegate__user")
        .filter(calendar_token=token, delegate__user__is_active=True)
        .first()
    )
    if prefs is None:
        raise Http404("calendrier introuvable")
    since = timezone.now() - dt.timedelta(days=180)
    meetings = (
        Meeting.objects.visible_to(prefs.delegate.user)
        .filter(starts_at__gte=since)
        .select_related("committee__departement")
        .order_by("starts_at")
    )
    body = ical.calendar(meetings, name="Réunions des CLCT – Talents des territoires")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="clct.ics"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@participant_required(form_page="clct:preferences")
def preferences(request: HttpRequest) -> HttpResponse:
    prefs = DelegateSettings.of(_own_delegate(request))
    form = PreferencesForm(request.POST if request.method == "POST" else None, instance=prefs)
    if request.method == "POST" and form.is_valid():
        prefs = form.save(commit=False)
        prefs.unsubscribed_at = None if prefs.digest_subscribed else (prefs.unsubscribed_at or timezone.now())
        prefs.save()
        messages.success(request, "Préférences enregistrées.")
        return redirect("clct:preferences")
    return _page(request, "clct/preferences.html", "preferences", {"form": form}, status=400 if form.errors else 200)


# --- Links of the e-mails (no login) --------------------------------------------------------------------


def _link_error(request: HttpRequest, error: links.LinkError) -> HttpResponse:
    return render(request, "clct/link_error.html", {"reason": error.reason}, status=error.status)


@require_http_methods(["GET", "HEAD", "POST"])
def rsvp_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the answer and asks to confirm; POST records it (once)."""
    user = request.user if isinstance(request.user, User) else None
    try:
        claim = links.read_rsvp_token(token)
    except links.LinkError as error:
        return _link_error(request, error)
    invitation = (
        Invitation.objects.select_related("meeting__committee__departement", "delegate__user")
        .filter(pk=claim.invitation_id)
        .first()
    )
    if invitation is None:
        return _link_error(request, links.LinkError("Cette invitation n’existe plus."))
    try:
        if request.method == "POST":
            invitation = services.answer_from_link(claim=claim, user=user)
        else:
            services.check_link(invitation=invitation, claim=claim, user=user)
    except links.LinkError as error:
        return _link_error(request, error)
    context = {
        "invitation": invitation,
        "meeting": invitation.meeting,
        "title": _title(invitation.meeting),
        "answer": Rsvp(claim.rsvp).label,
        "done": request.method == "POST",
    }
    return render(request, "clct/rsvp_link.html", context)


@csrf_exempt  # RFC 8058: a mail client's one-click POST carries no CSRF token; the signed link is the secret
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        delegate_id = links.read_unsubscribe_token(token)
    except links.LinkError as error:
        return _link_error(request, error)
    delegate = Delegate.objects.filter(pk=delegate_id).first()
    if delegate is None:
        return _link_error(request, links.LinkError("Ce lien de désabonnement n’est plus valide."))
    if request.method == "POST":
        services.unsubscribe(delegate=delegate)
    return render(request, "clct/unsubscribe.html", {"done": request.method == "POST"})
