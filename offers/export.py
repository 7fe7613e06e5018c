"""`/offres/export.csv?<the search's parameters>`: the open offers of a search as a spreadsheet file.

The same filters as the page (`offers.filters.OfferFilterSet` on `normalised_params`), newest first,
at most `EXPORT_CAP` offers (the cap is in the file's name, and a last line says when it cut the list).
Streamed row by row from a server-side cursor; UTF-8 with a byte-order mark and « ; » between
columns, as French spreadsheet software expects; a header row in French.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from offers.enums import Contract, EducationLevel, OfferKind, Remote
from offers.filters import OfferFilterSet
from offers.licences import licence_of
from offers.models import Offer
from offers.views.search import _query_dict, normalised_params
from partnership.formatting import number
from territories import programmes

EXPORT_CAP = 5000

COLUMNS = (
    ("Identifiant", "id"),
    ("Intitulé", "title"),
    ("Type d’offre", "kind"),
    ("Employeur", "employer_name"),
    ("Commune", "commune__name"),
    ("Code INSEE de la commune", "commune_id"),
    ("Département", "departement_id"),
    ("Région", "region_id"),
    ("Programmes de l’ANCT", "programmes"),
    ("Contrat", "contract"),
    ("Durée (mois)", "duration_months"),
    ("Télétravail", "remote"),
    ("Niveau d’études", "education_level"),
    ("Salaire annuel brut minimum (€)", "salary_min"),
    ("Salaire annuel brut maximum (€)", "salary_max"),
    ("Publiée le", "published_at"),
    ("Date limite", "expires_at"),
    ("Adresse de l’offre", "slug"),
    ("Source", "source"),
    ("Licence", "source"),
)
FIELDS = tuple(dict.fromkeys(field for _, field in COLUMNS))


class _Echo:
    def write(self, value: str) -> str:
        return value


def _labels() -> dict[str, dict[str, str]]:
    return {
        "kind": dict(OfferKind.choices),
        "contract": dict(Contract.choices),
        "remote": dict(Remote.choices),
        "education_level": dict(EducationLevel.choices),
    }


def rows(filterset: OfferFilterSet) -> Iterator[list[Any]]:
    """The header, then one row per offer (at most EXPORT_CAP), then a line if the list was cut."""
    yield [title for title, _ in COLUMNS]
    labels, names = _labels(), programmes.short_names()
    queryset = (
        filterset.filter_queryset(Offer.objects.published())
        .order_by("-published_at", "-id")
        .values(*FIELDS)[: EXPORT_CAP + 1]
    )
    for count, offer in enumerate(queryset.iterator(chunk_size=1000), start=1):
        if count > EXPORT_CAP:
            yield [f"Liste limitée aux {number(EXPORT_CAP)} offres les plus récentes : précisez la recherche."]
            return
        row = []
        for title, field in COLUMNS:
            value = offer[field]
            if field in labels:
                value = labels[field].get(value, value)
            elif field == "programmes":
                value = ", ".join(names.get(code, code) for code in value)
            elif field in ("published_at", "expires_at"):
                value = timezone.localtime(value).date().isoformat() if value else ""
            elif field == "slug":
                value = settings.SITE_URL + reverse(
                    "offers:detail", kwargs={"pk": offer["id"], "slug": value or "offre"}
                )
            elif title == "Licence":
                value = licence_of(value)
            row.append("" if value is None else value)
        yield row


@require_GET
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    # The search page's own reading of the parameters.
    filterset = OfferFilterSet(_query_dict(normalised_params(request.GET)), queryset=Offer.objects.none())
    writer = csv.writer(_Echo(), delimiter=";")

    def content() -> Iterator[str]:
        yield "\ufeff"  # byte-order mark: spreadsheet software then reads UTF-8
        for row in rows(filterset):
            yield writer.writerow(row)

    today = timezone.localdate().isoformat()
    response = StreamingHttpResponse(content(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="offres-{today}-{EXPORT_CAP}-au-plus.csv"'
    return response
