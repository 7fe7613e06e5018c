"""iCalendar: the delegate's feed and the invitation's .ics, parsed back with the `icalendar` library."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest
from django.urls import reverse

from partnership.clct import ical, services
from partnership.clct.enums import MeetingStatus
from partnership.clct.models import DelegateSettings
from partnership.notifications.enums import Purpose
from partnership.notifications.models import Delivery
from partnership.notifications.rendering import Attachment
from tests.clct.factories import MeetingFactory, committee

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def events(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def instant(event: icalendar.Event, name: str = "DTSTART") -> dt.datetime:
    value = event.decoded(name)
    assert value.tzinfo is not None, f"{name} is floating"
    return value.astimezone(dt.UTC)


def feed(client, user) -> bytes:
    token = DelegateSettings.of(user.delegate).calendar_token
    response = client.get(reverse("clct:ical-feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


def test_the_feed_has_the_regions_meetings_in_paris_time_with_its_vtimezone(client, delegate):
    summer = MeetingFactory(
        starts_at=dt.datetime(2027, 6, 15, 7, 30, tzinfo=dt.UTC), ends_at=dt.datetime(2027, 6, 15, 9, 0, tzinfo=dt.UTC)
    )
    winter = MeetingFactory(
        starts_at=dt.datetime(2027, 1, 12, 13, 0, tzinfo=dt.UTC), ends_at=dt.datetime(2027, 1, 12, 15, 0, tzinfo=dt.UTC)
    )
    elsewhere = MeetingFactory(committee=committee("15"))
    body = feed(client, delegate)
    calendar = icalendar.Calendar.from_ical(body)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    found = events(body)
    assert set(found) == {ical.uid(summer), ical.uid(winter)}
    assert ical.uid(elsewhere) not in found
    summer_event = found[ical.uid(summer)]
    assert summer_event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert summer_event.decoded("DTSTART").replace(tzinfo=None) == dt.datetime(2027, 6, 15, 9, 30)  # CEST
    assert instant(summer_event) == summer.starts_at
    assert found[ical.uid(winter)].decoded("DTSTART").replace(tzinfo=None) == dt.datetime(2027, 1, 12, 14, 0)  # CET
    assert instant(found[ical.uid(winter)], "DTEND") == winter.ends_at
    assert str(summer_event["SUMMARY"]) == "CLCT de la Corrèze"
    assert str(summer_event["LOCATION"]) == summer.place


def test_meetings_on_the_night_of_the_october_change_keep_their_instant(client, delegate):
    """25 October 2026: 03:00 CEST becomes 02:00 CET, so 02:30 happens twice (00:30 and 01:30 UTC)."""
    first = MeetingFactory(
        starts_at=dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 10, 25, 2, 30, tzinfo=dt.UTC),
        place="Astreinte",
    )
    second = MeetingFactory(
        starts_at=dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 10, 25, 3, 0, tzinfo=dt.UTC),
        place="Astreinte",
    )
    before = MeetingFactory(  # 01:15 CEST: not ambiguous, written in Paris time
        starts_at=dt.datetime(2026, 10, 24, 23, 15, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 10, 25, 0, 0, tzinfo=dt.UTC),
    )
    with pytest.MonkeyPatch.context() as patch:  # the feed keeps 180 days of past meetings: pin "now" before them
        patch.setattr("django.utils.timezone.now", lambda: dt.datetime(2026, 10, 1, tzinfo=dt.UTC))
        body = feed(client, delegate)
    found = events(body)
    assert instant(found[ical.uid(first)]) == first.starts_at
    assert instant(found[ical.uid(second)]) == second.starts_at
    assert instant(found[ical.uid(second)]) - instant(found[ical.uid(first)]) == dt.timedelta(hours=1)
    assert instant(found[ical.uid(first)], "DTEND") == first.ends_at
    assert found[ical.uid(before)]["DTSTART"].params["TZID"] == "Europe/Paris"
    assert instant(found[ical.uid(before)]) == before.starts_at
    # What the delegate sees on the page: the two 02:30 are told apart by the calendar's UTC instants.
    assert first.starts_at.astimezone(PARIS).strftime("%H:%M %Z") == "02:30 CEST"
    assert second.starts_at.astimezone(PARIS).strftime("%H:%M %Z") == "02:30 CET"


def test_updates_and_cancellations_keep_the_uid_with_a_higher_sequence(client, delegate, staff):
    start = dt.datetime(2027, 4, 8, 8, 0, tzinfo=dt.UTC)
    meeting = services.create_meeting(
        committee=committee("19"),
        actor=staff,
        values={"starts_at": start, "ends_at": start + dt.timedelta(hours=2), "place": "Tulle"},
    )
    first = events(feed(client, delegate))[ical.uid(meeting)]
    assert first["SEQUENCE"] == 0 and str(first["STATUS"]) == "CONFIRMED"

    services.update_meeting(meeting=meeting, actor=staff, values={"place": "Brive-la-Gaillarde"})
    updated = events(feed(client, delegate))[ical.uid(meeting)]
    assert updated["SEQUENCE"] == 1 and str(updated["LOCATION"]) == "Brive-la-Gaillarde"

    services.cancel_meeting(meeting=meeting, actor=staff)
    cancelled = events(feed(client, delegate))[ical.uid(meeting)]
    assert cancelled["SEQUENCE"] == 2 and str(cancelled["STATUS"]) == "CANCELLED"

    # Each invitation e-mail carries the same event at its version.
    sequences = {}
    for delivery in Delivery.objects.filter(purpose=Purpose.CLCT_INVITATION):
        (attachment,) = [Attachment.from_json(item) for item in delivery.attachments]
        assert attachment.mimetype == "text/calendar"
        (event,) = events(attachment.data).values()
        assert str(event["UID"]) == ical.uid(meeting)
        sequences[delivery.key.rsplit(":", 1)[1]] = (event["SEQUENCE"], str(event["STATUS"]))
    assert sequences == {"v0": (0, "CONFIRMED"), "v1": (1, "CONFIRMED"), "v2": (2, "CANCELLED")}
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED


def test_a_revoked_or_unknown_feed_address_is_404(client, delegate):
    assert client.get(reverse("clct:ical-feed", args=["inconnu"])).status_code == 404
    token = DelegateSettings.of(delegate.delegate).calendar_token
    delegate.is_active = False
    delegate.save()
    assert client.get(reverse("clct:ical-feed", args=[token])).status_code == 404
