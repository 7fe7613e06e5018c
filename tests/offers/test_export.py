"""`/offres/export.csv`: the search's offers as a spreadsheet file (same parameters as the page)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.utils import timezone

from offers import export
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

OFFER_LINK = re.compile(r'href="/offres/(\d+)-[^"/]*/"')


def read(response) -> tuple[bytes, list[list[str]]]:
    body = b"".join(response.streaming_content)
    return body, list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_the_export_has_the_searchs_offers_under_a_french_header(client):
    now = timezone.now()
    vta = OfferFactory(
        vta=True,
        title="Chargée de mission « eau » ; rivières",
        published_at=now - dt.timedelta(hours=1),
        salary_min=24000,
    )
    OfferFactory(vta=True, commune="15014", published_at=now - dt.timedelta(hours=2))
    OfferFactory(published_at=now - dt.timedelta(hours=3))  # a VTE: not in the search
    OfferFactory(vta=True, expired=True)

    response = client.get("/offres/export.csv?type=vta&departement=19&tri=distance&page=9")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="offres-\d{4}-\d\d-\d\d-5000-au-plus\.csv"', response["Content-Disposition"]
    )
    body, rows = read(response)
    assert body.startswith(b"\xef\xbb\xbf")
    assert rows[0][:4] == ["Identifiant", "Intitulé", "Type d’offre", "Employeur"]
    assert rows[0][-1] == "Licence"
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Identifiant"] == str(vta.pk)
    assert row["Intitulé"] == "Chargée de mission « eau » ; rivières"
    assert (row["Type d’offre"], row["Commune"], row["Département"]) == ("VTA", "Tulle", "19")
    assert row["Salaire annuel brut minimum (€)"] == "24000"
    assert row["Publiée le"] == timezone.localtime(vta.published_at).date().isoformat()
    assert row["Adresse de l’offre"].endswith(vta.get_absolute_url())
    assert row["Licence"] == "Licence Ouverte 2.0 (Etalab)"


def test_the_export_and_the_page_list_the_same_offers(client):
    now = timezone.now()
    for index in range(25):
        OfferFactory(commune=["19272", "15014", "87085"][index % 3], published_at=now - dt.timedelta(hours=index + 1))
    query = "commune=19272&rayon=100"
    _, rows = read(client.get(f"/offres/export.csv?{query}"))
    page = client.get(f"/offres/?{query}&tri=date").content.decode()
    assert [int(row[0]) for row in rows[1:21]] == [int(pk) for pk in dict.fromkeys(OFFER_LINK.findall(page))]


def test_the_export_is_capped_and_says_so_on_its_last_line(client, monkeypatch):
    monkeypatch.setattr(export, "EXPORT_CAP", 3)
    OfferFactory.create_batch(5)
    _, rows = read(client.get("/offres/export.csv"))
    assert len(rows) == 1 + 3 + 1
    assert rows[-1] == ["Liste limitée aux 3 offres les plus récentes : précisez la recherche."]
    OfferFactory.create_batch(0)
    monkeypatch.setattr(export, "EXPORT_CAP", 5)
    _, rows = read(client.get("/offres/export.csv"))
    assert len(rows) == 6 and rows[-1][0].isdigit()


def test_the_export_reads_in_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    OfferFactory.create_batch(30)
    with django_assert_max_num_queries(3):
        _, rows = read(client.get("/offres/export.csv?commune=Tulle"))
    assert len(rows) == 31
