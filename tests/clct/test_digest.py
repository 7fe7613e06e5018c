"""The weekly digest: its content for a seeded week, and once per delegate and ISO week."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
from django.core.management import CommandError, call_command

from offers import lifecycle
from offers.enums import OfferKind, OfferStatus
from partnership.clct import digest
from partnership.clct.digest import Week
from partnership.clct.enums import Rsvp
from partnership.clct.models import DelegateSettings
from partnership.clct.tasks import dispatch_digests
from partnership.clct.tasks import send_digest as send_digest_task
from partnership.notifications.enums import Purpose
from partnership.notifications.models import Delivery
from tests.alerts.support import publish
from tests.clct.factories import ActionFactory, InvitationFactory, MeetingFactory, committee
from tests.factories import DelegateFactory

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
WEEK = Week(2026, 45)  # Monday 2 November 2026


def paris(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def meeting_at(start: dt.datetime, code: str = "19"):
    return MeetingFactory(committee=committee(code), starts_at=start, ends_at=start + dt.timedelta(hours=2))


@pytest.fixture
def seeded(delegate):
    """A week of the Nouvelle-Aquitaine delegate, with what must and must not be in its digest."""
    me = delegate.delegate
    pending = InvitationFactory(delegate=me, meeting=meeting_at(paris(2026, 11, 3, 14, 0)))
    answered = InvitationFactory(
        delegate=me, meeting=meeting_at(paris(2026, 11, 14, 9, 30)), rsvp=Rsvp.YES, rsvp_at=paris(2026, 10, 20, 9, 0)
    )
    InvitationFactory(delegate=me, meeting=meeting_at(paris(2026, 11, 19, 9, 30)))  # after 14 days: not listed
    meeting_at(paris(2026, 11, 4, 10, 0), code="15")  # Cantal: another région
    late = ActionFactory(
        meeting=pending.meeting, owner=delegate, due_on=dt.date(2026, 10, 26), title="Relancer la préfecture"
    )
    this_week = ActionFactory(
        meeting=pending.meeting, owner=delegate, due_on=dt.date(2026, 11, 5), title="Envoyer le bilan VTA"
    )
    ActionFactory(meeting=pending.meeting, owner=delegate, due_on=dt.date(2026, 11, 12), title="Plus tard")
    ActionFactory(
        meeting=pending.meeting,
        owner=delegate,
        due_on=dt.date(2026, 10, 26),
        title="Déjà faite",
        done_at=paris(2026, 10, 27, 8, 0),
    )
    vte = publish(paris(2026, 10, 27, 10, 0), title="Ingénieur méthodes", commune="19272")
    vacancy = publish(
        paris(2026, 10, 29, 10, 0),
        title="Chef de projet Petites villes de demain",
        kind=OfferKind.CHEF_DE_PROJET,
        commune="19031",
    )
    publish(paris(2026, 10, 28, 10, 0), title="Hors région", commune="15014")
    publish(paris(2026, 11, 2, 1, 0), title="Cette semaine", commune="19272")  # after the news window
    filled = publish(
        paris(2026, 10, 1, 10, 0), title="Chef de projet ACV", kind=OfferKind.CHEF_DE_PROJET, commune="19031"
    )
    lifecycle.close(offer=filled, status=OfferStatus.FILLED, at=paris(2026, 10, 30, 16, 0))
    return {
        "pending": pending,
        "answered": answered,
        "late": late,
        "this_week": this_week,
        "vte": vte,
        "vacancy": vacancy,
        "filled": filled,
    }


def test_the_digest_of_a_seeded_week(delegate, seeded):
    content = digest.content(delegate.delegate, WEEK)
    assert content["week"] == "2026-W45"
    assert content["week_label"] == "semaine du 2 novembre 2026"
    assert [(row["when"], row["answer"]) for row in content["meetings"]] == [
        ("3 novembre 2026 à 14:00", "réponse attendue"),
        ("14 novembre 2026 à 09:30", "vous participez"),
    ]
    assert [row["when"] for row in content["pending"]] == ["3 novembre 2026", "19 novembre 2026"]
    assert [(row["title"], row["late"]) for row in content["actions"]] == [
        ("Relancer la préfecture", True),
        ("Envoyer le bilan VTA", False),
    ]
    assert content["news_label"] == "du 26 octobre 2026 au 1er novembre 2026"
    assert content["published_total"] == 2
    assert content["published_by_kind"] == [{"label": "VTE", "count": 1}, {"label": "Chef de projet", "count": 1}]
    expected_programmes = {}
    for offer in (seeded["vte"], seeded["vacancy"]):
        for code in offer.programmes:
            expected_programmes[code] = expected_programmes.get(code, 0) + 1
    assert {row["count"] for row in content["published_by_programme"]} <= set(expected_programmes.values())
    assert sum(row["count"] for row in content["published_by_programme"]) == sum(expected_programmes.values())
    assert [row["title"] for row in content["vacancies"]] == ["Chef de projet Petites villes de demain"]
    assert [row["title"] for row in content["filled"]] == ["Chef de projet ACV"]
    assert not content["empty"]


def test_the_digest_is_recorded_once_with_its_links_and_headers(delegate, seeded, monkeypatch):
    assert digest.send_digest(delegate_id=delegate.delegate.pk, week=WEEK).status == "sent"
    delivery = Delivery.objects.get(purpose=Purpose.CLCT_DIGEST)
    assert delivery.key == f"{delegate.delegate.pk}:2026-W45"
    assert delivery.subject == "Vos CLCT, semaine du 2 novembre 2026 : 2 réponses attendues"
    assert delivery.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        delivery.headers["List-Unsubscribe"].startswith("<http://")
        and "/clct/desabonnement/" in delivery.headers["List-Unsubscribe"]
    )
    for text in (delivery.body_text, delivery.body_html):
        assert "/clct/preferences/" in text and "/clct/desabonnement/" in text
        assert "Relancer la préfecture" in text and "Chef de projet Petites villes de demain" in text
        assert "Hors région" not in text and "Cette semaine" not in text and "Plus tard" not in text
    assert '<html lang="fr"' in delivery.body_html and "<caption" in delivery.body_html

    # A rerun of the same week, by the task or the command: nothing more.
    assert digest.send_digest(delegate_id=delegate.delegate.pk, week=WEEK).status == "already-sent"
    monkeypatch.setattr(send_digest_task, "delay", send_digest_task.run)  # the tasks in this process
    assert dispatch_digests.run("2026-W45") == 1  # the beat task: one send per active delegate
    out = io.StringIO()
    call_command("send_clct_digests", "--week", "2026-W45", stdout=out)
    assert "0 récapitulatif(s) enregistrés pour envoi, 1 ignoré(s), 0 en échec" in out.getvalue()
    assert Delivery.objects.filter(purpose=Purpose.CLCT_DIGEST).count() == 1
    # The next week is another digest.
    assert digest.send_digest(delegate_id=delegate.delegate.pk, week=Week(2026, 46)).status == "sent"


def test_inactive_unsubscribed_and_empty_weeks_send_nothing(delegate, other_delegate):
    inactive = DelegateFactory(user__is_active=False)
    assert digest.send_digest(delegate_id=inactive.pk, week=WEEK).status == "inactive"
    InvitationFactory(delegate=other_delegate.delegate, meeting=meeting_at(paris(2026, 11, 3, 14, 0), code="15"))
    prefs = DelegateSettings.of(other_delegate.delegate)
    prefs.digest_subscribed = False
    prefs.save()
    assert digest.send_digest(delegate_id=other_delegate.delegate.pk, week=WEEK).status == "unsubscribed"
    assert digest.send_digest(delegate_id=delegate.delegate.pk, week=WEEK).status == "empty"
    assert not Delivery.objects.exists()
    # Who asked for it gets a short digest of an empty week.
    prefs = DelegateSettings.of(delegate.delegate)
    prefs.digest_when_empty = True
    prefs.save()
    assert digest.send_digest(delegate_id=delegate.delegate.pk, week=WEEK).status == "sent"
    assert "Rien de nouveau cette semaine" in Delivery.objects.get().body_text


def test_dry_run_prints_and_writes_nothing(delegate, seeded):
    settings_before = list(DelegateSettings.objects.order_by("pk").values())
    out = io.StringIO()
    call_command("send_clct_digests", "--week", "2026-W45", "--dry-run", "--delegate", delegate.email, stdout=out)
    text = out.getvalue()
    assert f"To: {delegate.email}" in text
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in text
    assert "1 récapitulatif(s) à envoyer (essai à blanc, rien n’est enregistré), 0 ignoré(s)" in text
    assert not Delivery.objects.exists()
    assert list(DelegateSettings.objects.order_by("pk").values()) == settings_before


def test_the_command_refuses_a_bad_week_or_an_unknown_delegate(delegate):
    with pytest.raises(CommandError, match="Semaine invalide"):
        call_command("send_clct_digests", "--week", "2027-W60")
    with pytest.raises(CommandError, match="Aucun délégué"):
        call_command("send_clct_digests", "--delegate", "personne@example.org")


def test_weeks_are_iso_weeks_in_paris_time():
    assert str(Week.of(dt.datetime(2027, 1, 3, 23, 30, tzinfo=dt.UTC))) == "2027-W01"  # Monday 00:30 in Paris
    assert str(Week.of(dt.datetime(2027, 1, 3, 22, 30, tzinfo=dt.UTC))) == "2026-W53"  # Sunday 23:30 in Paris
    assert Week.parse("2026-w53").monday == dt.date(2026, 12, 28)
    with pytest.raises(ValueError):
        Week.parse("2027-W53")


def test_the_digest_html_is_accessible_and_readable(delegate, seeded, settings):
    from tests.notifications.htmlcheck import HEX, EmailHtml, contrast

    digest.send_digest(delegate_id=delegate.delegate.pk, week=WEEK)
    delivery = Delivery.objects.get(purpose=Purpose.CLCT_DIGEST)
    page = EmailHtml(delivery.body_html)
    assert page.lang == "fr"
    assert page.title == delivery.subject
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert page.forbidden == []
    assert page.links and all(href.startswith(settings.SITE_URL) and label for href, label in page.links)
    assert all(HEX.match(colour) for colour in page.colours)
    for text in page.texts:
        assert text.colour and text.background, f"{text.text!r} has no explicit colours"
        assert contrast(text.colour, text.background) >= 4.5, f"{text.text!r}: {text.colour} on {text.background}"
