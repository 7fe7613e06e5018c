"""The sync engine in-process (feeds.sync), the sync_feed command, the dispatcher and the purge.

Runs through real Celery workers and their faults are in test_worker_faults.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from pathlib import Path

import psycopg
import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from feeds import checks, sync
from feeds.enums import RunStatus, RunTrigger
from feeds.models import Feed, FeedRun, RejectedRecord
from feeds.records import OfferData, RecordError
from feeds.tasks import dispatch_due_feeds, purge_old_runs
from offers.cache import offers_version
from offers.enums import OfferStatus
from offers.models import Offer
from tests.feeds.documents import document, job, xml_jobs
from tests.notifications.support import sending_on_commit

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed() -> Feed:
    return Feed.objects.create(
        name="Emplois du Centre", slug="emplois-centre", format="xml-jobs", location="/dev/null", default_kind="vte"
    )


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(email="equipe@anct.gouv.fr", password="x" * 16, is_staff=True)


def run(feed: Feed, body: bytes, *, dry_run: bool = False) -> FeedRun:
    feed_run = FeedRun.objects.create(feed=feed, trigger=RunTrigger.COMMAND, dry_run=dry_run)
    return sync.run_feed(feed_run, stream=io.BytesIO(body))


def offers(feed: Feed):
    return Offer.objects.filter(source=feed.slug)


def test_a_first_run_creates_published_offers_on_their_communes(feed: Feed) -> None:
    report = run(feed, xml_jobs(5))
    assert (report.status, report.records, report.created, report.rejected) == (RunStatus.SUCCEEDED, 5, 5, 0)
    assert report.started_at and report.finished_at and report.attempts == 1
    offer = offers(feed).get(external_id="JOB-5")  # PLACES[0]: Tulle
    assert offer.status == OfferStatus.PUBLISHED
    assert (offer.commune_id, offer.departement_id, offer.region_id) == ("19272", "19", "75")
    assert "acv" in offer.programmes  # copied from the commune
    assert offer.title == "Chargé de mission industrie n° 5"
    assert offer.employer_name == "Forges & Ateliers du Centre"
    assert "<li>Pilotage de projets</li>" in offer.description
    assert "- Pilotage de projets" in offer.description_text
    assert len(offer.content_hash) == 64
    assert offer.slug == "charge-de-mission-industrie-n-5"
    # Searchable at once.
    assert Offer.objects.published().filter(search_vector="modernisation", source=feed.slug).count() == 5


def test_an_unchanged_record_does_not_touch_its_row(feed: Feed) -> None:
    run(feed, xml_jobs(3))
    before = {o.external_id: (o.pk, o.updated_at, o.content_hash) for o in offers(feed)}
    report = run(feed, xml_jobs(3))
    assert (report.created, report.updated, report.unchanged, report.withdrawn) == (0, 0, 3, 0)
    assert {o.external_id: (o.pk, o.updated_at, o.content_hash) for o in offers(feed)} == before


def test_a_changed_record_updates_its_offer_in_place(feed: Feed) -> None:
    run(feed, xml_jobs(3))
    first = offers(feed).get(external_id="JOB-2")
    report = run(feed, document([job(1), job(2, title="Responsable méthodes"), job(3)]))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    offer = offers(feed).get(external_id="JOB-2")
    assert offer.pk == first.pk
    assert offer.title == "Responsable méthodes n° 2"
    assert offer.published_at == first.published_at
    assert offer.content_hash != first.content_hash
    assert offer.created_at == first.created_at


def test_duplicates_inside_a_feed_are_handled_once(feed: Feed) -> None:
    report = run(feed, document([job(1), job(2), job(1, title="Doublon")]))
    assert (report.records, report.created, report.duplicates) == (3, 2, 1)
    assert offers(feed).get(external_id="JOB-1").title.startswith("Chargé de mission")


def test_bad_records_are_set_aside_with_their_reason_and_the_rest_imports(feed: Feed) -> None:
    body = document(
        [
            job(1),
            job(2, reference=""),
            job(3, city="Atlantide", postalcode="99999"),
            job(4),
        ]
    )
    report = run(feed, body)
    assert (report.records, report.created, report.rejected) == (4, 2, 2)
    rejected = {r.external_id: r for r in RejectedRecord.objects.filter(run=report)}
    assert set(rejected) == {"", "JOB-3"}
    assert "Identifiant manquant" in rejected[""].reason
    assert "Atlantide" in rejected["JOB-3"].reason
    assert "Atlantide" in rejected["JOB-3"].raw  # the record as received
    assert set(offers(feed).values_list("external_id", flat=True)) == {"JOB-1", "JOB-4"}


def test_absent_offers_are_withdrawn_never_deleted_and_come_back_when_they_reappear(feed: Feed) -> None:
    run(feed, xml_jobs(10))
    report = run(feed, xml_jobs(8))
    assert (report.status, report.withdrawn) == (RunStatus.SUCCEEDED, 2)
    gone = offers(feed).filter(external_id__in=["JOB-9", "JOB-10"])
    assert {o.status for o in gone} == {OfferStatus.WITHDRAWN}
    assert all(o.closed_at for o in gone)
    assert offers(feed).count() == 10

    report = run(feed, xml_jobs(10))
    assert (report.created, report.updated, report.unchanged) == (0, 2, 8)
    assert offers(feed).filter(status=OfferStatus.PUBLISHED).count() == 10
    assert offers(feed).get(external_id="JOB-9").closed_at is None


def test_the_guard_withdraws_nothing_beyond_the_threshold_and_tells_staff(
    feed: Feed, staff, settings, django_capture_on_commit_callbacks
) -> None:
    settings.FEEDS_ALERT_EMAILS = ["flux@apec.fr"]
    run(feed, xml_jobs(10))
    mail.outbox.clear()
    with sending_on_commit(django_capture_on_commit_callbacks):
        report = run(feed, xml_jobs(6))  # 4 of 10 = 40 % > 30 %
    assert report.status == RunStatus.SUSPICIOUS
    assert (report.withdrawn, report.withheld_withdrawals) == (0, 4)
    assert report.suspicious_reason == (
        "4 offres publiées sur 10 (40\u00a0%) absentes du flux, au-delà du seuil de 30\u00a0% : aucune offre retirée."
    )
    assert offers(feed).filter(status=OfferStatus.PUBLISHED).count() == 10
    # One message per recipient (feeds/alerts.py): staff and outside addresses do not see each other.
    messages = sorted(mail.outbox, key=lambda message: message.to)
    assert [message.to for message in messages] == [["equipe@anct.gouv.fr"], ["flux@apec.fr"]]
    for message in messages:
        assert "suspecte" in message.subject
        assert f"/pilotage/flux/{feed.slug}/synchronisations/{report.pk}/" in message.body

    feed.withdrawal_threshold = 50
    feed.save()
    report = run(feed, xml_jobs(6))
    assert (report.status, report.withdrawn) == (RunStatus.SUCCEEDED, 4)


def test_an_empty_feed_is_suspicious(feed: Feed) -> None:
    run(feed, xml_jobs(3))
    report = run(feed, document([]))
    assert report.status == RunStatus.SUSPICIOUS
    assert "vide" in report.suspicious_reason
    assert offers(feed).filter(status=OfferStatus.PUBLISHED).count() == 3


def test_a_dry_run_reports_everything_and_writes_nothing(feed: Feed) -> None:
    report = run(feed, document([job(1), job(2), job(3, city="Atlantide", postalcode="99999")]), dry_run=True)
    assert (report.status, report.created, report.rejected) == (RunStatus.SUCCEEDED, 2, 1)
    assert not offers(feed).exists()
    assert report.rejected_records.count() == 1


def test_a_malformed_document_fails_the_run_and_tells_staff(
    feed: Feed, staff, django_capture_on_commit_callbacks
) -> None:
    run(feed, xml_jobs(3))
    mail.outbox.clear()
    with sending_on_commit(django_capture_on_commit_callbacks):
        report = run(feed, b"<source><job><title>x</title></source>")
    assert report.status == RunStatus.FAILED
    assert "XML" in report.error
    assert offers(feed).filter(status=OfferStatus.PUBLISHED).count() == 3
    assert len(mail.outbox) == 1
    assert "échec" in mail.outbox[0].subject


def test_a_change_makes_cached_offer_pages_stale(feed: Feed, django_capture_on_commit_callbacks) -> None:
    before = offers_version()
    with django_capture_on_commit_callbacks(execute=True):
        run(feed, xml_jobs(2))
    assert offers_version() == before + 1
    with django_capture_on_commit_callbacks(execute=True):
        run(feed, xml_jobs(2))  # nothing changed
    assert offers_version() == before + 1


def test_a_feed_runs_once_at_a_time(feed: Feed) -> None:
    s = connection.settings_dict
    other = psycopg.connect(
        host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"], dbname=s["NAME"], autocommit=True
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [sync.LOCK_NAMESPACE, feed.pk])
        feed_run = FeedRun.objects.create(feed=feed, trigger=RunTrigger.COMMAND)
        with pytest.raises(sync.FeedBusy):
            sync.run_feed(feed_run, stream=io.BytesIO(xml_jobs(1)))
        feed_run.refresh_from_db()
        assert feed_run.status == RunStatus.QUEUED
        # Released explicitly: a closed connection's backend may still hold it for a moment.
        other.execute("SELECT pg_advisory_unlock(%s, %s)", [sync.LOCK_NAMESPACE, feed.pk])
    finally:
        other.close()
    assert sync.run_feed(feed_run, stream=io.BytesIO(xml_jobs(1))).status == RunStatus.SUCCEEDED


def test_a_feed_has_one_unfinished_run_at_most(feed: Feed) -> None:
    from django.db import IntegrityError, transaction

    from feeds.services import request_run

    first = request_run(feed, trigger=RunTrigger.SCHEDULE)
    assert first is not None
    assert request_run(feed, trigger=RunTrigger.STAFF) is None
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedRun.objects.create(feed=feed, trigger=RunTrigger.COMMAND, status=RunStatus.RUNNING)
    FeedRun.objects.filter(pk=first.pk).update(status=RunStatus.SUCCEEDED)
    assert request_run(feed, trigger=RunTrigger.STAFF) is not None


def test_a_run_silent_for_too_long_is_lost_and_its_feed_runs_again(feed: Feed, settings) -> None:
    from feeds.services import mark_lost_runs

    now = timezone.now()
    silent = FeedRun.objects.create(
        feed=feed,
        trigger=RunTrigger.SCHEDULE,
        status=RunStatus.RUNNING,
        started_at=now - dt.timedelta(minutes=30),
        heartbeat_at=now - dt.timedelta(seconds=settings.FEEDS_RUN_LOST_AFTER + 1),
    )
    other = Feed.objects.create(name="o", slug="o", format="csv", location="/dev/null", default_kind="vte")
    alive = FeedRun.objects.create(
        feed=other,
        trigger=RunTrigger.SCHEDULE,
        status=RunStatus.RUNNING,
        started_at=now - dt.timedelta(minutes=30),
        heartbeat_at=now - dt.timedelta(seconds=settings.FEEDS_RUN_LOST_AFTER - 5),
    )
    assert mark_lost_runs(now) == 1
    silent.refresh_from_db()
    alive.refresh_from_db()
    assert silent.status == RunStatus.INTERRUPTED and silent.finished_at == now
    assert "ne donnait plus signe de vie depuis plus de 2 min" in silent.error
    assert alive.status == RunStatus.RUNNING

    # The dispatcher does the same, and the feed whose run was lost is due at once (at least once).
    FeedRun.objects.filter(pk=silent.pk).update(status=RunStatus.RUNNING, finished_at=None, error="")
    queued = dispatch_due_feeds()
    assert [FeedRun.objects.get(pk=pk).feed for pk in queued] == [feed]


@pytest.mark.django_db(transaction=True)  # the heartbeat writes from a thread, on a connection of its own
def test_a_running_run_writes_its_sign_of_life(feed: Feed) -> None:
    import time

    run_ = FeedRun.objects.create(feed=feed, trigger=RunTrigger.COMMAND)
    sync.start_run(run_)
    first = run_.heartbeat_at
    assert run_.worker.endswith(f":{__import__('os').getpid()}")
    with sync.heartbeat(run_, every=0.05):
        time.sleep(0.4)
    run_.refresh_from_db()
    assert run_.heartbeat_at > first


def test_check_offer_sets_aside_what_the_table_would_refuse() -> None:
    from feeds.places import CommunePlaces

    place = CommunePlaces.load().resolve(insee="19272")
    good = OfferData(
        kind="vte",
        title="Titre",
        description="<p>x</p>",
        description_text="x",
        employer_name="Employeur",
        employer_kind="entreprise",
        place=place,
        contract="cdd",
    )
    checks.check_offer(good)
    for change, reason in [
        ({"kind": "stage"}, "kind"),
        ({"duration_months": 0}, "Durée"),
        ({"working_time_percent": 120}, "Temps de travail"),
        ({"salary_min": 40000, "salary_max": 30000}, "Salaire minimum"),
        ({"title": "x" * 201}, "trop long"),
        ({"education_level": "bac+9"}, "education_level"),
        ({"employer_name": " "}, "Employeur"),
    ]:
        bad = dataclasses.replace(good, **change)
        with pytest.raises(RecordError, match=reason):
            checks.check_offer(bad)


# --------------------------------------------------------------------------------------------------
# The command


def test_sync_feed_loads_a_partner_file_as_a_named_feed(tmp_path: Path) -> None:
    path = tmp_path / "partenaire.xml"
    path.write_bytes(xml_jobs(4))
    out = io.StringIO()
    call_command("sync_feed", "--format", "xml-jobs", "--file", str(path), "--name", "Partenaire Centre", stdout=out)
    feed = Feed.objects.get(slug="partenaire-centre")
    assert (feed.format, feed.enabled, feed.name) == ("xml-jobs", False, "Partenaire Centre")
    assert offers(feed).count() == 4
    text = out.getvalue()
    assert "créées 4" in text
    assert "Synchronisation réussie" in text

    out = io.StringIO()
    call_command("sync_feed", "--format", "xml-jobs", "--file", str(path), "--name", "Partenaire Centre", stdout=out)
    assert "créées 0, modifiées 0, inchangées 4" in out.getvalue()
    assert Feed.objects.filter(slug="partenaire-centre").count() == 1


def test_a_dry_run_of_a_file_checks_everything_and_keeps_nothing(tmp_path: Path) -> None:
    path = tmp_path / "partenaire.xml"
    path.write_bytes(document([job(1), job(2), job(3, city="Atlantide", postalcode="99999")]))
    command = ["sync_feed", "--format", "xml-jobs", "--file", str(path), "--name", "Partenaire Centre", "--dry-run"]
    out = io.StringIO()
    call_command(*command, stdout=out)
    text = out.getvalue()
    # Parsed, mapped and reported…
    assert "le flux « Partenaire Centre » serait créé (identifiant partenaire-centre" in text
    assert "Synchronisation réussie (essai à blanc)" in text
    assert "lus 3, créées 2" in text
    assert "écarté JOB-3" in text and "Atlantide" in text
    assert "rien n’a été enregistré" in text
    assert "rapport n°" not in text
    # …and nothing written: not the feed, not its run, not the records set aside, not the offers.
    assert not Feed.objects.exists()
    assert not FeedRun.objects.exists()
    assert not RejectedRecord.objects.exists()
    assert not Offer.objects.filter(source="partenaire-centre").exists()

    # A document that fails is reported as failed, and leaves nothing either.
    path.write_bytes(b"<source><job>")
    out = io.StringIO()
    with pytest.raises(CommandError, match="Échec"):
        call_command(*command, stdout=out)
    assert "Synchronisation échouée (essai à blanc)" in out.getvalue()
    assert not Feed.objects.exists() and not FeedRun.objects.exists()

    # A feed loaded before is not changed by a dry run of its next file, and gets no report.
    path.write_bytes(xml_jobs(2))
    call_command(*command[:-1], stdout=io.StringIO())
    feed = Feed.objects.get(slug="partenaire-centre")
    path.write_bytes(xml_jobs(3))
    out = io.StringIO()
    call_command(*command, stdout=out)
    assert "créées 1, modifiées 0, inchangées 2" in out.getvalue()
    assert "serait créé" not in out.getvalue()
    assert offers(feed).count() == 2
    assert FeedRun.objects.filter(feed=feed).count() == 1


def test_sync_feed_dry_run_and_failures(tmp_path: Path, settings) -> None:
    settings.FEEDS_FILES_DIR = tmp_path
    (tmp_path / "flux.xml").write_bytes(xml_jobs(2))
    feed = Feed.objects.create(
        name="Flux", slug="flux", format="xml-jobs", location=str(tmp_path / "flux.xml"), default_kind="vte"
    )
    out = io.StringIO()
    call_command("sync_feed", "flux", "--dry-run", stdout=out)
    assert "essai à blanc" in out.getvalue()
    assert "créées 2" in out.getvalue()
    assert not offers(feed).exists()

    (tmp_path / "flux.xml").write_bytes(b"<source><job>")
    with pytest.raises(CommandError, match="Échec"):
        call_command("sync_feed", "flux", stdout=io.StringIO())
    assert FeedRun.objects.filter(feed=feed).latest("pk").status == RunStatus.FAILED

    with pytest.raises(CommandError, match="Flux inconnu"):
        call_command("sync_feed", "absent", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--format"):
        call_command("sync_feed", "--file", str(tmp_path / "flux.xml"), "--name", "X", stdout=io.StringIO())


# --------------------------------------------------------------------------------------------------
# Dispatcher and purge


def test_the_dispatcher_queues_the_due_enabled_idle_feeds(django_capture_on_commit_callbacks) -> None:
    now = timezone.now()

    def make(slug: str, **fields) -> Feed:
        return Feed.objects.create(
            name=slug, slug=slug, format="csv", location="/dev/null", default_kind="vte", **fields
        )

    never_run = make("never-run")
    due = make("due", interval_minutes=60)
    FeedRun.objects.filter(pk=FeedRun.objects.create(feed=due, trigger="schedule", status="succeeded").pk).update(
        queued_at=now - dt.timedelta(minutes=61)
    )
    recent = make("recent", interval_minutes=60)
    FeedRun.objects.create(feed=recent, trigger="schedule", status="succeeded")
    busy = make("busy", interval_minutes=5)
    FeedRun.objects.filter(pk=FeedRun.objects.create(feed=busy, trigger="schedule", status="running").pk).update(
        queued_at=now - dt.timedelta(minutes=30)
    )
    make("disabled", enabled=False)

    with django_capture_on_commit_callbacks() as callbacks:
        queued = dispatch_due_feeds()
    assert {FeedRun.objects.get(pk=pk).feed.slug for pk in queued} == {never_run.slug, due.slug}
    assert len(callbacks) == 2  # the tasks are sent after commit
    assert all(FeedRun.objects.get(pk=pk).trigger == RunTrigger.SCHEDULE for pk in queued)


def test_the_dispatcher_closes_runs_lost_on_the_way(settings) -> None:
    feed = Feed.objects.create(name="f", slug="f", format="csv", location="/dev/null", default_kind="vte")
    lost = FeedRun.objects.create(feed=feed, trigger="schedule")
    FeedRun.objects.filter(pk=lost.pk).update(queued_at=timezone.now() - dt.timedelta(hours=3))
    queued = dispatch_due_feeds()
    lost.refresh_from_db()
    assert lost.status == RunStatus.INTERRUPTED
    assert len(queued) == 1  # and the feed is queued again


def test_run_reports_are_kept_90_days(feed: Feed) -> None:
    old = FeedRun.objects.create(feed=feed, trigger="schedule", status="succeeded")
    RejectedRecord.objects.create(run=old, reason="x", raw="y")
    FeedRun.objects.filter(pk=old.pk).update(queued_at=timezone.now() - dt.timedelta(days=91))
    recent = FeedRun.objects.create(feed=feed, trigger="schedule", status="succeeded")
    FeedRun.objects.filter(pk=recent.pk).update(queued_at=timezone.now() - dt.timedelta(days=89))
    assert purge_old_runs() == 2  # the run and its rejected record
    assert list(FeedRun.objects.values_list("pk", flat=True)) == [recent.pk]


# --------------------------------------------------------------------------------------------------
# The live France Travail API path: engine, client and format together (against a fake API server)


def test_a_france_travail_feed_is_read_through_the_api(feed_server, settings, monkeypatch) -> None:
    from tests.feeds.test_france_travail_client import FakeFranceTravail

    settings.FRANCE_TRAVAIL_TOKEN_URL = feed_server.url("/token")
    monkeypatch.setenv("FT_TEST_CLIENT_ID", "the-id")
    monkeypatch.setenv("FT_TEST_CLIENT_SECRET", "the-secret")
    api = FakeFranceTravail(feed_server)
    created = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
    for n, (commune, label) in enumerate(
        [("74010", "74 - ANNECY"), ("19272", "19 - TULLE"), ("87085", "87 - LIMOGES")]
    ):
        item = {
            "id": f"18{n}ABC",
            "intitule": f"Chargé de mission économie {n}",
            "description": "Vous accompagnez les entreprises du territoire.\n- Diagnostic\n- Suivi",
            "dateCreation": "2026-11-02T09:30:00.000Z",
            "lieuTravail": {"libelle": label, "commune": commune},
            "entreprise": {"nom": "Communauté d'agglomération"},
            "typeContrat": "CDD",
            "typeContratLibelle": "Contrat à durée déterminée - 12 Mois",
        }
        api.offers.append((commune[:2], created, item))
    feed = Feed.objects.create(
        name="France Travail",
        slug="france-travail",
        format="france-travail",
        location=api.search_url + "?motsCles=mission",
        credentials_env="FT_TEST",
        default_kind="chef-de-projet",
    )

    report = sync.run_feed(FeedRun.objects.create(feed=feed, trigger=RunTrigger.COMMAND))
    assert (report.status, report.records, report.created, report.rejected) == (RunStatus.SUCCEEDED, 3, 3, 0)
    offer = offers(feed).get(external_id="180ABC")
    assert (offer.commune_id, offer.contract, offer.duration_months) == ("74010", "cdd", 12)
    assert api.searches()[0]["motsCles"] == "mission"

    again = sync.run_feed(FeedRun.objects.create(feed=feed, trigger=RunTrigger.COMMAND))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def france_travail_document(count: int, tail: str = "]}") -> bytes:
    items = [
        {
            "id": f"FT-{n}",
            "intitule": f"Chargé de mission n° {n}",
            "description": "Vous accompagnez la modernisation d'un site industriel.",
            "dateCreation": "2026-11-03T10:00:00.000Z",
            "lieuTravail": {"libelle": "74 - Annecy", "codePostal": "74000", "commune": "74010"},
            "entreprise": {"nom": "Forges du Centre"},
            "typeContrat": "CDD",
            "typeContratLibelle": "Contrat à durée déterminée - 12 Mois",
        }
        for n in range(1, count + 1)
    ]
    return ('{"resultats": [' + ", ".join(json.dumps(item, ensure_ascii=False) for item in items) + tail).encode()


def csv_document(count: int, last: bytes = b"") -> bytes:
    header = "reference;titre;description;employeur;contrat;code_insee\n"
    rows = "".join(f"CSV-{n};Chargé de mission n° {n};Texte;Forges du Centre;cdd;74010\n" for n in range(1, count + 1))
    return (header + rows).encode() + last


@pytest.mark.parametrize(
    ("fmt", "good", "broken", "error"),
    [
        (
            "france-travail",
            france_travail_document(300),
            france_travail_document(300, tail=', {"id": "FT-301",'),
            "JSON mal formé (ligne 1, colonne ",
        ),
        (
            "csv",
            csv_document(300),
            csv_document(300, "CSV-301;Été;Texte;Forges;cdd;74010\n".encode("latin-1")),
            "ligne 302",
        ),
        ("xml-jobs", xml_jobs(300), xml_jobs(300)[:-20], "XML mal formé"),
    ],
)
def test_a_document_broken_after_its_first_records_fails_and_writes_nothing(fmt, good, broken, error) -> None:
    # The formats read as they go: records are COPYed before the fault is met; the run's transaction
    # takes them back, and the offers of the last good run stay as they were.
    feed = Feed.objects.create(name=fmt, slug=f"casse-{fmt}", format=fmt, location="/dev/null", default_kind="vte")
    assert run(feed, good).created == 300
    before = set(offers(feed).values_list("id", "updated_at", "status"))

    report = run(feed, broken)

    assert report.status == RunStatus.FAILED
    assert error in report.error
    assert (report.created, report.updated, report.withdrawn) == (0, 0, 0)
    assert set(offers(feed).values_list("id", "updated_at", "status")) == before
    # A first run that breaks leaves no offer at all.
    other = Feed.objects.create(
        name=f"{fmt}-2", slug=f"neuf-{fmt}", format=fmt, location="/dev/null", default_kind="vte"
    )
    assert run(other, broken).status == RunStatus.FAILED
    assert not offers(other).exists()


def test_the_guard_reason_keeps_its_punctuation_and_formats_its_numbers(feed: Feed) -> None:
    from feeds.sync import Outcome, _guard

    outcome = Outcome(records=3_000)
    reason = _guard(feed, outcome, published=12_500, to_withdraw=4_000, complete=True)
    assert reason == (
        "4\u202f000 offres publiées sur 12\u202f500 (32\u00a0%) absentes du flux, au-delà du seuil de 30\u00a0% : "
        "aucune offre retirée."
    )


CSV_HEADER = "reference;titre;description;employeur;contrat;code_insee\n"


@pytest.fixture
def csv_feed() -> Feed:
    return Feed.objects.create(
        name="Partenaire", slug="partenaire", format="csv", location="/dev/null", default_kind="vte"
    )


def test_a_nul_byte_in_one_csv_cell_fails_neither_the_run_nor_the_next(csv_feed: Feed) -> None:
    body = (
        CSV_HEADER
        + "R1;Technicien\x00 réseau;Texte\x00 utile\x07;Mairie;cdi;74010\n"
        + "R2;Agent\u202e gnp.exe;Texte;Forges\u2066 du Centre\u2069;cdi;19272\n"
        + "R\x003;Intitulé;Texte;Mairie;cdi;74010\n"
        + "R4;Chargé de mission;Texte;Mairie;cdi;74010\n"
    ).encode()
    for _ in range(2):  # the second run finds the first one's offers unchanged
        report = run(csv_feed, body)
        assert report.status == RunStatus.SUCCEEDED, report.error
    assert (report.records, report.unchanged, report.rejected) == (4, 3, 1)
    stored = {o.external_id: o for o in offers(csv_feed)}
    assert set(stored) == {"R1", "R2", "R4"}
    assert stored["R1"].title == "Technicien réseau"
    assert stored["R1"].description_text == "Texte utile"
    assert stored["R2"].title == "Agent gnp.exe"
    assert stored["R2"].employer_name == "Forges du Centre"
    [rejected] = RejectedRecord.objects.filter(run=report)
    assert rejected.reason == "Identifiant invalide : il contient un caractère de contrôle"
    assert rejected.external_id == "R\\x003" and "R\\x003;Intitulé" in rejected.raw


def test_a_nul_in_a_france_travail_record_is_stripped(django_db_blocker) -> None:
    feed = Feed.objects.create(
        name="France Travail", slug="ft", format="france-travail", location="/dev/null", default_kind="vte"
    )
    sample = json.loads((Path(__file__).parent / "samples" / "france_travail_search.json").read_text())
    first = sample["resultats"][0]
    first["intitule"] = "Ingénieur\u0000 process"
    first["description"] = "Rejoignez\u0000 l'équipe\u202e."
    report = run(feed, json.dumps(sample).encode())
    assert report.status == RunStatus.SUCCEEDED, report.error
    offer = offers(feed).get(external_id=first["id"])
    assert offer.title == "Ingénieur process"
    assert "\x00" not in offer.description_text and "\u202e" not in offer.description_text


def test_the_report_commits_with_the_offers_or_not_at_all(feed: Feed, monkeypatch) -> None:
    # A worker lost between the offers and the report used to leave the offers committed and the run
    # « en cours »; the report now belongs to the offers' transaction: both or neither.
    def lost(*args, **kwargs):
        raise RuntimeError("worker lost while writing the report")

    monkeypatch.setattr(RejectedRecord.objects, "bulk_create", lost)
    body = document([job(1), job(2, reference="")])  # one record set aside: the report writes it
    with pytest.raises(RuntimeError):
        run(feed, body)
    assert not offers(feed).exists()
    report = FeedRun.objects.get(feed=feed)
    assert report.status == RunStatus.FAILED
    assert (report.records, report.created, report.rejected) == (0, 0, 0)

    monkeypatch.undo()
    report = run(feed, body)
    assert (report.status, report.created, report.rejected) == (RunStatus.SUCCEEDED, 1, 1)
    assert offers(feed).count() == 1
