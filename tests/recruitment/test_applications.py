"""Applications: « Postuler » on a published local offer, the CV checked by its content, abuse refused, the
members' triage, the CV served only to members, as an attachment."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from partnership.notifications.enums import Purpose
from partnership.notifications.models import Delivery
from partnership.recruitment import pdf
from partnership.recruitment.enums import ApplicationStatus
from partnership.recruitment.models import Application
from tests.factories import ApplicationFactory, PostingFactory, minimal_pdf
from tests.notifications.support import sending_on_commit
from tests.personas import client_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def posting(organisation):
    return PostingFactory(organisation=organisation)


def answers(cv: bytes, filename: str = "cv.pdf", **extra: object) -> dict[str, object]:
    return {
        "name": "Alex Dupont",
        "email": "alex.dupont@example.org",
        "message": "Votre projet de centre-ville m’intéresse.",
        "cv": SimpleUploadedFile(filename, cv, content_type="application/pdf"),
        **extra,
    }


def apply(posting, data, client=None):
    return (client or client_as(None)).post(reverse("applications:apply", kwargs={"pk": posting.pk}), data)


def js_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_open_action(JavaScript("app.alert('bonjour');"))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_the_offer_page_has_a_postuler_button(posting):
    page = client_as(None).get(posting.offer.get_absolute_url()).content.decode()
    assert f'href="{reverse("applications:apply", kwargs={"pk": posting.pk})}"' in page


def test_a_candidate_applies_with_a_pdf(posting, member, administrator, settings, django_capture_on_commit_callbacks):
    with sending_on_commit(django_capture_on_commit_callbacks):
        response = apply(posting, answers(minimal_pdf()))
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:thanks", kwargs={"pk": posting.pk})
    application = Application.objects.get()
    assert (application.name, application.status, application.keep_two_years) == ("Alex Dupont", "nouvelle", False)
    stored = Path(settings.RECRUITMENT_CV_DIR) / application.cv.name
    assert stored.read_bytes().startswith(b"%PDF-")
    assert "cv" not in Path(application.cv.name).stem  # a random name, not the candidate's
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted(["alex.dupont@example.org", member.email, administrator.email])
    assert Delivery.objects.filter(purpose=Purpose.APPLICATION_RECEIVED).count() == 1
    assert Delivery.objects.filter(purpose=Purpose.APPLICATION_NOTICE).count() == 2


def test_consent_to_two_years_is_unchecked_by_default(posting):
    page = client_as(None).get(reverse("applications:apply", kwargs={"pk": posting.pk})).content.decode()
    assert 'name="keep_two_years"' in page
    assert 'name="keep_two_years" id="id_keep_two_years" checked' not in page
    assert "checked" not in page.split('name="keep_two_years"')[1].split(">")[0]


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200, "cv.pdf", pdf.NOT_PDF),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "cv.pdf", pdf.NOT_PDF),
        (b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024), "cv.pdf", pdf.TOO_BIG),
        (b"%PDF-1.7\nnot really a pdf at all\n%%EOF", "cv.pdf", pdf.UNREADABLE),
        ("js", "cv.pdf", pdf.ACTIVE),
    ],
    ids=["renamed-executable", "html-named-pdf", "over-5-mb", "fake-pdf", "pdf-with-javascript"],
)
def test_abusive_files_are_refused_with_a_clear_message(posting, content, filename, message):
    content = js_pdf() if content == "js" else content
    response = apply(posting, answers(content, filename))
    assert response.status_code == 400
    assert message.replace("’", "&#x27;") in response.content.decode() or message in response.content.decode()
    assert not Application.objects.exists()
    assert not Delivery.objects.exists()


def test_javascript_hidden_from_a_byte_scan_is_found_by_the_parse():
    data = js_pdf()
    # Names written with #-escapes: the same names to a PDF reader, invisible to a search of the bytes.
    disguised = data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")
    assert not any(marker in disguised for marker in pdf.RAW_MARKERS)
    with pytest.raises(pdf.ValidationError) as error:
        pdf.check_cv(io.BytesIO(disguised), len(disguised))
    assert error.value.code == "active_content"


def test_a_clean_pdf_passes():
    data = minimal_pdf()
    pdf.check_cv(io.BytesIO(data), len(data))


def test_the_honeypot_stores_nothing_and_says_nothing(posting):
    response = apply(posting, answers(minimal_pdf(), site_web="http://spam.example"))
    assert response.status_code == 302
    assert not Application.objects.exists()


def test_applications_are_rate_limited_per_ip(posting, settings):
    settings.RECRUITMENT_APPLICATIONS_PER_IP_HOUR = 2
    for _ in range(2):
        assert apply(posting, answers(minimal_pdf())).status_code == 302
    response = apply(posting, answers(minimal_pdf()))
    assert response.status_code == 429
    assert "Trop de candidatures" in response.content.decode()
    assert Application.objects.count() == 2


def test_applications_are_rate_limited_per_offer(posting, settings):
    settings.RECRUITMENT_APPLICATIONS_PER_OFFER_HOUR = 1
    assert apply(posting, answers(minimal_pdf()), client_as(None)).status_code == 302
    other_ip = client_as(None)
    other_ip.defaults["REMOTE_ADDR"] = "203.0.113.7"
    assert apply(posting, answers(minimal_pdf()), other_ip).status_code == 429


def test_a_closed_or_draft_offer_takes_no_application(organisation):
    draft = PostingFactory(organisation=organisation, offer__draft=True)
    filled = PostingFactory(organisation=organisation, offer__filled=True)
    by_email = PostingFactory(
        organisation=organisation, application_handling="courriel", offer__apply_email="rh@tulle.fr"
    )
    for posting in (draft, filled, by_email):
        assert client_as(None).get(reverse("applications:apply", kwargs={"pk": posting.pk})).status_code == 404
        assert apply(posting, answers(minimal_pdf())).status_code == 404
    assert not Application.objects.exists()


def test_the_cv_is_served_to_members_only_as_an_attachment(posting, member, other_member, staff):
    application = ApplicationFactory(posting=posting)
    url = reverse("recruitment:application-cv", kwargs={"organisation": posting.organisation_id, "pk": application.pk})
    response = client_as(member).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="CV-candidature-{application.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert client_as(other_member).get(url).status_code == 404
    assert client_as(staff).get(url).status_code == 404


def test_members_triage_and_may_send_the_templated_reply(posting, member, django_capture_on_commit_callbacks):
    application = ApplicationFactory(posting=posting)
    url = reverse(
        "recruitment:application-triage", kwargs={"organisation": posting.organisation_id, "pk": application.pk}
    )
    client = client_as(member)
    client.post(url, {"status": ApplicationStatus.SHORTLISTED})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SHORTLISTED
    assert not Delivery.objects.filter(purpose=Purpose.APPLICATION_REPLY).exists()
    with sending_on_commit(django_capture_on_commit_callbacks):
        client.post(url, {"status": ApplicationStatus.DECLINED, "send_reply": "on"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED and application.replied_at is not None
    assert [m.to for m in mail.outbox] == [[application.email]]
    assert "n’a pas retenu votre candidature" in mail.outbox[0].body


def test_an_administrator_exports_and_deletes_an_application_on_request(
    posting, administrator, member, caplog, settings
):
    import json
    import zipfile

    application = ApplicationFactory(posting=posting, name="Alex Dupont")
    kwargs = {"organisation": posting.organisation_id, "pk": application.pk}
    assert client_as(member).get(reverse("recruitment:application-export", kwargs=kwargs)).status_code == 403
    response = client_as(administrator).get(reverse("recruitment:application-export", kwargs=kwargs))
    assert response["Content-Disposition"] == f'attachment; filename="candidature-{application.pk}.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert json.loads(archive.read(f"candidature-{application.pk}.json"))["nom"] == "Alex Dupont"
    assert archive.read(f"candidature-{application.pk}.pdf").startswith(b"%PDF-")

    cv_file = Path(settings.RECRUITMENT_CV_DIR) / application.cv.name
    assert client_as(member).post(reverse("recruitment:application-delete", kwargs=kwargs)).status_code == 403
    assert Application.objects.exists()
    with caplog.at_level("INFO", logger="security"):
        client_as(administrator).post(reverse("recruitment:application-delete", kwargs=kwargs))
    assert not Application.objects.exists()
    assert not cv_file.exists()
    assert any(record.getMessage() == "application_deleted" for record in caplog.records)


def test_only_administrators_are_offered_the_export_and_deletion(posting, administrator, member):
    application = ApplicationFactory(posting=posting)
    url = reverse("recruitment:application", kwargs={"organisation": posting.organisation_id, "pk": application.pk})

    assert "Exporter la candidature (ZIP)" in client_as(administrator).get(url).content.decode()
    assert "Exporter la candidature (ZIP)" not in client_as(member).get(url).content.decode()
