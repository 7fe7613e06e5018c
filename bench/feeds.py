"""Feed sync benchmark: a 50,000-offer feed in each format, first run and unchanged re-run.

    .venv/bin/python bench/feeds.py                   # or `make bench-feeds`
    .venv/bin/python bench/feeds.py --offers 10000 --formats csv,apec
    .venv/bin/python bench/feeds.py --without-search-index   # the experiment of docs/performance.md

A script that prints figures, not a test. It works on the benchmark database (`BENCH_DATABASE_URL`,
else `talents_bench` on the server of `DATABASE_URL`, else on 127.0.0.1:5432; created, migrated and
given the territories when needed; its demo offers, if any, stay: the feeds load into a table that
already holds them, as in production).

For each format it writes a document of `--offers` realistic offers (the demo generator's content:
titles, HTML descriptions of about 1 KB, real communes) in that format, then, timing the whole run
(`feeds.sync.run_feed`: parse, map, hash, COPY/UPDATE, withdrawals, report, ANALYZE):

1. first run on an empty feed: every offer is created;
2. the same document again: every offer unchanged;
3. a document where 5 % of the offers changed and 2 % are gone.

Each run prints its phases and where the CPU went: this process (parse, map, hash, COPY rows) and
its PostgreSQL backend (read from /proc when the server runs on this machine).

Before each run it waits for PostgreSQL's autovacuum workers to finish (the first run's 50,000 rows
set one off): each run is measured on a quiet server, as hourly runs are.

Bars (issue #4, docs/performance.md): first run ≥ 5,000 offers/s; unchanged re-run ≥ 20,000 offers/s.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from feeds.models import FeedRun
    from offers.bulk import OfferRow

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.search import bench_env, default_database_url, load, prepare_database, say, with_database  # noqa: E402

FIRST_RUN_BAR = 5_000
UNCHANGED_BAR = 20_000
FORMATS = ("france-travail", "apec", "xml-jobs", "csv")

CONTRACTS = {"cdi": "CDI", "cdd": "CDD", "alternance": "CDD", "contrat-de-projet": "CDD", "autre": "CDD"}
EDUCATION = {"bac+2": "Bac+2", "bac+3": "Bac+3", "bac+4": "Bac+4", "bac+5": "Bac+5"}


# --------------------------------------------------------------------------------------------------
# Documents


def published(offer: OfferRow) -> dt.datetime:
    """A demo offer's publication date (every demo offer has one)."""
    assert offer.published_at is not None
    return offer.published_at


def _paris(value: dt.datetime) -> dt.datetime:
    from django.utils import timezone

    return timezone.localtime(value)


def _salary_label(offer: OfferRow) -> str:
    low, high = offer.salary_min, offer.salary_max
    if low and high:
        return f"Annuel de {low:.2f} Euros à {high:.2f} Euros sur 12 mois"
    return ""


def france_travail(offers: Iterable[OfferRow], places: dict[str, tuple[str, str, str]], out: Path) -> None:
    items = []
    for o in offers:
        name, postcode, dep = places[o.commune_id]
        months = o.duration_months
        contract = CONTRACTS[o.contract]
        label = (
            "Contrat à durée indéterminée" if contract == "CDI" else f"Contrat à durée déterminée - {months or 12} Mois"
        )
        item = {
            "id": o.external_id.replace("demo-", "FT"),
            "intitule": o.title,
            "description": o.description_text,
            "dateCreation": published(o).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "dateActualisation": published(o).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "lieuTravail": {
                "libelle": f"{dep} - {name.upper()}",
                "latitude": o.latitude,
                "longitude": o.longitude,
                "codePostal": postcode,
                "commune": o.commune_id,
            },
            "entreprise": {"nom": o.employer_name},
            "typeContrat": contract,
            "typeContratLibelle": label,
            "natureContrat": "Contrat apprentissage" if o.contract == "alternance" else "Contrat travail",
            "experienceExige": "D",
            "experienceLibelle": "Débutant accepté",
            "formations": [{"niveauLibelle": "Bac+5 et plus ou équivalents", "exigence": "S"}],
            "salaire": {"libelle": _salary_label(o)},
            "dureeTravailLibelleConverti": "Temps plein",
            "origineOffre": {"origine": "1", "urlOrigine": o.apply_url or "https://candidat.francetravail.fr/offres/1"},
            "contact": {"urlPostulation": o.apply_url} if o.apply_url else {},
        }
        items.append(item)
    out.write_text(json.dumps({"resultats": items, "filtresPossibles": []}, ensure_ascii=False), encoding="utf-8")


def apec(offers: Iterable[OfferRow], places: dict[str, tuple[str, str, str]], out: Path) -> None:
    with out.open("w", encoding="utf-8") as f:
        f.write("<?xml version='1.0' encoding='UTF-8'?>\n<Offres>\n")
        for o in offers:
            name, _postcode, dep = places[o.commune_id]
            contract = CONTRACTS[o.contract]
            duration = f"{o.duration_months} mois" if o.duration_months else ""
            salary = (
                f"{o.salary_min // 1000} - {o.salary_max // 1000} k€ brut annuel"
                if o.salary_min and o.salary_max
                else "A négocier"
            )
            f.write(
                "<Offre_emploi>"
                f"<Reference_apec>{o.external_id.replace('demo-', 'APEC')}</Reference_apec>"
                f"<Date_parution>{_paris(published(o)):%d/%m/%Y %H:%M:%S}</Date_parution>"
                f"<Intitule>{escape(o.title)}</Intitule>"
                f"<Contrat><Type_contrat>{contract}</Type_contrat><Duree_contrat>{duration}</Duree_contrat></Contrat>"
                f"<Salaire_affiche>{escape(salary)}</Salaire_affiche>"
                f"<Texte_offre><![CDATA[{o.description}]]></Texte_offre>"
                f"<Nom_entreprise>{escape(o.employer_name)}</Nom_entreprise>"
                f"<URL>{escape(o.apply_url or 'https://www.apec.fr/')}</URL>"
                f"<Lieu><COG_lieu>{o.commune_id}</COG_lieu><Libelle_lieu>{escape(name)} - {dep}</Libelle_lieu></Lieu>"
                "</Offre_emploi>\n"
            )
        f.write("</Offres>\n")


def xml_jobs(offers: Iterable[OfferRow], places: dict[str, tuple[str, str, str]], out: Path) -> None:
    with out.open("w", encoding="utf-8") as f:
        f.write("<?xml version='1.0' encoding='UTF-8'?>\n<source><publisher>Bench</publisher>\n")
        for o in offers:
            name, postcode, _dep = places[o.commune_id]
            f.write(
                "<job>"
                f"<title><![CDATA[{o.title}]]></title>"
                f"<date>{format_datetime(published(o).astimezone(dt.UTC), usegmt=True)}</date>"
                f"<referencenumber>{o.external_id.replace('demo-', 'JOB')}</referencenumber>"
                f"<url>{escape(o.apply_url or 'https://emplois.example.fr/')}</url>"
                f"<company><![CDATA[{o.employer_name}]]></company>"
                f"<city>{escape(name)}</city><state></state><country>FR</country><postalcode>{postcode}</postalcode>"
                f"<description><![CDATA[{o.description}]]></description>"
                f"<salary>{escape(o.salary_text)}</salary>"
                f"<education>{EDUCATION.get(o.education_level, '')}</education>"
                f"<jobtype>{CONTRACTS[o.contract]}</jobtype>"
                "<category>Industrie</category><experience></experience>"
                "</job>\n"
            )
        f.write("</source>\n")


def csv_file(offers: Iterable[OfferRow], places: dict[str, tuple[str, str, str]], out: Path) -> None:
    from feeds.formats.csv_format import COLUMNS

    columns = list(COLUMNS)
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, delimiter=";", extrasaction="ignore")
        writer.writeheader()
        for o in offers:
            name, postcode, _dep = places[o.commune_id]
            writer.writerow(
                {
                    "reference": o.external_id.replace("demo-", "CSV"),
                    "titre": o.title,
                    "description": o.description,
                    "employeur": o.employer_name,
                    "type_employeur": o.employer_kind,
                    "siret": o.employer_siret,
                    "code_insee": o.commune_id,
                    "code_postal": postcode,
                    "commune": name,
                    "type_offre": o.kind,
                    "contrat": o.contract,
                    "duree_mois": o.duration_months or "",
                    "temps_travail": o.working_time_percent or "",
                    "date_debut": o.start_date.isoformat() if o.start_date else "",
                    "salaire_min": o.salary_min or "",
                    "salaire_max": o.salary_max or "",
                    "salaire": o.salary_text,
                    "niveau_etudes": o.education_level,
                    "experience": o.experience,
                    "teletravail": o.remote,
                    "url_candidature": o.apply_url,
                    "email_candidature": o.apply_email,
                    "url": "",
                    "date_publication": _paris(published(o)).isoformat(timespec="seconds"),
                    "date_limite": "",
                }
            )


WRITERS: dict[str, Callable[..., None]] = {
    "france-travail": france_travail,
    "apec": apec,
    "xml-jobs": xml_jobs,
    "csv": csv_file,
}


# --------------------------------------------------------------------------------------------------
# Runs


def demo_offers(count: int, *, changed_share: float = 0.0, gone_share: float = 0.0) -> list[OfferRow]:
    """The first `count` demo offers (seed 1), open ones only, some retitled and some left out."""
    from django.utils import timezone

    from offers.demo import Pools, generate_offers, load_communes

    now = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    pools = Pools.of(load_communes())
    offers = [o for o in generate_offers(count, seed=1, now=now, pools=pools)]
    result = []
    for i, offer in enumerate(offers):
        if gone_share and i % int(1 / gone_share) == 1:
            continue
        if changed_share and i % int(1 / changed_share) == 0:
            offer = offer._replace(title=offer.title + " – mise à jour")
        result.append(offer)
    return result


def commune_places() -> dict[str, tuple[str, str, str]]:
    from territories.models import Commune

    return {
        code: (name, (postcodes or [""])[0], dep)
        for code, name, postcodes, dep in Commune.objects.values_list("code", "name", "postcodes", "departement_id")
    }


def backend_cpu_seconds() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, when the server runs on this
    machine (read from /proc), else None."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        row = cursor.fetchone()
    try:
        fields = Path(f"/proc/{row[0]}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError, TypeError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def run(fmt: str, path: Path, offers: int) -> tuple[float, FeedRun, str]:
    """One run: its seconds, its report, and where the CPU went (this process, the backend)."""
    from feeds.enums import RunTrigger
    from feeds.models import Feed, FeedRun
    from feeds.sync import run_feed

    feed = Feed.objects.get(slug=f"bench-{fmt}")
    feed_run = FeedRun.objects.create(feed=feed, trigger=RunTrigger.COMMAND)
    backend_before = backend_cpu_seconds()
    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    with path.open("rb") as stream:
        result = run_feed(feed_run, stream=stream, allow_any_file=True)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    backend_after = backend_cpu_seconds()
    python = usage.ru_utime - usage_before.ru_utime + usage.ru_stime - usage_before.ru_stime
    backend = (
        f"{backend_after - backend_before:.2f} s"
        if backend_before is not None and backend_after is not None
        else "n/a (server not on this machine)"
    )
    return seconds, result, f"CPU: Python {python:.2f} s, PostgreSQL backend {backend}"


def settle(timeout: float = 120) -> float:
    """Wait until no autovacuum worker runs (a first run of 50,000 offers sets one off on the offers
    table, which takes a core for seconds): the next run is measured on a quiet server, as an hourly
    re-run would be. Returns the seconds waited."""
    from django.db import connection

    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")
            row = cursor.fetchone()
        if not row or not row[0]:
            break
        time.sleep(0.5)
    return time.perf_counter() - started


def reset_feed(fmt: str, offers: int) -> None:
    from feeds.models import Feed
    from offers.models import Offer

    Offer.objects.filter(source=f"bench-{fmt}").delete()
    Feed.objects.filter(slug=f"bench-{fmt}").delete()
    Feed.objects.create(
        name=f"Banc d'essai {fmt}",
        slug=f"bench-{fmt}",
        format=fmt,
        location=f"/dev/null/bench-{fmt}",
        default_kind="vte",
        enabled=False,
        max_megabytes=2048,
        max_records=max(offers * 2, 1000),
    )


NO_SEARCH_DATABASE_SUFFIX = "_sans_recherche"


def copy_without_search(database_url: str) -> str:
    """A copy of the benchmark database whose search vector is a plain column left empty, without its
    GIN index: what a run would cost if the word search were not maintained while it writes. An
    experiment for the figures of docs/performance.md, never the product."""
    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    copy = name + NO_SEARCH_DATABASE_SUFFIX
    with psycopg.connect(with_database(database_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    copy_url = with_database(database_url, copy)
    with psycopg.connect(copy_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE offers_offer ALTER COLUMN search_vector DROP EXPRESSION")
        conn.execute("DROP INDEX offer_search_place_published")
    return copy_url


def drop_database(database_url: str) -> None:
    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(with_database(database_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--offers", type=int, default=50_000)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--keep", action="store_true", help="keep the bench feeds' offers afterwards")
    parser.add_argument(
        "--without-search-index",
        action="store_true",
        help="an experiment: run on a copy of the database whose search vector is an empty plain column "
        "without its GIN index (what maintaining the word search costs a run); the copy is dropped after",
    )
    args = parser.parse_args()
    formats = [f for f in args.formats.split(",") if f]

    database_url = default_database_url()
    prepare_database(database_url, 0, False)
    if args.without_search_index:
        database_url = copy_without_search(database_url)
        say("Experiment: search vectors neither computed nor indexed (a copy of the database)")
    os.environ.update(bench_env(database_url, cache="dummy"))
    import django

    django.setup()
    from django.db import connection

    from offers.models import Offer
    from partnership.db import use_background_statement_timeout

    use_background_statement_timeout()  # a benchmark does a command's work

    say(f"Database {connection.settings_dict['NAME']}: {Offer.objects.count():,} offers before ({load()})")
    places = commune_places()
    base = demo_offers(args.offers)
    changed = demo_offers(args.offers, changed_share=0.05, gone_share=0.02)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in formats:
            first_doc, changed_doc = Path(tmp) / f"{fmt}-1", Path(tmp) / f"{fmt}-2"
            WRITERS[fmt](base, places, first_doc)
            WRITERS[fmt](changed, places, changed_doc)
            size = first_doc.stat().st_size / 1048576
            reset_feed(fmt, len(base))
            say(f"\n{fmt}: {len(base):,} offers, {size:.1f} MB ({load()})")
            rows = []
            for label, path in (
                ("first run", first_doc),
                ("unchanged re-run", first_doc),
                ("5 % changed, 2 % gone", changed_doc),
            ):
                waited = settle()
                if waited >= 1:
                    say(f"    (waited {waited:.0f} s for autovacuum to finish)")
                seconds, report, cpu = run(fmt, path, len(base))
                rate = report.records / seconds
                say(
                    f"  {label:<22} {seconds:6.2f} s  {rate:9,.0f} offers/s  status {report.status}  "
                    f"created {report.created:,} updated {report.updated:,} unchanged {report.unchanged:,} "
                    f"withdrawn {report.withdrawn:,} rejected {report.rejected:,}"
                )
                say("    phases (s from start): " + ", ".join(f"{k} {v:.2f}" for k, v in report.timings.items()))
                say(f"    {cpu}")
                if report.rejected:
                    for rejected in report.rejected_records.all()[:3]:
                        say(f"    rejected {rejected.external_id}: {rejected.reason}")
                rows.append((label, seconds, rate))
            results.append((fmt, size, rows))
            if not args.keep:
                reset_feed(fmt, len(base))
                Offer.objects.filter(source=f"bench-{fmt}").delete()

    say("\nformat           MB   first run (offers/s)   unchanged (offers/s)   5 % changed (offers/s)")
    ok = True
    for fmt, size, rows in results:
        first, unchanged, partial = rows
        ok &= first[2] >= FIRST_RUN_BAR and unchanged[2] >= UNCHANGED_BAR
        say(
            f"{fmt:<14} {size:5.1f}   {first[1]:5.2f} s {first[2]:9,.0f}"
            f"      {unchanged[1]:5.2f} s {unchanged[2]:9,.0f}      {partial[1]:5.2f} s {partial[2]:9,.0f}"
        )
    say(f"\nBars: first run ≥ {FIRST_RUN_BAR:,}/s, unchanged ≥ {UNCHANGED_BAR:,}/s: {'met' if ok else 'NOT met'}")
    if args.without_search_index:
        from django.db import connections

        connections.close_all()
        drop_database(database_url)
        say("(without the word search: an experiment, not the product)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
