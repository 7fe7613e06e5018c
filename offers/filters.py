"""The public search parameters of `/offres/` (documented in docs/search.md), as a django-filter FilterSet.

An invalid value never fails the page: its field gets a French error message, the value is left
out, and every other valid parameter still applies. Several values of a multi-valued parameter
are kept when only some of them are invalid (`type=vte&type=xyz` searches VTE offers and says
that `xyz` is not a type).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.db.models import F, Q, QuerySet, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.lookups import LessThanOrEqual
from django.http import QueryDict
from django.utils import timezone

from offers.enums import Contract, EducationLevel, OfferKind, Remote
from offers.models import SEARCH_CONFIG, Offer
from partnership.text import UNSAFE_CHARACTERS
from territories.codes import commune_label, is_commune_code, is_departement_code, split_commune_label
from territories.enums import ProgrammeCode
from territories.geo import bounding_box, distance_km
from territories.models import Commune, Departement, Region
from territories.normalize import search_name, strip_accents

Q_MAX_LENGTH = 200
RAYON_MIN, RAYON_MAX, RAYON_DEFAULT = 5, 200, 30
RAYON_CHOICES = (5, 10, 20, 30, 50, 100, 200)
DUREE_MAX = 120
PUBLIEE_DEPUIS_MAX = 365
PUBLIEE_DEPUIS_CHOICES = (
    (1, "Depuis 24 heures"),
    (3, "Depuis 3 jours"),
    (7, "Depuis 7 jours"),
    (30, "Depuis 30 jours"),
)
MAX_PAGE = 50
LIEU_AS_WORDS = "non"  # `lieu=non`: no place is looked for in the words (« retirer » the recognised place)

TRI_CHOICES = (("pertinence", "Pertinence"), ("date", "Date de publication"), ("distance", "Distance"))


# --- Région and département names: one query per process every few minutes, never per request ----------
class _GeoNames:
    TTL = 600.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded_at = -self.TTL
        self.regions: dict[str, str] = {}
        self.departements: dict[str, str] = {}
        self.region_codes: dict[str, str] = {}  # normalised name → code
        self.departement_codes: dict[str, str] = {}  # normalised name → code
        self._departement_choices: tuple[tuple[str, str], ...] = ()

    def _refresh(self) -> None:
        if time.monotonic() - self._loaded_at < self.TTL:
            return
        with self._lock:
            if time.monotonic() - self._loaded_at < self.TTL:
                return
            regions = Region.objects.values_list("code", "name")
            # French order: « Île-de-France » among the I (accents ignored), not after « Wallis-et-Futuna ».
            self.regions = dict(sorted(regions, key=lambda row: (search_name(row[1]), row[1])))
            self.departements = dict(Departement.objects.order_by("code").values_list("code", "name"))
            self.region_codes = {search_name(name): code for code, name in self.regions.items()}
            self.departement_codes = {search_name(name): code for code, name in self.departements.items()}
            self._departement_choices = tuple((code, f"{code} – {name}") for code, name in self.departements.items())
            self._loaded_at = time.monotonic()

    def region_choices(self) -> list[tuple[str, str]]:
        self._refresh()
        return list(self.regions.items())

    def departement_choices(self) -> tuple[tuple[str, str], ...]:
        """« 19 – Corrèze », in code order (built once per load: a search page lists them)."""
        self._refresh()
        return self._departement_choices

    def is_region(self, code: str) -> bool:
        self._refresh()
        return code in self.regions

    def is_departement(self, code: str) -> bool:
        self._refresh()
        return code in self.departements

    def departement_code(self, text: str) -> str | None:
        """The département named or numbered by `text` (« Cantal », « corrèze », « 19 », « 2a »), or None."""
        self._refresh()
        if is_departement_code(text):
            code = text.strip().upper()
            return code if code in self.departements else None
        return self.departement_codes.get(search_name(text))

    def region_code(self, text: str) -> str | None:
        self._refresh()
        return self.region_codes.get(search_name(text))

    def forget(self) -> None:
        self._loaded_at = -self.TTL


geo_names = _GeoNames()


def region_choices() -> list[tuple[str, str]]:
    return geo_names.region_choices()


def departement_choices() -> list[tuple[str, str]]:
    return list(geo_names.departement_choices())


# --- Communes ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CommunePoint:
    code: str
    name: str
    departement: str
    latitude: float
    longitude: float

    @property
    def label(self) -> str:
        return commune_label(self.name, self.departement)

    def distance_km(self) -> CombinedExpression:
        """The great-circle distance from this commune to each row, in SQL."""
        return distance_km(self.latitude, self.longitude)


def resolve_commune(text: str) -> CommunePoint | None:
    """The commune meant by an INSEE code, a postcode, `Name (dep)` or a name (the most populated
    of its homonyms): one query."""
    raw = text.strip()
    communes = Commune.objects.values_list("code", "name", "departement_id", "latitude", "longitude")
    order = (F("population").desc(nulls_last=True), "code")
    if is_commune_code(raw):
        code = raw.upper()
        row = communes.filter(pk=code).first()
        if row is None:  # a postcode: its most populated commune
            row = communes.filter(postcodes__contains=[code]).order_by(*order).first()
        return CommunePoint(*row) if row else None
    name, departement = split_commune_label(raw) or (raw, "")
    normalised = search_name(name)
    if not normalised:
        return None
    filtered = communes.filter(search_name=normalised)
    if departement:
        filtered = filtered.filter(departement_id=departement)
    rows = filtered.order_by(*order)[:1]
    row = next(iter(rows), None)
    return CommunePoint(*row) if row else None


def within_radius(queryset: QuerySet[Offer], point: CommunePoint, rayon: int) -> QuerySet[Offer]:
    """Offers at most `rayon` km from `point`: a bounding box served by the (latitude, longitude)
    index, then the exact distance."""
    return queryset.filter(
        LessThanOrEqual(point.distance_km(), Value(float(rayon))),
        bounding_box(point.latitude, point.longitude, rayon).q(),
    )


# --- Words that are no search: PostgreSQL's French stop-words ----------------------------------------
# A copy of PostgreSQL's `tsearch_data/french.stop` (Snowball project, BSD licence), the list the
# `french_unaccent` configuration drops: a query made only of them finds nothing to look for.
STOP_WORDS_FILE = Path(__file__).resolve().parent / "data" / "french.stop"
_WORD = re.compile(r"[^\W_]+")


# Words that list misses yet that find nothing worth finding: « les » becomes the lexeme « le »
# and would match nearly every offer (PostgreSQL's list has « le », « la », « de »).
EXTRA_STOP_WORDS = frozenset({"les", "cet", "cette", "leurs"})


@functools.cache
def stop_words() -> frozenset[str]:
    listed = (line.strip() for line in STOP_WORDS_FILE.read_text(encoding="utf-8").splitlines())
    # Unaccented too: the configuration removes accents before it looks a word up, so « à » would
    # reach PostgreSQL as the lexeme « a ».
    return frozenset(strip_accents(word) for word in listed if word) | EXTRA_STOP_WORDS


def search_words(text: str) -> list[str]:
    """The words PostgreSQL looks at in `text`, lower-case and without accents (« l’été » → l, ete)."""
    return _WORD.findall(strip_accents(text).lower())


def without_stop_words(text: str) -> str:
    """`text` without its stop-words, so that « les ingénieurs » and « ingénieurs » find the same
    offers; an exact phrase (in quotes) and excluded words (« -le ») are left as typed."""
    if '"' in text:
        return text
    kept = [
        token
        for token in text.split()
        if token.startswith("-") or not all(word in stop_words() for word in search_words(token))
    ]
    return " ".join(kept)


def only_stop_words(text: str) -> bool:
    """Whether `text` has words and all of them are stop-words (« de », « le la les de »): such a
    query has nothing to search."""
    return bool(search_words(text)) and not without_stop_words(text)


# --- A place in the words: « chef de projet Tulle », « VTA Cantal », « ingénieur 19 » ---------------------
PLACE_MAX_WORDS = 4
PLACE_MIN_LENGTH = 3  # normalised characters of a place name looked up among the communes
_ARTICLES = ("le ", "la ", "les ", "l ")


@dataclass(frozen=True)
class RecognisedPlace:
    """A place found at the start or the end of the search words, and the words left to search."""

    param: str  # the search parameter it sets: "commune", "departement" or "region"
    code: str
    label: str  # « Tulle (19) », « Cantal (15) », « Nouvelle-Aquitaine »
    words: str
    point: CommunePoint | None = None


def _place_candidates(text: str) -> list[tuple[str, str]]:
    """(place words, other words) for the last and the first 1 to PLACE_MAX_WORDS words, longest
    first, the end of the text before its start; never words with search operators (« - », quotes)."""
    words = text.split()
    candidates = []
    for size in range(min(PLACE_MAX_WORDS, len(words)), 0, -1):
        ends = [(words[-size:], words[:-size])]
        if size < len(words):
            ends.append((words[:size], words[size:]))
        for place, rest in ends:
            if any(word.startswith("-") or '"' in word for word in place):
                continue
            candidates.append((" ".join(place), " ".join(rest)))
    return candidates


def _without_article(name: str) -> str:
    for article in _ARTICLES:
        if name.startswith(article):
            return name[len(article) :]
    return name


def recognise_place(text: str) -> RecognisedPlace | None:
    """A département (name or code), a région or a commune (name, INSEE code or postcode) named at
    the end or the start of `text`; départements and régions before communes (« Corrèze », « Paris »).
    In memory, plus at most one query for the communes."""
    candidates = _place_candidates(text)
    for place, rest in candidates:
        if code := geo_names.departement_code(place) or geo_names.departement_code(
            _without_article(search_name(place))
        ):
            name = geo_names.departements[code]
            return RecognisedPlace("departement", code, f"{name} ({code})", rest)
        if code := geo_names.region_code(place) or geo_names.region_code(_without_article(search_name(place))):
            return RecognisedPlace("region", code, geo_names.regions[code], rest)
    names: dict[str, tuple[str, str]] = {}
    codes: dict[str, tuple[str, str]] = {}
    for place, rest in candidates:
        if is_commune_code(place):
            codes.setdefault(place.upper(), (place, rest))
            continue
        normalised = search_name(place)
        if len(normalised) >= PLACE_MIN_LENGTH and not only_stop_words(place):
            names.setdefault(normalised, (place, rest))
    if not names and not codes:
        return None
    rows = (
        Commune.objects.filter(
            Q(search_name__in=list(names)) | Q(pk__in=list(codes)) | Q(postcodes__overlap=list(codes))
        )
        .order_by(F("population").desc(nulls_last=True), "code")
        .values_list("code", "name", "departement_id", "latitude", "longitude", "search_name", "postcodes")
    )
    found: dict[str, CommunePoint] = {}
    for code, name, departement, latitude, longitude, normalised, postcodes in rows:
        commune = CommunePoint(code, name, departement, latitude, longitude)
        for key in (normalised, code, *postcodes):
            found.setdefault(key, commune)  # the most populated commune of a name or a postcode
    for place, rest in candidates:
        key = place.upper() if is_commune_code(place) else search_name(place)
        if (match := found.get(key)) is not None and (key in names or key in codes):
            return RecognisedPlace("commune", match.code, match.label, rest, match)
    return None


class PageField(forms.IntegerField):
    """A page number: what is not a whole number of at least 1 (« 0 », « -1 », « abc ») means page 1,
    silently; a number beyond MAX_PAGE is an error that says where the pages stop."""

    def to_python(self, value: Any) -> int | None:
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            return None
        return number if number >= 1 else None


# --- Form fields ---------------------------------------------------------------------------------------
class SearchTextField(forms.CharField):
    """Free text: control characters (NUL included) removed, cut to `Q_MAX_LENGTH` characters."""

    def to_python(self, value: Any) -> str:
        text = UNSAFE_CHARACTERS.sub(" ", str(value or ""))
        return " ".join(text.split())[:Q_MAX_LENGTH]


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """Keeps the valid values; the invalid ones are reported by `OfferSearchForm.clean()`."""

    def clean(self, value: Any) -> list[str]:
        values = [str(v).strip() for v in (value or []) if str(v).strip()]
        self.rejected = [v for v in values if not self.valid_value(v)]
        return list(dict.fromkeys(v for v in values if self.valid_value(v)))


class CommuneField(forms.CharField):
    def to_python(self, value: Any) -> str:
        return " ".join(UNSAFE_CHARACTERS.sub(" ", str(value or "")).split())[:120]


class _ShallowCopiedFields(dict[str, forms.Field]):
    """The search form's fields, which a form copies for itself: copies of each field are enough (a
    form deep-copies them, their widgets and choices: 0.4 ms of a search), as the search form is
    never rendered by Django and a field keeps nothing of a request but the values it rejected,
    which it sets on its own copy."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return {name: copy.copy(field) for name, field in self.items()}


class OfferSearchForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        for name, field in self.fields.items():
            rejected = getattr(field, "rejected", None)
            if rejected:
                label = field.label or name
                values = ", ".join(f"« {v[:40]} »" for v in rejected[:5])
                self.errors.setdefault(name, self.error_class()).append(
                    f"{label} : valeur inconnue {values}."
                    if len(rejected) == 1
                    else f"{label} : valeurs inconnues {values}."
                )
        self.commune_point: CommunePoint | None = None
        self.recognised_place: RecognisedPlace | None = None
        self.ignored_words = ""
        text = data.get("q") or ""
        place_given = any(data.get(name) for name in ("commune", "departement", "region"))
        if text and not place_given and data.get("lieu") != LIEU_AS_WORDS and "q" not in self.errors:
            self.recognised_place = place = recognise_place(text)
            if place is not None:
                data["q"] = text = place.words
                data[place.param] = place.code
                self.commune_point = place.point
        if text:
            data["q"] = without_stop_words(text)
            if not data["q"]:
                # Nothing to search in these words: every offer is listed, and the page says why.
                self.ignored_words = text
        commune_text = data.get("commune")
        if commune_text and self.commune_point is None:
            self.commune_point = resolve_commune(commune_text)
            if self.commune_point is None:
                self.add_error(
                    "commune",
                    f"Commune introuvable : « {commune_text[:60]} ». Saisissez son nom ou son code INSEE "
                    "(par exemple 19272 pour Tulle).",
                )
        # A radius without a commune is ignored: the form sends its default even when no commune is given.
        duree_min, duree_max = data.get("duree_min"), data.get("duree_max")
        if duree_min is not None and duree_max is not None and duree_min > duree_max:
            self.add_error("duree_max", "La durée maximale doit être supérieure ou égale à la durée minimale.")
        if data.get("tri") == "distance" and self.commune_point is None:
            self.add_error("tri", "Le tri par distance demande une commune : choisissez une commune.")
        return data


class GeoCodeField(django_filters.fields.ChoiceField):
    """A région or département code, checked by `is_valid_code` (a dict lookup) instead of walking
    the choices, which a search's form never renders (0.25 ms of every search for 101 départements)."""

    def __init__(self, *args: Any, is_valid_code: Callable[[str], bool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_valid_code = is_valid_code

    def valid_value(self, value: Any) -> bool:
        return self.is_valid_code(str(value))


class GeoCodeFilter(django_filters.ChoiceFilter):
    field_class = GeoCodeField


class SearchTextFilter(django_filters.CharFilter):
    field_class = SearchTextField


class CommuneFilter(django_filters.CharFilter):
    field_class = CommuneField


class LenientMultipleChoiceFilter(django_filters.MultipleChoiceFilter):
    field_class = LenientMultipleChoiceField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("distinct", False)  # one row per offer already: DISTINCT would sort every match
        super().__init__(*args, **kwargs)


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class PageFilter(django_filters.NumberFilter):
    field_class = PageField


def _int_field(label: str, minimum: int, maximum: int, message: str) -> dict[str, Any]:
    return {
        "label": label,
        "min_value": minimum,
        "max_value": maximum,
        "error_messages": {"invalid": message, "min_value": message, "max_value": message},
    }


def _choices_message(label: str) -> dict[str, str]:
    return {"invalid_choice": f"{label} : valeur inconnue « %(value)s »."}


class OfferFilterSet(django_filters.FilterSet):
    q = SearchTextFilter(label="Mots-clés", method="filter_q")
    type = LenientMultipleChoiceFilter(label="Type d’offre", field_name="kind", choices=OfferKind.choices)
    programme = LenientMultipleChoiceFilter(
        label="Programme",
        choices=ProgrammeCode.choices,
        method="filter_programme",
    )
    region = GeoCodeFilter(
        label="Région",
        field_name="region_id",
        choices=region_choices,
        is_valid_code=geo_names.is_region,
        empty_label="Toutes les régions",
        error_messages=_choices_message("Région"),
    )
    departement = GeoCodeFilter(
        label="Département",
        field_name="departement_id",
        choices=departement_choices,
        is_valid_code=geo_names.is_departement,
        empty_label="Tous les départements",
        error_messages=_choices_message("Département"),
    )
    commune = CommuneFilter(label="Commune", method="filter_commune")
    rayon = IntegerFilter(
        method="filter_noop",
        **_int_field(
            "Rayon (km)",
            RAYON_MIN,
            RAYON_MAX,
            f"Le rayon est un nombre entier de kilomètres entre {RAYON_MIN} et {RAYON_MAX}.",
        ),
    )
    contrat = LenientMultipleChoiceFilter(label="Contrat", field_name="contract", choices=Contract.choices)
    duree_min = IntegerFilter(
        field_name="duration_months",
        lookup_expr="gte",
        **_int_field("Durée minimale (mois)", 1, DUREE_MAX, f"La durée est un nombre de mois entre 1 et {DUREE_MAX}."),
    )
    duree_max = IntegerFilter(
        field_name="duration_months",
        lookup_expr="lte",
        **_int_field("Durée maximale (mois)", 1, DUREE_MAX, f"La durée est un nombre de mois entre 1 et {DUREE_MAX}."),
    )
    niveau = LenientMultipleChoiceFilter(
        label="Niveau d’études",
        field_name="education_level",
        choices=EducationLevel.choices,
    )
    teletravail = LenientMultipleChoiceFilter(label="Télétravail", field_name="remote", choices=Remote.choices)
    publiee_depuis = IntegerFilter(
        method="filter_publiee_depuis",
        **_int_field(
            "Publiée depuis (jours)",
            1,
            PUBLIEE_DEPUIS_MAX,
            f"« Publiée depuis » est un nombre de jours entre 1 et {PUBLIEE_DEPUIS_MAX}.",
        ),
    )
    tri = django_filters.ChoiceFilter(
        label="Trier par", method="filter_noop", choices=TRI_CHOICES, error_messages=_choices_message("Tri")
    )
    lieu = django_filters.ChoiceFilter(
        label="Lieu dans les mots-clés",
        method="filter_noop",
        choices=((LIEU_AS_WORDS, "Chercher les noms de lieux comme des mots"),),
        error_messages=_choices_message("Lieu"),
    )
    page = PageFilter(
        method="filter_noop",
        **_int_field(
            "Page",
            1,
            MAX_PAGE,
            f"Les résultats s’arrêtent à la page {MAX_PAGE} : précisez votre recherche pour voir les autres offres.",
        ),
    )

    # Parameters that facets count across (each facet ignores its own filter).
    FACETS = ("type", "programme", "region", "contrat")
    NOT_FILTERS = frozenset({"rayon", "tri", "page", "lieu"})

    class Meta:
        model = Offer
        fields: list[str] = []
        form = OfferSearchForm

    _form_class: Any = None  # (`type` is a filter of this class: no `type[...]` annotations here)

    def __init__(self, data: Any = None, queryset: Any = None, *, request: Any = None, prefix: Any = None) -> None:
        # As django-filter's, which deep-copies every filter, its choices and messages, and builds a
        # new form class for each filter set: a third of a millisecond of every search for nothing,
        # as these filters keep no state of a request but their filter set. Shallow copies here,
        # and one form class (get_form_class).
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset if queryset is not None else Offer.objects.all()
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, base in self.base_filters.items():
            filter_ = copy.copy(base)
            filter_.model, filter_.parent = Offer, self
            if base._method is not None:
                filter_.method = base._method  # a FilterMethod of its own, bound to this filter set
            self.filters[name] = filter_

    def get_form_class(self) -> Any:
        cls = self.__class__
        if cls.__dict__.get("_form_class") is None:
            form_class = super().get_form_class()
            form_class.base_fields = _ShallowCopiedFields(form_class.base_fields)
            cls._form_class = form_class
        return cls._form_class

    # --- filter methods
    def filter_noop(self, queryset: QuerySet[Offer], name: str, value: Any) -> QuerySet[Offer]:
        return queryset

    def filter_q(self, queryset: QuerySet[Offer], name: str, value: str) -> QuerySet[Offer]:
        query = self.search_query
        return queryset.filter(search_vector=query) if query is not None else queryset

    def filter_programme(self, queryset: QuerySet[Offer], name: str, value: list[str]) -> QuerySet[Offer]:
        return queryset.filter(programmes__overlap=value) if value else queryset

    def filter_commune(self, queryset: QuerySet[Offer], name: str, value: str) -> QuerySet[Offer]:
        point = self.commune_point
        return within_radius(queryset, point, self.rayon_km) if point is not None else queryset

    def filter_publiee_depuis(self, queryset: QuerySet[Offer], name: str, value: int) -> QuerySet[Offer]:
        return queryset.filter(published_at__gte=timezone.now() - dt.timedelta(days=value))

    # --- what the view needs
    @property
    def data_ok(self) -> dict[str, Any]:
        self.is_valid()
        return self.form.cleaned_data

    @property
    def search_query(self) -> SearchQuery | None:
        text = self.data_ok.get("q")
        return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG) if text else None

    @property
    def commune_point(self) -> CommunePoint | None:
        self.is_valid()
        return getattr(self.form, "commune_point", None)

    @property
    def recognised_place(self) -> RecognisedPlace | None:
        self.is_valid()
        return getattr(self.form, "recognised_place", None)

    @property
    def ignored_words(self) -> str:
        self.is_valid()
        return str(getattr(self.form, "ignored_words", ""))

    @property
    def rayon_km(self) -> int:
        rayon = self.data_ok.get("rayon")
        return int(rayon) if rayon is not None else RAYON_DEFAULT

    @property
    def sort(self) -> str:
        tri = self.data_ok.get("tri")
        if tri == "distance" and self.commune_point is not None:
            return "distance"
        if tri == "date" or not self.data_ok.get("q"):
            return "date"
        return "pertinence"

    @property
    def page_number(self) -> int:
        return int(self.data_ok.get("page") or 1)

    def filter_queryset(self, queryset: QuerySet[Offer], without: str | None = None) -> QuerySet[Offer]:
        """The queryset filtered by every valid parameter, except `without` (for a facet's counts)."""
        for name, value in self.data_ok.items():
            if name == without or name in self.NOT_FILTERS:
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def is_active(self, name: str) -> bool:
        self.is_valid()
        return name in self.form.cleaned_data and self.form.cleaned_data[name] not in (None, "", [])
