"""iCalendar for CLCT meetings (the `icalendar` library): a delegate's feed and each invitation's `.ics`.

- Times are written in Europe/Paris with its `VTIMEZONE`, so that calendars show the right hour on
  either side of a daylight-saving change; a local time that does not name one instant (the hour
  between 2:00 and 3:00 on the October night, which happens twice, or the March hour that never
  happens) is written in UTC instead, which every calendar reads unambiguously.
- One `UID` per meeting for its whole life; `SEQUENCE` is the meeting's `sequence`, raised at every
  change (services.update_meeting, cancel): a calendar replaces the event it holds. A cancelled meeting
  stays in the feed with `STATUS:CANCELLED`; so does an invitation's `.ics`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import zoneinfo
from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.utils import timezone

from partnership.clct.enums import MeetingStatus
from partnership.clct.models import Meeting
from partnership.formatting import of_place

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
PRODID = "-//Talents des territoires//CLCT//FR"


def uid(meeting: Meeting) -> str:
    domain = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"clct-meeting-{meeting.pk}@{domain}"


def paris_time(instant: dt.datetime) -> dt.datetime:
    """The instant in Europe/Paris when that local time names it alone; in UTC otherwise."""
    local = instant.astimezone(PARIS)
    naive = local.replace(tzinfo=None)
    folds = {naive.replace(fold=fold).replace(tzinfo=PARIS).utcoffset() for fold in (0, 1)}
    if len(folds) > 1:  # ambiguous (October) or non-existent (March): no TZID can say which
        return instant.astimezone(dt.UTC)
    return local


def title(meeting: Meeting) -> str:
    departement = meeting.committee.departement
    return f"CLCT {of_place(departement.name, departement.tncc)}"


def event(meeting: Meeting, *, stamp: dt.datetime | None = None) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", uid(meeting))
    vevent.add("sequence", meeting.sequence)
    vevent.add("dtstamp", (stamp or timezone.now()).astimezone(dt.UTC))
    vevent.add("last-modified", meeting.updated_at.astimezone(dt.UTC))
    vevent.add("dtstart", paris_time(meeting.starts_at))
    vevent.add("dtend", paris_time(meeting.ends_at))
    vevent.add("summary", title(meeting))
    location = meeting.place or meeting.video_url
    if location:
        vevent.add("location", location)
    page = settings.SITE_URL.rstrip("/") + meeting.get_absolute_url()
    vevent.add("url", page)
    description = [meeting.agenda.strip()] if meeting.agenda.strip() else []
    if meeting.video_url:
        description.append(f"Visioconférence : {meeting.video_url}")
    description.append(f"La réunion sur Talents des territoires : {page}")
    vevent.add("description", "\n\n".join(description))
    vevent.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    return vevent


def calendar(meetings: Iterable[Meeting], *, name: str, method: str | None = None) -> bytes:
    """A VCALENDAR with one VEVENT per meeting and the VTIMEZONE of Europe/Paris."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    stamp = timezone.now()
    for meeting in meetings:
        cal.add_component(event(meeting, stamp=stamp))
    if not cal.timezones:
        cal.add_component(icalendar.Timezone.from_tzid("Europe/Paris"))
    cal.add_missing_timezones()
    return cal.to_ical()


def invitation_file(meeting: Meeting) -> bytes:
    """The `.ics` of an invitation e-mail (`METHOD:PUBLISH`: no organizer to answer to; a cancellation is
    the same event with `STATUS:CANCELLED` and a higher `SEQUENCE`)."""
    return calendar([meeting], name=title(meeting), method="PUBLISH")
