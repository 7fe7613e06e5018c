"""Rendering: every e-mail is a subject, a French text part and an accessible French HTML part, from
templates, with no unknown variable (pytest runs with --fail-on-template-vars)."""

from __future__ import annotations

import email
import re
from email.message import Message
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import get_connection

from feeds.alerts import TEMPLATE, alert_context
from feeds.enums import RunStatus, RunTrigger
from feeds.models import Feed, FeedRun
from partnership.notifications import services
from partnership.notifications.rendering import Attachment, render_parts
from tests.notifications.htmlcheck import HEX, EmailHtml, contrast

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.fixture
def run() -> FeedRun:
    feed = Feed.objects.create(
        name="Emplois & Cie <Centre>", slug="emplois-cie", format="xml-jobs", location="/dev/null", default_kind="vte"
    )
    return FeedRun.objects.create(
        feed=feed,
        trigger=RunTrigger.SCHEDULE,
        status=RunStatus.SUSPICIOUS,
        records=12345,
        created=3,
        withheld_withdrawals=4,
        suspicious_reason="4 offres publiées sur 10 (40\u00a0%) absentes du flux : aucune offre retirée.",
    )


def test_a_message_has_a_french_text_part_and_an_html_part_from_templates(run: FeedRun) -> None:
    message = services.render(to="equipe@anct.gouv.fr", template=TEMPLATE, context=alert_context(run))

    assert message.subject == "[Talents des territoires] Flux « Emplois & Cie <Centre> » : synchronisation suspecte"
    assert message.to == ["equipe@anct.gouv.fr"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    text = message.body
    assert text.startswith("La synchronisation du flux « Emplois & Cie <Centre> » est suspecte.\n")
    assert "4 offres publiées sur 10 (40\u00a0%) absentes du flux" in text
    assert "Enregistrements lus : 12\u202f345" in text  # numbers in French
    assert f"{settings.SITE_URL}/pilotage/flux/emplois-cie/synchronisations/{run.pk}/" in text
    assert "L’adresse qui envoie ce message ne reçoit pas les réponses." in text
    assert not re.search(r"</?[a-z]+[ >/]|&(amp|lt|gt|quot|#\d+);", text), "the text part holds no HTML"
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "Emplois &amp; Cie &lt;Centre&gt;" in html and "<Centre>" not in html  # escaped in HTML only


def test_the_html_part_is_accessible_and_readable(run: FeedRun) -> None:
    message = services.render(to="equipe@anct.gouv.fr", template=TEMPLATE, context=alert_context(run))
    page = EmailHtml(message.alternatives[0][0])

    assert page.lang == "fr"
    assert page.title == message.subject
    assert page.headings[0] == (1, "Synchronisation suspecte du flux «\u00a0Emplois & Cie <Centre>\u00a0»")
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert page.forbidden == []  # no image, script, stylesheet: inline styles only
    assert page.bare_tables == 0  # layout tables say role="presentation"
    assert page.links and all(href.startswith(settings.SITE_URL) and label for href, label in page.links)
    assert all(HEX.match(colour) for colour in page.colours)
    assert page.texts
    for text in page.texts:
        assert text.colour and text.background, f"{text.text!r} has no explicit colours"
        assert contrast(text.colour, text.background) >= 4.5, f"{text.text!r}: {text.colour} on {text.background}"


def test_the_contrast_check_sees_a_pale_text() -> None:
    page = EmailHtml(
        '<html lang="fr"><body style="color:#161616;background-color:#ffffff">'
        '<p style="color:#aaaaaa">pâle</p><p>lisible</p></body></html>'
    )
    ratios = {text.text: contrast(text.colour or "", text.background or "") for text in page.texts}
    assert ratios["pâle"] < 4.5 < ratios["lisible"]


def test_an_unknown_variable_fails_the_rendering(run: FeedRun) -> None:
    context = alert_context(run)
    del context["feed_name"]
    with pytest.raises(pytest.fail.Exception, match="feed_name"):
        render_parts(TEMPLATE, context)


def test_every_email_template_has_its_three_parts_and_the_common_layout() -> None:
    subjects = sorted(TEMPLATES.rglob("*.subject.txt"))
    assert subjects, "no e-mail template found"
    for subject in subjects:
        stem = str(subject).removesuffix(".subject.txt")
        text, html = Path(f"{stem}.txt"), Path(f"{stem}.html")
        assert text.exists() and html.exists(), stem
        assert '{% extends "notifications/base.html" %}' in html.read_text()
        assert '{% include "notifications/_footer.txt" %}' in text.read_text()
        assert "'" not in re.sub(r"{[{%].*?[%}]}", "", text.read_text() + html.read_text()), "curly apostrophes"


def test_render_builds_the_message_without_writing_or_sending_anything(
    run: FeedRun, django_assert_num_queries, capsys
) -> None:
    context = alert_context(run)
    with django_assert_num_queries(0):
        message = services.render(
            to="equipe@anct.gouv.fr",
            template=TEMPLATE,
            context=context,
            headers={"List-Unsubscribe": "<https://exemple.fr/desinscription/abc>"},
            attachments=[Attachment("reunion.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")],
        )
    assert mail.outbox == []
    # What a command's --dry-run does with it: print it on the console.
    get_connection("django.core.mail.backends.console.EmailBackend").send_messages([message])
    printed = capsys.readouterr().out
    parsed: Message = email.message_from_string(printed.split("\n" + "-" * 79)[0])
    assert parsed["List-Unsubscribe"] == "<https://exemple.fr/desinscription/abc>"
    parts = [part.get_content_type() for part in parsed.walk()]
    assert parts == ["multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/calendar"]


@pytest.mark.parametrize(
    "headers",
    [
        {"To": "autre@exemple.fr"},
        {"Subject": "x"},
        {"Bcc": "x@exemple.fr"},
        {"X-Bad": "a\r\nBcc: x"},
        {"Bad Name": "x"},
    ],
)
def test_headers_that_would_change_the_message_are_refused(run: FeedRun, headers: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="header"):
        services.render(to="equipe@anct.gouv.fr", template=TEMPLATE, context=alert_context(run), headers=headers)
