"""Cost of each feed format per record: parse (with the fingerprint) and to_offer.

    DATABASE_URL=… python bench/formats.py [--records 50000]

Builds one document per format from `offers.demo` offers (real communes, ≈ 1 KB descriptions; Apec's
HTML written with named entities, as Apec writes it), then times `parse` over the whole document and
`to_offer` over every record, and prints µs per record. Needs the territories in the database.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import sys
import time
from html.entities import codepoint2name
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from feeds import formats  # noqa: E402
from feeds.places import CommunePlaces  # noqa: E402
from feeds.records import Limits, MappingContext, RecordError  # noqa: E402
from offers.bulk import OfferRow  # noqa: E402
from offers.demo import Pools, generate_offers, load_communes  # noqa: E402

NOW = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
CONTRACT_LABELS = {"cdi": "CDI", "cdd": "CDD", "alternance": "CDD - Alternance - Contrat d'apprentissage"}
_ENTITIES = {code: f"&{name};" for code, name in codepoint2name.items() if code > 127}


def published(offer: OfferRow) -> dt.datetime:
    """A demo offer's publication date (every demo offer has one)."""
    assert offer.published_at is not None
    return offer.published_at


def _entities(text: str) -> str:
    return text.translate(_ENTITIES)


def _salary(offer: OfferRow) -> str:
    if offer.salary_min and offer.salary_max:
        return f"Annuel de {offer.salary_min}.00 Euros à {offer.salary_max}.00 Euros sur 12 mois"
    return offer.salary_text


def france_travail(offers: list[OfferRow], postcodes: dict[str, str]) -> bytes:
    results = []
    for offer in offers:
        months = f" - {offer.duration_months} Mois" if offer.duration_months else ""
        results.append(
            {
                "id": offer.external_id,
                "intitule": offer.title,
                "description": offer.description_text,
                "dateCreation": published(offer).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "dateActualisation": published(offer).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "lieuTravail": {
                    "libelle": f"{offer.departement_id} - {offer.commune_id}",
                    "latitude": offer.latitude,
                    "longitude": offer.longitude,
                    "codePostal": postcodes.get(offer.commune_id, ""),
                    "commune": offer.commune_id,
                },
                "entreprise": {"nom": offer.employer_name, "entrepriseAdaptee": False},
                "typeContrat": offer.contract.upper()[:3],
                "typeContratLibelle": CONTRACT_LABELS.get(offer.contract, "Autre") + months,
                "natureContrat": "Contrat apprentissage" if offer.contract == "alternance" else "Contrat travail",
                "experienceExige": "D" if offer.experience == "debutant" else "E",
                "experienceLibelle": "Débutant accepté" if offer.experience == "debutant" else "2 An(s)",
                "formations": [{"niveauLibelle": "Bac+5 et plus ou équivalents", "exigence": "E"}],
                "salaire": {"libelle": _salary(offer)},
                "dureeTravailLibelle": "35H Horaires normaux",
                "dureeTravailLibelleConverti": "Temps plein",
                "alternance": offer.contract == "alternance",
                "contact": {"urlPostulation": offer.apply_url or "https://emploi.example.fr/postuler"},
                "nombrePostes": 1,
                "origineOffre": {"origine": "1", "urlOrigine": f"https://candidat.example.fr/{offer.external_id}"},
            }
        )
    return json.dumps({"resultats": results, "filtresPossibles": []}, ensure_ascii=False).encode()


def apec(offers: list[OfferRow]) -> bytes:
    out = ["<?xml version='1.0' encoding='UTF-8'?>\n<Export_offres>"]
    for offer in offers:
        out.append(
            "<Offre_emploi>"
            f"<Reference_apec>{offer.external_id}</Reference_apec>"
            f"<Date_parution>{published(offer):%d/%m/%Y %H:%M:%S}</Date_parution>"
            f"<Intitule><![CDATA[{offer.title}]]></Intitule><Oqa>Non</Oqa><Nombre_postes>1</Nombre_postes>"
            f"<Contrat><Type_contrat>{CONTRACT_LABELS.get(offer.contract, 'CDD')}</Type_contrat>"
            f"<Duree_contrat>{offer.duration_months or 0}</Duree_contrat></Contrat>"
            "<Statut>Cadre du secteur privé</Statut><Niveau_experience>Minimum 2 ans</Niveau_experience>"
            f"<Salaire_affiche><![CDATA[{(offer.salary_min or 30000) // 1000} - {(offer.salary_max or 40000) // 1000}"
            " k€ brut annuel]]></Salaire_affiche>"
            "<Fonction><JOB_fonction>04A</JOB_fonction><Libelle_fonction>Conception</Libelle_fonction></Fonction>"
            "<Secteur_activite><NAF_secteur>7112B</NAF_secteur><Libelle_secteur>INGÉNIERIE</Libelle_secteur>"
            "</Secteur_activite>"
            f"<Texte_offre><![CDATA[{_entities(offer.description)}]]></Texte_offre>"
            f"<Nom_entreprise><![CDATA[{offer.employer_name}]]></Nom_entreprise>"
            f"<URL><![CDATA[https://www.apec.example/offre/{offer.external_id}]]></URL>"
            "<Zone_deplacement>Pas de déplacement</Zone_deplacement>"
            f"<Lieu><COG_lieu>{offer.commune_id}</COG_lieu><Libelle_lieu>X</Libelle_lieu></Lieu>"
            "</Offre_emploi>\n"
        )
    out.append("</Export_offres>")
    return "".join(out).encode()


def xml_jobs(offers: list[OfferRow], places: CommunePlaces, postcodes: dict[str, str]) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<source><publisher>Bench</publisher>']
    for offer in offers:
        out.append(
            "<job>"
            f"<title><![CDATA[{offer.title}]]></title>"
            f"<date>{published(offer):%a, %d %b %Y %H:%M:%S} GMT</date>"
            f"<referencenumber>{offer.external_id}</referencenumber>"
            f"<url>https://emplois.example.fr/{offer.external_id}</url>"
            f"<company><![CDATA[{offer.employer_name}]]></company>"
            f"<city>{escape(places.places[offer.commune_id].name)}</city><state>{offer.departement_id}</state>"
            f"<country>FR</country><postalcode>{postcodes.get(offer.commune_id, '')}</postalcode>"
            f"<description><![CDATA[{offer.description}]]></description>"
            f"<salary><![CDATA[{escape(offer.salary_text)}]]></salary><education>Bac+5</education>"
            f"<jobtype>{CONTRACT_LABELS.get(offer.contract, 'CDD')}</jobtype><category>Industrie</category>"
            "<experience>2 ans</experience>"
            "</job>\n"
        )
    out.append("</source>")
    return "".join(out).encode()


def csv_document(offers: list[OfferRow], places: CommunePlaces) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    columns = formats.get("csv").COLUMNS  # type: ignore[attr-defined]
    writer.writerow(columns)
    for offer in offers:
        row = {
            "reference": offer.external_id,
            "titre": offer.title,
            "description": offer.description_text,
            "employeur": offer.employer_name,
            "type_employeur": offer.employer_kind,
            "siret": offer.employer_siret,
            "code_insee": offer.commune_id,
            "commune": places.places[offer.commune_id].name,
            "type_offre": offer.kind,
            "contrat": offer.contract,
            "duree_mois": offer.duration_months or "",
            "temps_travail": offer.working_time_percent or "",
            "salaire_min": offer.salary_min or "",
            "salaire_max": offer.salary_max or "",
            "salaire": offer.salary_text,
            "niveau_etudes": offer.education_level,
            "experience": offer.experience,
            "teletravail": offer.remote,
            "url_candidature": offer.apply_url,
            "email_candidature": offer.apply_email,
            "date_publication": published(offer).isoformat(),
        }
        writer.writerow([row.get(column, "") for column in columns])
    return buffer.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000)
    records = parser.parse_args().records

    started = time.perf_counter()
    places = CommunePlaces.load()
    print(f"CommunePlaces.load(): {(time.perf_counter() - started) * 1000:.0f} ms ({len(places.places)} communes)")
    from territories.models import Commune

    postcodes = {code: (codes or [""])[0] for code, codes in Commune.objects.values_list("code", "postcodes")}
    offers = list(generate_offers(records, seed=7, now=NOW, pools=Pools.of(load_communes())))
    size = sum(len(offer.description) for offer in offers) / len(offers)
    print(f"{records} offers, descriptions {size:.0f} characters on average\n")
    documents = {
        "france-travail": france_travail(offers, postcodes),
        "apec": apec(offers),
        "xml-jobs": xml_jobs(offers, places, postcodes),
        "csv": csv_document(offers, places),
    }
    context = MappingContext(default_kind="vte", places=places, now=NOW)
    print(f"{'format':<16}{'document':>10}{'parse µs':>10}{'to_offer µs':>13}{'total µs':>10}{'rejected':>10}")
    for name, document in documents.items():
        fmt = formats.get(name)
        started = time.perf_counter()
        parsed = list(fmt.parse(io.BytesIO(document), Limits(max_records=10 * records)))
        parse_time = time.perf_counter() - started
        rejected = 0
        started = time.perf_counter()
        for record in parsed:
            try:
                fmt.to_offer(record, context)
            except RecordError:
                rejected += 1
        offer_time = time.perf_counter() - started
        per_parse, per_offer = parse_time / len(parsed) * 1e6, offer_time / len(parsed) * 1e6
        print(
            f"{name:<16}{len(document) / 1e6:>8.1f}MB{per_parse:>10.1f}{per_offer:>13.1f}"
            f"{per_parse + per_offer:>10.1f}{rejected:>10}"
        )


if __name__ == "__main__":
    main()
