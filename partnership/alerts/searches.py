"""An alert's search: its parameters kept in the search page's canonical form, the filter set built
from them (`offers.filters.OfferFilterSet`, the one definition of the search), and the search told
in words (« Chef de projet, Petites villes de demain, à 30 km de Tulle »)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.http import QueryDict

from offers.enums import Contract, EducationLevel, OfferKind, Remote
from offers.filters import OfferFilterSet
from offers.models import Offer
from offers.views.search import normalised_params
from partnership.formatting import of_place
from territories import programmes
from territories.models import Departement, Region

# Parameters an alert does not keep: the order and page of results, and « published since » (an
# alert sends what is new anyway).
NOT_KEPT = frozenset({"tri", "page", "publiee_depuis"})


def alert_query(query: QueryDict) -> str:
    """The search parameters an alert keeps, normalised and URL-encoded (the key of « same search »)."""
    return urlencode([(name, value) for name, value in normalised_params(query) if name not in NOT_KEPT])


def query_dict(query: str) -> QueryDict:
    params = QueryDict(mutable=True)
    for name, value in parse_qsl(query, keep_blank_values=False):
        params.appendlist(name, value)
    return params


def filterset(query: str) -> OfferFilterSet:
    return OfferFilterSet(query_dict(query), queryset=Offer.objects.none())


def _either(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " ou " + labels[-1]


def _labels(choices: list[tuple[str, str]], values: list[str]) -> str:
    """The chosen values' labels, in the order of the choices (the search form's)."""
    return _either([str(label) for value, label in choices if value in values])


def describe(search: OfferFilterSet) -> str:
    """The valid parameters of a search in plain French, in the order a person would say them."""
    data = search.data_ok
    parts: list[str] = []
    if data.get("q"):
        parts.append(f"« {data['q']} »")
    if data.get("type"):
        parts.append(_labels(OfferKind.choices, data["type"]))
    if data.get("programme"):
        parts.append(_either([programmes.name(code) for code in programmes.short_names() if code in data["programme"]]))
    if data.get("contrat"):
        parts.append(_labels(Contract.choices, data["contrat"]))
    low, high = data.get("duree_min"), data.get("duree_max")
    if low and high:
        parts.append(f"de {low} à {high} mois")
    elif low:
        parts.append(f"{low} mois ou plus")
    elif high:
        parts.append(f"{high} mois au plus")
    if data.get("niveau"):
        parts.append("niveau " + _labels(EducationLevel.choices, data["niveau"]).lower())
    if data.get("teletravail"):
        parts.append(_labels(Remote.choices, data["teletravail"]).lower())
    point = search.commune_point
    if point is not None:
        parts.append(f"à {search.rayon_km} km de {point.name}")
    if data.get("departement"):
        departement = Departement.objects.only("name", "tncc").get(pk=data["departement"])
        parts.append(f"dans le département {of_place(departement.name, departement.tncc)} ({departement.pk})")
    if data.get("region"):
        parts.append(f"en région {Region.objects.values_list('name', flat=True).get(pk=data['region'])}")
    if not parts:
        return "Toutes les offres"
    text = ", ".join(parts)
    return text[0].upper() + text[1:]
