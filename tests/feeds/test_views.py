"""Staff pages of the feeds: permissions, run now, what the pages show, and their query counts."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from feeds.admin import FeedAdminForm
from feeds.enums import FeedFormat, RunStatus, RunTrigger
from feeds.models import Feed, FeedRun, RejectedRecord
from feeds.validators import validate_feed_location
from offers.enums import OfferKind
from partnership.accounts.models import User
from tests.personas import client_as

pytestmark = pytest.mark.django_db


def make_feed(slug: str = "apec", **fields) -> Feed:
    defaults = {
        "name": f"Flux {slug}",
        "format": FeedFormat.APEC,
        "location": f"https://api.francetravail.io/{slug}.xml",
        "default_kind": OfferKind.VTE,
    }
    return Feed.objects.create(slug=slug, **{**defaults, **fields})


def make_run(feed: Feed, **fields) -> FeedRun:
    now = timezone.now()
    defaults = {
        "status": RunStatus.SUCCEEDED,
        "trigger": RunTrigger.SCHEDULE,
        "started_at": now - dt.timedelta(seconds=75),
        "finished_at": now,
    }
    return FeedRun.objects.create(feed=feed, **{**defaults, **fields})


@pytest.fixture
def staff() -> User:
    return User.objects.create_user("equipe@anct.gouv.fr", "un mot de passe solide", is_staff=True)


@pytest.fixture
def staff_client(staff: User) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def feed() -> Feed:
    return make_feed()


@pytest.fixture
def run(feed: Feed) -> FeedRun:
    return make_run(feed, created=12, updated=3, unchanged=1500, withdrawn=2, rejected=1)


def urls(feed: Feed, run: FeedRun) -> dict[str, str]:
    return {
        "list": reverse("feeds:list"),
        "detail": reverse("feeds:detail", args=[feed.slug]),
        "run-detail": reverse("feeds:run-detail", args=[feed.slug, run.pk]),
    }


def test_urls_are_pinned():
    assert reverse("feeds:list") == "/pilotage/flux/"
    assert reverse("feeds:detail", args=["apec"]) == "/pilotage/flux/apec/"
    assert reverse("feeds:run", args=["apec"]) == "/pilotage/flux/apec/lancer/"
    assert reverse("feeds:run-detail", args=["apec", 7]) == "/pilotage/flux/apec/synchronisations/7/"


# --- Permissions -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["list", "detail", "run-detail"])
def test_anonymous_is_sent_to_the_login_page(client, feed, run, name):
    url = urls(feed, run)[name]

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/connexion/?next={url}"


def test_anonymous_run_now_is_sent_to_the_login_page_and_queues_nothing(client, feed):
    response = client.post(reverse("feeds:run", args=[feed.slug]))

    assert response.status_code == 302
    # Back to the feed's page after logging in, not to the POST-only URL (a 405).
    assert response["Location"] == f"/connexion/?next=/pilotage/flux/{feed.slug}/"
    assert not FeedRun.objects.exists()


@pytest.mark.parametrize("name", ["list", "detail", "run-detail", "run"])
def test_logged_in_non_staff_gets_the_french_403(client, feed, run, name):
    client.force_login(User.objects.create_user("candidat@example.org", "un mot de passe solide"))
    url = reverse("feeds:run", args=[feed.slug]) if name == "run" else urls(feed, run)[name]

    response = client.post(url) if name == "run" else client.get(url)

    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()
    assert FeedRun.objects.count() == 1  # nothing queued


@pytest.mark.parametrize("name", ["list", "detail", "run-detail"])
def test_staff_sees_the_pages_never_stored(staff_client, feed, run, name):
    response = staff_client.get(urls(feed, run)[name])

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert '<meta name="robots" content="noindex">' in html


def test_unknown_feed_or_run_of_another_feed_is_404(staff_client, run):
    other = make_feed("csv-partenaires", format=FeedFormat.CSV)

    assert staff_client.get("/pilotage/flux/inconnu/").status_code == 404
    assert staff_client.get(reverse("feeds:run-detail", args=[other.slug, run.pk])).status_code == 404
    assert staff_client.post(reverse("feeds:run", args=["inconnu"])).status_code == 404


# --- Run now -----------------------------------------------------------------------------


def test_run_now_is_post_only(staff_client, feed):
    assert staff_client.get(reverse("feeds:run", args=[feed.slug])).status_code == 405
    assert not FeedRun.objects.exists()


def test_run_now_queues_exactly_one_run_then_refuses_a_second(
    staff_client, staff, feed, django_capture_on_commit_callbacks
):
    url = reverse("feeds:run", args=[feed.slug])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff_client.post(url, follow=True)

    assert response.redirect_chain == [(feed.get_absolute_url(), 302)]
    assert len(callbacks) == 1  # the task is sent once the transaction commits
    run = FeedRun.objects.get()
    assert (run.feed, run.status, run.trigger, run.requested_by) == (feed, RunStatus.QUEUED, RunTrigger.STAFF, staff)
    assert run.task_id
    html = response.content.decode()
    assert "La synchronisation du flux « Flux apec » est demandée" in html
    assert "fr-alert--success" in html

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff_client.post(url, follow=True)

    assert callbacks == []
    assert FeedRun.objects.count() == 1
    html = response.content.decode()
    assert "est déjà en file d’attente depuis" in html and "fr-alert--warning" in html


@pytest.mark.parametrize("status", [RunStatus.RUNNING, RunStatus.RETRYING])
def test_run_now_refuses_while_a_run_is_running_or_retrying(
    staff_client, feed, status, django_capture_on_commit_callbacks
):
    make_run(feed, status=status, finished_at=None, heartbeat_at=timezone.now(), error="Délai dépassé")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        html = staff_client.post(reverse("feeds:run", args=[feed.slug]), follow=True).content.decode()

    assert callbacks == [] and FeedRun.objects.count() == 1
    if status == RunStatus.RUNNING:
        assert "est déjà en cours depuis" in html
        assert (
            "(dernier signe de vie il y a 0 s ; sans signe de vie pendant 2 min, elle sera tenue pour perdue)" in html
        )
    else:
        assert "est déjà en attente d’un nouvel essai (Délai dépassé)" in html


def test_run_now_after_a_lost_run_says_so_and_queues_a_new_one(staff_client, feed, django_capture_on_commit_callbacks):
    silent_since = timezone.now() - dt.timedelta(minutes=10)
    lost = make_run(feed, status=RunStatus.RUNNING, finished_at=None, heartbeat_at=silent_since)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        html = staff_client.post(reverse("feeds:run", args=[feed.slug]), follow=True).content.decode()

    assert len(callbacks) == 1
    lost.refresh_from_db()
    assert lost.status == RunStatus.INTERRUPTED
    assert lost.error.startswith("Interrompue : le processus qui la menait ne donnait plus signe de vie")
    assert FeedRun.objects.unfinished().get().trigger == RunTrigger.STAFF
    assert f"ne donnait plus signe de vie depuis {timezone.localtime(silent_since):%H:%M:%S}" in html
    assert "elle est marquée interrompue" in html


def test_run_now_after_finished_runs_queues_a_new_one(staff_client, feed, django_capture_on_commit_callbacks):
    for status in (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.SUSPICIOUS, RunStatus.INTERRUPTED):
        make_run(feed, status=status)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        staff_client.post(reverse("feeds:run", args=[feed.slug]))

    assert len(callbacks) == 1
    assert FeedRun.objects.unfinished().count() == 1


def test_a_disabled_feed_can_be_run_by_hand_and_the_message_says_so(staff_client, django_capture_on_commit_callbacks):
    feed = make_feed("ancienne-plateforme", enabled=False)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        html = staff_client.post(reverse("feeds:run", args=[feed.slug]), follow=True).content.decode()

    assert len(callbacks) == 1 and FeedRun.objects.filter(feed=feed).count() == 1
    assert "Ce flux est désactivé : il est synchronisé cette fois-ci" in html


def test_run_now_needs_the_csrf_token(staff, feed):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)

    assert client.post(reverse("feeds:run", args=[feed.slug])).status_code == 403
    assert not FeedRun.objects.exists()


# --- What the pages show -------------------------------------------------------------------


def test_list_shows_every_feed_with_its_last_run(staff_client, feed, run):
    make_run(feed, queued_at=timezone.now() - dt.timedelta(days=1), created=999)  # older: not shown
    FeedRun.objects.filter(created=999).update(queued_at=timezone.now() - dt.timedelta(days=1))
    make_feed("fichier-partenaire", format=FeedFormat.CSV, location="/srv/feeds/partenaires/offres.csv", enabled=False)

    html = staff_client.get("/pilotage/flux/").content.decode()

    assert "<caption>Flux d’offres (2) et leur dernière synchronisation</caption>" in html
    assert f'<a href="/pilotage/flux/{feed.slug}/">Flux apec</a>' in html
    assert "api.francetravail.io" in html and "offres.csv" in html and "/srv/feeds" not in html
    assert "Apec (XML)" in html and "CSV" in html
    assert "<td>toutes les heures</td>" in html and "<td>désactivé</td>" in html
    assert "fr-badge--success" in html and "Réussie" in html
    assert f'href="/pilotage/flux/{feed.slug}/synchronisations/{run.pk}/"' in html
    for count in ('<td class="fr-cell--right">12</td>', "1\u202f500", '<td class="fr-cell--right">3</td>'):
        assert count in html
    assert "999" not in html
    assert "Jamais synchronisé" in html


@pytest.mark.parametrize(
    ("status", "badge", "label"),
    [
        (RunStatus.SUCCEEDED, "fr-badge--success", "Réussie"),
        (RunStatus.SUSPICIOUS, "fr-badge--warning", "Suspecte"),
        (RunStatus.FAILED, "fr-badge--error", "Échouée"),
        (RunStatus.RUNNING, "fr-badge--info", "En cours"),
        (RunStatus.QUEUED, "fr-badge--blue-cumulus", "En file d&#x27;attente"),
        (RunStatus.RETRYING, "fr-badge--yellow-moutarde", "Nouvel essai prévu"),
        (RunStatus.INTERRUPTED, "fr-badge--brown-caramel", "Interrompue"),
    ],
)
def test_each_status_has_its_badge(staff_client, feed, status, badge, label):
    make_run(feed, status=status)

    html = staff_client.get("/pilotage/flux/").content.decode()

    assert f'<span class="fr-badge fr-badge--sm fr-badge--no-icon {badge}">{label}</span>' in html


def test_feed_page_shows_settings_button_and_runs(staff_client, staff, feed):
    make_run(feed, status=RunStatus.FAILED, error="Le serveur du flux a répondu 500 après 5 essais.", created=0)
    make_run(
        feed,
        status=RunStatus.SUSPICIOUS,
        trigger=RunTrigger.STAFF,
        requested_by=staff,
        suspicious_reason="Le flux retirerait 80 % de ses offres publiées (seuil : 30 %).",
        withheld_withdrawals=400,
    )

    html = staff_client.get(feed.get_absolute_url()).content.decode()

    assert "<h1>Flux Flux apec</h1>" in html
    assert f'<form method="post" action="/pilotage/flux/{feed.slug}/lancer/">' in html
    assert "Lancer maintenant" in html and 'name="csrfmiddlewaretoken"' in html
    assert "https://api.francetravail.io/apec.xml" in html and "30 % des offres publiées du flux" in html
    assert "Le serveur du flux a répondu 500 après 5 essais." in html
    assert "Le flux retirerait 80 % de ses offres publiées (seuil : 30 %)." in html
    assert "Lancement par l&#x27;équipe (equipe@anct.gouv.fr)" in html and "Planification" in html
    assert "1\xa0min 15\xa0s" in html  # duration
    assert "(2 en tout)" in html


def test_feed_page_paginates_runs_by_fifty(staff_client, feed):
    FeedRun.objects.bulk_create([FeedRun(feed=feed, status=RunStatus.SUCCEEDED, trigger="schedule") for _ in range(60)])

    first = staff_client.get(feed.get_absolute_url()).content.decode()
    second = staff_client.get(feed.get_absolute_url(), {"page": 2}).content.decode()

    assert first.count('href="/pilotage/flux/apec/synchronisations/') == 50
    assert second.count('href="/pilotage/flux/apec/synchronisations/') == 10
    assert "page 1 sur 2" in first and 'href="?page=2"' in first


def test_run_report_shows_counts_reasons_and_rejected_records(staff_client, feed):
    run = make_run(
        feed,
        status=RunStatus.SUSPICIOUS,
        records=1520,
        created=12,
        updated=3,
        unchanged=1500,
        withdrawn=0,
        rejected=2,
        duplicates=1,
        withheld_withdrawals=7,
        suspicious_reason="Flux tronqué : 10 % des enregistrements d’hier.",
    )
    RejectedRecord.objects.create(
        run=run, external_id="APEC-1", reason="Lieu introuvable : « Ville imaginaire (99) ».", raw="<Offre_emploi/>"
    )
    RejectedRecord.objects.create(run=run, external_id="", reason="Intitulé manquant.", raw="{}")

    html = staff_client.get(reverse("feeds:run-detail", args=[feed.slug, run.pk])).content.decode()

    assert "Flux tronqué : 10 % des enregistrements d’hier." in html
    for label, value in [
        ("Enregistrements lus", "1\u202f520"),
        ("Offres créées", "12"),
        ("Offres modifiées", "3"),
        ("Offres inchangées", "1\u202f500"),
        ("Offres retirées", "0"),
        ("Retraits suspendus", "7"),
        ("Enregistrements écartés", "2"),
        ("Doublons", "1"),
        ("Durée", "1\xa0min 15\xa0s"),
    ]:
        assert f'<th scope="row">{label}</th><td>{value}</td>' in html
    assert "Lieu introuvable : « Ville imaginaire (99) »." in html and "Intitulé manquant." in html
    assert '<th scope="row">APEC-1</th>' in html and '<th scope="row">inconnu</th>' in html
    assert "<details>" in html and '<pre class="tdt-raw">&lt;Offre_emploi/&gt;</pre>' in html


def test_raw_record_and_reason_are_escaped(staff_client, feed):
    run = make_run(feed, rejected=1, error="<b>boom</b>")
    RejectedRecord.objects.create(
        run=run,
        external_id='"><script>alert(1)</script>',
        reason="<img src=x onerror=alert(2)>",
        raw="<job><title><![CDATA[<script>alert(3)</script>]]></title></job>",
    )

    html = staff_client.get(reverse("feeds:run-detail", args=[feed.slug, run.pk])).content.decode()

    assert "<script>alert" not in html and "<img src=x" not in html and "<b>boom" not in html
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "&lt;b&gt;boom&lt;/b&gt;" in html


def test_rejected_records_are_paginated_by_fifty(staff_client, feed):
    run = make_run(feed, rejected=120)
    RejectedRecord.objects.bulk_create(
        [RejectedRecord(run=run, external_id=f"ID-{n:03d}", reason="Motif", raw="{}") for n in range(120)]
    )
    url = reverse("feeds:run-detail", args=[feed.slug, run.pk])

    last = staff_client.get(url, {"page": 3}).content.decode()

    assert last.count("<details>") == 20
    assert '<th scope="row">ID-100</th>' in last and '<th scope="row">ID-099</th>' not in last
    assert "page 3 sur 3" in last
    assert staff_client.get(url, {"page": "abc"}).status_code == 200  # a bad page number shows the first


# --- Bounded queries ----------------------------------------------------------------------


def test_list_queries_do_not_grow_with_feeds(staff_client, staff, django_assert_max_num_queries):
    for n in range(30):
        feed = make_feed(f"flux-{n}")
        make_run(feed, trigger=RunTrigger.STAFF, requested_by=staff)
        make_run(feed, status=RunStatus.RUNNING, finished_at=None)

    # session, user, feeds with their last run's id, those runs, the user's and groups' permissions
    # (the link to the admin's add page)
    with django_assert_max_num_queries(6):
        response = staff_client.get("/pilotage/flux/")
    assert response.content.decode().count("fr-badge--info") == 30


def test_feed_page_queries_do_not_grow_with_runs(staff_client, staff, feed, django_assert_max_num_queries):
    for _ in range(60):
        make_run(feed, trigger=RunTrigger.STAFF, requested_by=staff, error="Erreur")

    # session, user, feed, unfinished run?, count, one page of runs with who asked, the user's and
    # groups' permissions (the link to the admin)
    with django_assert_max_num_queries(8):
        response = staff_client.get(feed.get_absolute_url())
    assert response.status_code == 200


def test_run_report_queries_do_not_grow_with_rejected_records(staff_client, staff, feed, django_assert_max_num_queries):
    run = make_run(feed, trigger=RunTrigger.STAFF, requested_by=staff)
    RejectedRecord.objects.bulk_create([RejectedRecord(run=run, reason="Motif", raw="{}") for _ in range(80)])

    # session, user, run with its feed and who asked, count, one page of records
    with django_assert_max_num_queries(5):
        response = staff_client.get(reverse("feeds:run-detail", args=[feed.slug, run.pk]))
    assert response.content.decode().count("<details>") == 50


# --- Admin: where a feed may be read from ---------------------------------------------------


@pytest.mark.parametrize(
    "location",
    [
        "https://api.francetravail.io/partenaire/offresdemploi/v2/offres/search",
        "http://francetravail.io/flux.xml",
        "https://API.FranceTravail.io/x",
    ],
)
def test_allowed_urls_are_accepted(location):
    validate_feed_location(location)


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("https://evil.example/flux.xml", "L’hôte « evil.example » n’est pas autorisé"),
        ("https://api.francetravail.io.evil.example/x", "n’est pas autorisé"),
        ("https://api.francetravail.io:8443/x", "L’hôte « api.francetravail.io:8443 » n’est pas autorisé"),
        ("https://user:secret@api.francetravail.io/x", "ne doit pas contenir d’identifiants"),
        ("ftp://api.francetravail.io/x", "Seules les adresses http:// ou https://"),
        ("file:///etc/passwd", "Seules les adresses http:// ou https://"),
        ("https://", "n’est pas une URL valide"),
    ],
)
def test_other_locations_are_refused_in_french(location, message):
    with pytest.raises(ValidationError) as error:
        validate_feed_location(location)
    assert message in " ".join(error.value.messages)


def test_paths_must_stay_under_the_feeds_directory(settings, tmp_path: Path):
    settings.FEEDS_FILES_DIR = tmp_path / "flux"
    (tmp_path / "flux" / "partenaires").mkdir(parents=True)
    (tmp_path / "flux" / "partenaires" / "offres.csv").write_text("id\n")
    (tmp_path / "flux" / "lien").symlink_to(tmp_path)
    (tmp_path / "secret.csv").write_text("secret\n")

    validate_feed_location("partenaires/offres.csv")  # relative to the directory
    validate_feed_location(str(tmp_path / "flux" / "partenaires" / "offres.csv"))
    for escaping in (
        "/etc/passwd",
        "../secret.csv",
        str(tmp_path / "flux" / ".." / "secret.csv"),
        str(tmp_path / "flux" / "lien" / "secret.csv"),
        str(tmp_path / "flux-voisin" / "offres.csv"),
    ):
        with pytest.raises(ValidationError) as error:
            validate_feed_location(escaping)
        assert f"Fichier hors du dossier des flux ({tmp_path / 'flux'}) : {escaping}." in error.value.messages[0]
    for location, message in (
        (
            "partenaires/absent.csv",
            f"Fichier introuvable : partenaires/absent.csv (dans le dossier des flux, {tmp_path / 'flux'}).",
        ),
        (str(tmp_path / "flux" / "absent.csv"), f"Fichier introuvable : {tmp_path / 'flux' / 'absent.csv'}."),
        ("partenaires", "Ce n’est pas un fichier ordinaire : partenaires."),
        (str(tmp_path / "flux"), "Ce n’est pas un fichier ordinaire"),
    ):
        with pytest.raises(ValidationError) as error:
            validate_feed_location(location)
        assert message in error.value.messages[0]
        assert "Indiquez le chemin d’un fichier du dossier des flux, relatif à ce dossier" in error.value.messages[0]


def test_admin_form_refuses_a_host_that_is_not_allowed():
    data = {
        "name": "Flux pirate",
        "slug": "pirate",
        "format": FeedFormat.XML_JOBS,
        "location": "https://evil.example/flux.xml",
        "default_kind": OfferKind.VTE,
        "interval_minutes": 60,
        "withdrawal_threshold": 30,
        "max_megabytes": 32,
        "max_records": 1000,
    }

    form = FeedAdminForm(data=data)
    assert not form.is_valid()
    assert "n’est pas autorisé" in form.errors["location"][0]

    form = FeedAdminForm(data={**data, "location": " https://api.francetravail.io/flux.xml "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["location"] == "https://api.francetravail.io/flux.xml"


def test_admin_pages_load_for_a_superuser(client, run):
    RejectedRecord.objects.create(run=run, external_id="A", reason="Motif", raw="{}")
    client.force_login(User.objects.create_superuser("admin@anct.gouv.fr", "un mot de passe solide"))

    for url in ("/admin/feeds/feed/", "/admin/feeds/feedrun/", "/admin/feeds/rejectedrecord/"):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/admin/feeds/feedrun/{run.pk}/change/").status_code == 200  # read-only view
    assert client.get("/admin/feeds/feedrun/add/").status_code == 403


# --- A feed given as a file: the feeds directory --------------------------------------------


@pytest.fixture
def feeds_dir(settings, tmp_path: Path) -> Path:
    directory = tmp_path / "flux"
    (directory / "partenaires").mkdir(parents=True)
    settings.FEEDS_FILES_DIR = directory
    return directory


def admin_data(location: str) -> dict[str, object]:
    return {
        "name": "Partenaires du Centre",
        "slug": "partenaires-centre",
        "format": FeedFormat.XML_JOBS,
        "location": location,
        "default_kind": OfferKind.VTE,
        "interval_minutes": 60,
        "enabled": "on",
        "withdrawal_threshold": 30,
        "credentials_env": "",
        "max_megabytes": 32,
        "max_records": 1000,
    }


@pytest.mark.ignore_template_errors  # the admin's own templates
def test_the_admin_takes_a_file_relative_to_the_feeds_directory(client, superuser, feeds_dir: Path, tmp_path: Path):
    (feeds_dir / "partenaires" / "offres.xml").write_bytes(b"<source/>")
    (tmp_path / "ailleurs.xml").write_bytes(b"<source/>")
    client.force_login(superuser)
    url = reverse("admin:feeds_feed_add")

    html = client.get(url).content.decode()
    assert f"Dossier des flux de ce serveur : {feeds_dir}" in html  # where relative paths are taken

    for location, message in (
        (str(tmp_path / "ailleurs.xml"), f"Fichier hors du dossier des flux ({feeds_dir})"),
        ("partenaires/absent.xml", "Fichier introuvable : partenaires/absent.xml"),
    ):
        response = client.post(url, admin_data(location))
        assert response.status_code == 200, location  # the form again, with its error
        assert message in response.content.decode()
        assert not Feed.objects.exists()

    response = client.post(url, admin_data("partenaires/offres.xml"))
    assert response.status_code == 302
    assert Feed.objects.get().location == "partenaires/offres.xml"


def test_run_now_on_a_feed_whose_file_cannot_be_read_says_why_and_queues_nothing(
    staff_client, feeds_dir: Path, tmp_path: Path, django_capture_on_commit_callbacks
):
    (tmp_path / "ailleurs.xml").write_bytes(b"<source/>")
    outside = make_feed("hors-dossier", format=FeedFormat.XML_JOBS, location=str(tmp_path / "ailleurs.xml"))
    missing = make_feed("manquant", format=FeedFormat.XML_JOBS, location="partenaires/offres.xml")

    for feed, reason in (
        (outside, f"Fichier hors du dossier des flux ({feeds_dir}) : {tmp_path / 'ailleurs.xml'}."),
        (missing, f"Fichier introuvable : partenaires/offres.xml (dans le dossier des flux, {feeds_dir})."),
    ):
        assert (
            f"Ce flux ne peut pas être lancé : {reason}" in staff_client.get(feed.get_absolute_url()).content.decode()
        )
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = staff_client.post(reverse("feeds:run", args=[feed.slug]), follow=True)
        assert response.redirect_chain == [(feed.get_absolute_url(), 302)]
        html = response.content.decode()
        assert f"Le flux « {feed.name} » ne peut pas être lancé : {reason}" in html
        assert "fr-alert--error" in html
        assert callbacks == [] and not FeedRun.objects.exists()

    # Once the file is there, it runs.
    (feeds_dir / "partenaires" / "offres.xml").write_bytes(b"<source/>")
    assert "ne peut pas être lancé" not in staff_client.get(missing.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        staff_client.post(reverse("feeds:run", args=[missing.slug]))
    assert len(callbacks) == 1 and FeedRun.objects.filter(feed=missing).count() == 1


def test_make_run_creates_the_feeds_directory(settings, tmp_path: Path, monkeypatch):
    spec = importlib.util.spec_from_file_location("load_data", Path(__file__).parents[2] / "scripts" / "load_data.py")
    load_data = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "load_data", load_data)  # its dataclass looks itself up there
    spec.loader.exec_module(load_data)
    monkeypatch.setattr(load_data, "STEPS", [])  # the data steps are tested elsewhere
    settings.FEEDS_FILES_DIR = tmp_path / ".var" / "feeds"

    assert load_data.main() == 0
    assert (tmp_path / ".var" / "feeds").is_dir()
    assert load_data.main() == 0  # a second start finds it


def test_the_feeds_page_links_to_where_feeds_are_added(staff, staff_client, superuser):
    add = reverse("admin:feeds_feed_add")
    link = f'href="{add}">Ajouter un flux</a>'

    assert link in client_as(superuser).get(reverse("feeds:list")).content.decode()

    # Staff without the right to add feeds are told where it happens, not sent to a 403.
    html = staff_client.get(reverse("feeds:list")).content.decode()
    assert add not in html
    assert "Les flux s’ajoutent dans l’administration, par un compte qui en a le droit." in html
    staff.user_permissions.add(Permission.objects.get(codename="add_feed"))
    assert link in staff_client.get(reverse("feeds:list")).content.decode()
