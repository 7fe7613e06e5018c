"""The bulk writer: every value of a feed's record lands in the column of its name, with its event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.utils import timezone

from feeds import sync
from feeds.places import CommunePlaces
from feeds.records import OfferData
from offers.bulk import BulkWriter
from offers.enums import EventKind, OfferStatus
from offers.models import Offer, OfferEvent

pytestmark = pytest.mark.django_db


def test_a_feed_record_written_in_bulk_reads_back_field_by_field():
    place = CommunePlaces.load().resolve(insee="19272")
    now = timezone.now().replace(microsecond=0)
    data = OfferData(
        kind="vta",
        title="Chargée de mission « Petites villes de demain »",
        description="<p>Description HTML</p>",
        description_text="Description en texte",
        employer_name="Mairie de Tulle",
        employer_kind="commune",
        place=place,
        contract="cdd",
        employer_siren="211902729",
        employer_siret="21190272900017",
        remote="partiel",
        duration_months=14,
        working_time_percent=80,
        start_date=dt.date(2027, 3, 1),
        salary_min=28_000,
        salary_max=31_000,
        salary_text="Selon grille",
        education_level="bac+3",
        experience="1-2-ans",
        apply_url="https://candidater.example.fr/vta-14",
        apply_email="recrutement@tulle.example.fr",
        source_url="https://source.example.fr/offres/vta-14",
        published_at=now - dt.timedelta(days=2),
        expires_at=now + dt.timedelta(days=40),
    )
    row = sync._row(data, source="partenaire", external_id="VTA-14", digest="d" * 64, now=now)
    with transaction.atomic(), connection.cursor() as cursor:
        writer = BulkWriter(cursor.cursor)
        with writer.inserting() as insert:
            insert(row)
        assert writer.record_created(source="partenaire", created_at=now) == 1

    offer = Offer.objects.get(source="partenaire", external_id="VTA-14")
    expected = {
        "kind": "vta",
        "title": "Chargée de mission « Petites villes de demain »",
        "slug": "chargee-de-mission-petites-villes-de-demain",
        "description": "<p>Description HTML</p>",
        "description_text": "Description en texte",
        "employer_name": "Mairie de Tulle",
        "employer_siren": "211902729",
        "employer_siret": "21190272900017",
        "employer_kind": "commune",
        "commune_id": "19272",
        "departement_id": "19",
        "region_id": "75",
        "latitude": place.latitude,
        "longitude": place.longitude,
        "programmes": list(place.programmes),
        "remote": "partiel",
        "contract": "cdd",
        "duration_months": 14,
        "working_time_percent": 80,
        "start_date": dt.date(2027, 3, 1),
        "salary_min": 28_000,
        "salary_max": 31_000,
        "salary_text": "Selon grille",
        "education_level": "bac+3",
        "experience": "1-2-ans",
        "apply_url": "https://candidater.example.fr/vta-14",
        "apply_email": "recrutement@tulle.example.fr",
        "source": "partenaire",
        "external_id": "VTA-14",
        "source_url": "https://source.example.fr/offres/vta-14",
        "content_hash": "d" * 64,
        "status": OfferStatus.PUBLISHED,
        "published_at": now - dt.timedelta(days=2),
        "expires_at": now + dt.timedelta(days=40),
        "closed_at": None,
        "created_at": now,
        "updated_at": now,
    }
    # Every column the writer writes is checked: a new column must be added here.
    written = {f.attname for f in Offer._meta.concrete_fields} - {"id", "search_vector"}
    assert set(expected) == written
    for name, value in expected.items():
        assert getattr(offer, name) == value, name

    [event] = OfferEvent.objects.filter(offer=offer)
    assert (event.kind, event.from_status, event.to_status, event.at) == (
        EventKind.PUBLISHED,
        "",
        OfferStatus.PUBLISHED,
        now - dt.timedelta(days=2),
    )
