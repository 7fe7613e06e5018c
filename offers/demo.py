"""Demo offers: realistic, clearly fictional VTE, VTA and chef-de-projet offers on real communes.

`manage.py seed_demo` calls `seed_demo_offers`. Generation is pure and deterministic: offer number
`n` depends only on the seed, `n`, the reference time `now` and the communes (sorted by INSEE code),
never on how many offers are asked for, so `--offers 300` gives the first 300 offers of
`--offers 3000`. Each offer draws from its own `random.Random(f"{seed}:{n}")`; no global random state.

Where offers go (the domain facts of DESIGN.md §2):

- VTE in companies (PME/ETI) of Territoires d'industrie communes (mostly), fixed-term of 12 months or
  more, permanent or alternance, bac+2 to bac+5;
- VTA in rural communes, for the commune itself or its EPCI, fixed-term of 12 to 18 months, at least
  75 % of full time, bac+2 at least;
- chefs de projet in Petites villes de demain and Action cœur de ville communes, for the commune or
  its EPCI, on a contrat de projet or a fixed-term of 24 to 36 months.

Communes are drawn in proportion to their population within each programme's communes.

Writing, in one transaction: when the table holds no demo offer, rows are streamed with COPY
(psycopg 3) straight into it; otherwise into a temporary table, then upserted on
`(source, external_id)` = `("demo", "demo-<n>")`, updating only the rows whose content hash changed
and deleting the demo offers a smaller run no longer has. So the demo source always ends up holding
exactly demo-1 … demo-<count>; a second run with the same arguments changes nothing, and a run with
another seed rewrites the offers in place, keeping their ids (offer URLs stay valid).
`replace=True` deletes every demo offer first (TRUNCATE when they are the whole table), then COPYs:
same content, new ids; the fastest path for a big load. Offers of other sources are never touched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import html
import itertools
import random
import re
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.utils.text import slugify

from offers.bulk import COPY_COLUMNS, EVENT_TABLE, OFFER_TABLE, BulkWriter, OfferRow
from offers.enums import Contract, EducationLevel, EmployerKind, Experience, OfferKind, OfferStatus, Remote
from offers.models import offer_slug
from partnership.accounts.validators import luhn_check_digit
from partnership.formatting import euros, number
from territories.enums import ProgrammeCode

DEMO_SOURCE = "demo"
PUBLISHED_WITHIN_DAYS = 90

# Share of each kind among the demo offers.
KIND_WEIGHTS = {OfferKind.VTE: 50, OfferKind.VTA: 30, OfferKind.CHEF_DE_PROJET: 20}
# Share of VTE offers placed outside Territoires d'industrie (in any commune of 2,000+ inhabitants).
VTE_OUTSIDE_TI = 0.12
VTE_OUTSIDE_TI_MIN_POPULATION = 2000


# --------------------------------------------------------------------------------------------------
# Communes


@dataclass(frozen=True, slots=True)
class DemoCommune:
    code: str
    name: str
    departement_id: str
    departement_name: str
    region_id: str
    latitude: float
    longitude: float
    programmes: tuple[str, ...]
    population: int
    epci_siren: str | None = None
    epci_name: str | None = None
    territoire_industrie: str | None = None


@dataclass(frozen=True)
class Pool:
    """Communes to draw from, weighted by population."""

    communes: tuple[DemoCommune, ...]
    cum_weights: tuple[float, ...]

    @classmethod
    def of(cls, communes: Iterable[DemoCommune]) -> Pool:
        chosen = tuple(communes)
        return cls(chosen, tuple(itertools.accumulate(max(c.population, 1) for c in chosen)))

    def draw(self, rng: random.Random) -> DemoCommune:
        return rng.choices(self.communes, cum_weights=self.cum_weights)[0]

    def __bool__(self) -> bool:
        return bool(self.communes)


@dataclass(frozen=True)
class Pools:
    vte: Pool
    vte_outside_ti: Pool
    vta: Pool
    chef_de_projet: Pool

    @classmethod
    def of(cls, communes: Sequence[DemoCommune]) -> Pools:
        ordered = sorted(communes, key=lambda c: c.code)
        if not ordered:
            raise ValueError("no communes: run `manage.py import_territories` first")

        def pool(keep: Callable[[DemoCommune], bool]) -> Pool:
            return Pool.of(c for c in ordered if keep(c)) or Pool.of(ordered)

        return cls(
            vte=pool(lambda c: ProgrammeCode.TI in c.programmes),
            vte_outside_ti=pool(
                lambda c: ProgrammeCode.TI not in c.programmes and c.population >= VTE_OUTSIDE_TI_MIN_POPULATION
            ),
            vta=pool(lambda c: ProgrammeCode.RURAL in c.programmes),
            chef_de_projet=pool(lambda c: ProgrammeCode.PVD in c.programmes or ProgrammeCode.ACV in c.programmes),
        )


def load_communes() -> list[DemoCommune]:
    """Every commune, with what the generator needs, sorted by INSEE code."""
    from territories.models import Commune

    rows = Commune.objects.order_by("code").values_list(
        "code",
        "name",
        "departement_id",
        "departement__name",
        "region_id",
        "latitude",
        "longitude",
        "programmes",
        "population",
        "epci_id",
        "epci__name",
        "territoire_industrie__name",
    )
    return [
        DemoCommune(
            code=code,
            name=name,
            departement_id=dep,
            departement_name=dep_name,
            region_id=reg,
            latitude=lat,
            longitude=lon,
            programmes=tuple(programmes),
            population=population or 0,
            epci_siren=epci_siren,
            epci_name=epci_name,
            territoire_industrie=ti,
        )
        for code, name, dep, dep_name, reg, lat, lon, programmes, population, epci_siren, epci_name, ti in rows
    ]


# --------------------------------------------------------------------------------------------------
# French helpers

_VOWEL_START = re.compile(r"^[aeiouyhàâäéèêëîïôöùûüœæ]", re.IGNORECASE)


def of_place(name: str) -> str:
    """« de » before a place name, with elision and contraction: d'Auxerre, du Mans, des Andelys."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if _VOWEL_START.match(name):
        return "d’" + name
    return "de " + name


def at_place(name: str) -> str:
    """« à » before a place name: à Tulle, au Mans, aux Andelys."""
    if name.startswith("Le "):
        return "au " + name[3:]
    if name.startswith("Les "):
        return "aux " + name[4:]
    return "à " + name


def fake_siren(rng: random.Random) -> str:
    """Nine digits passing the Luhn check, like a SIREN (made up; it may or may not be assigned)."""
    payload = str(rng.randrange(10_000_000, 100_000_000))
    return payload + luhn_check_digit(payload)


def fake_siret(rng: random.Random, siren: str) -> str:
    """The SIREN plus a made-up establishment number (NIC) so that the 14 digits pass the Luhn check."""
    payload = siren + f"{rng.randrange(1, 1000):04d}"
    return payload + luhn_check_digit(payload)


# --------------------------------------------------------------------------------------------------
# Descriptions: a list of blocks, rendered as sanitised simple HTML and as the same text without tags


class Paragraph(NamedTuple):
    text: str


class Items(NamedTuple):
    items: tuple[str, ...]


Block = Paragraph | Items


def _escape(text: str) -> str:
    """`html.escape(text, quote=False)`, faster when there is nothing to escape (most lines)."""
    if "&" in text or "<" in text or ">" in text:
        return html.escape(text, quote=False)
    return text


def render_html(blocks: Sequence[Block]) -> str:
    parts = []
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append(f"<p>{_escape(block.text)}</p>")
        else:
            parts.append("<ul><li>" + "</li><li>".join(map(_escape, block.items)) + "</li></ul>")
    return "\n".join(parts)


def render_text(blocks: Sequence[Block]) -> str:
    return "\n\n".join(block.text if isinstance(block, Paragraph) else "\n".join(block.items) for block in blocks)


# --------------------------------------------------------------------------------------------------
# Vocabulary: offers/data/demo_texts.toml (French, as in real offers; employers and posts are fictional)


@dataclass(frozen=True)
class Job:
    title: str
    missions: tuple[str, ...]
    skills: tuple[str, ...]
    programmes: tuple[str, ...] = ()  # chef-de-projet jobs: the programmes the post belongs to (any if empty)
    education: tuple[str, ...] = ()  # allowed levels, if narrower than the kind's


@dataclass(frozen=True)
class Sector:
    names: tuple[str, ...]  # formats: {x} an invented name, {of_place} "de Tulle", {place} "Tulle"
    activity: str


TEXTS_FILE = Path(__file__).resolve().parent / "data" / "demo_texts.toml"


def _load_texts(path: Path = TEXTS_FILE) -> dict[str, Any]:
    with path.open("rb") as file:
        texts = tomllib.load(file)
    texts["sectors"] = tuple(Sector(tuple(s["names"]), s["activity"]) for s in texts["sectors"])
    for kind in ("vte_jobs", "vta_jobs", "chef_de_projet_jobs"):
        texts[kind] = tuple(
            Job(
                j["title"],
                tuple(j["missions"]),
                tuple(j["skills"]),
                tuple(j.get("programmes", ())),
                tuple(j.get("education", ())),
            )
            for j in texts[kind]
        )
    return texts


_TEXTS = _load_texts()
SECTORS: tuple[Sector, ...] = _TEXTS["sectors"]
NAME_PARTS_1: tuple[str, ...] = tuple(_TEXTS["name_parts_1"])
NAME_PARTS_2: tuple[str, ...] = tuple(_TEXTS["name_parts_2"])
SIZES: tuple[str, ...] = tuple(_TEXTS["sizes"])
VTE_JOBS: tuple[Job, ...] = _TEXTS["vte_jobs"]
VTA_JOBS: tuple[Job, ...] = _TEXTS["vta_jobs"]
CHEF_DE_PROJET_JOBS: tuple[Job, ...] = _TEXTS["chef_de_projet_jobs"]
VTE_INTROS: tuple[str, ...] = tuple(_TEXTS["vte_intros"])
VTE_TI: tuple[str, ...] = tuple(_TEXTS["vte_ti"])
VTE_PROFILE: tuple[str, ...] = tuple(_TEXTS["vte_profile"])
VTA_INTROS: tuple[str, ...] = tuple(_TEXTS["vta_intros"])
VTA_PROFILE: tuple[str, ...] = tuple(_TEXTS["vta_profile"])
CHEF_DE_PROJET_INTROS: dict[str, tuple[str, ...]] = {
    code: tuple(texts) for code, texts in _TEXTS["chef_de_projet_intros"].items()
}
CHEF_DE_PROJET_PROFILE: tuple[str, ...] = tuple(_TEXTS["chef_de_projet_profile"])
SOFT_SKILLS: tuple[str, ...] = tuple(_TEXTS["soft_skills"])
DEMO_NOTICE: str = _TEXTS["notice"]
EDUCATION_PHRASE: dict[str, str] = _TEXTS["education_phrase"]
EXPERIENCE_PHRASE: dict[str, str] = _TEXTS["experience_phrase"]


# --------------------------------------------------------------------------------------------------
# Offers


def _pick(rng: random.Random, weighted: dict[str, int]) -> str:
    return rng.choices(tuple(weighted), weights=tuple(weighted.values()))[0]


def _between(rng: random.Random, low: int, high: int, step: int) -> int:
    return rng.randrange(low // step, high // step + 1) * step


def _invented_name(rng: random.Random) -> str:
    return rng.choice(NAME_PARTS_1) + rng.choice(NAME_PARTS_2)


def company_name(rng: random.Random, commune: DemoCommune) -> tuple[str, str]:
    """A fictional company name and its activity, e.g. (« Forges de Tulle », « forge et usine … »)."""
    sector = rng.choice(SECTORS)
    name = rng.choice(sector.names).format(x=_invented_name(rng), of_place=of_place(commune.name), place=commune.name)
    return name, sector.activity


def commune_employer(commune: DemoCommune) -> str:
    return "Commune " + of_place(commune.name)


def _salary(rng: random.Random, low: int, high: int, spread: tuple[int, int]) -> tuple[int, int]:
    salary_min = _between(rng, low, high, 500)
    return salary_min, salary_min + _between(rng, spread[0], spread[1], 500)


@dataclass
class _Draft:
    """What the kind-specific part decides; the common part finishes the offer."""

    kind: str
    job: Job
    commune: DemoCommune
    employer_name: str
    employer_kind: str
    employer_siren: str = ""
    employer_siret: str = ""
    contract: str = Contract.CDD
    duration_months: int | None = None
    working_time_percent: int | None = 100
    education_level: str = EducationLevel.BAC5
    experience: str = Experience.BEGINNER
    remote: str = Remote.NONE
    salary: tuple[int, int] | None = None
    salary_note: str = ""
    intro: list[str] = field(default_factory=list)
    profile: str = ""


def _draft_vte(rng: random.Random, pools: Pools) -> _Draft:
    outside = rng.random() < VTE_OUTSIDE_TI
    commune = (pools.vte_outside_ti if outside else pools.vte).draw(rng)
    employer, activity = company_name(rng, commune)
    siren = fake_siren(rng)
    job = rng.choice(VTE_JOBS)
    large = rng.random() < 0.2
    size = rng.choice(SIZES[2:] if large else SIZES[:2]).format(
        n=rng.randrange(250, 3000, 10) if large else rng.randrange(12, 240)
    )
    draft = _Draft(
        OfferKind.VTE,
        job,
        commune,
        employer,
        EmployerKind.ENTREPRISE,
        employer_siren=siren,
        employer_siret=fake_siret(rng, siren),
        contract=_pick(rng, {Contract.CDD: 45, Contract.CDI: 35, Contract.ALTERNANCE: 20}),
        education_level=rng.choice(job.education or EducationLevel.values),
        experience=_pick(rng, {Experience.BEGINNER: 70, Experience.ONE_TWO: 30}),
        remote=_pick(rng, {Remote.NONE: 55, Remote.PARTIAL: 40, Remote.FULL: 5}),
    )
    if draft.contract == Contract.CDD:
        draft.duration_months = rng.choice((12, 12, 18, 24))
        draft.salary = _salary(rng, 28_000, 38_000, (2_000, 6_000))
    elif draft.contract == Contract.CDI:
        draft.salary = _salary(rng, 32_000, 46_000, (3_000, 8_000))
    else:
        draft.duration_months = rng.choice((12, 24, 36))
        draft.education_level = rng.choice(job.education or (EducationLevel.BAC3, EducationLevel.BAC5))
        draft.salary = _salary(rng, 14_000, 20_000, (0, 3_000))
        draft.salary_note = "selon l’âge et l’année de formation"
    intro = rng.choice(VTE_INTROS).format(
        employer=employer, size=size, located=f"installée {at_place(commune.name)}", activity=activity
    )
    draft.intro = [intro]
    if commune.territoire_industrie and not outside:
        draft.intro.append(rng.choice(VTE_TI).format(ti=commune.territoire_industrie))
    draft.profile = rng.choice(VTE_PROFILE).format(at_place=at_place(commune.name))
    return draft


def _collectivity(rng: random.Random, commune: DemoCommune, epci_share: float) -> tuple[str, str, str]:
    """Employer name, kind and SIREN: the commune itself or its EPCI (whose SIREN is real data)."""
    if commune.epci_name and commune.epci_siren and rng.random() < epci_share:
        return commune.epci_name, EmployerKind.EPCI, commune.epci_siren
    return commune_employer(commune), EmployerKind.COMMUNE, ""


def _in_sentence(employer: str, employer_kind: str) -> str:
    """« la commune de Tulle », « la ville de Brive » inside a sentence; an EPCI keeps its name."""
    if employer_kind == EmployerKind.EPCI:
        return employer
    return f"la {employer[0].lower()}{employer[1:]}"


def _where(commune: DemoCommune, employer_kind: str) -> str:
    """« 1 234 habitants, Corrèze » for a commune; « Corrèze » for an EPCI (the population is the commune's)."""
    if employer_kind == EmployerKind.EPCI or not commune.population:
        return commune.departement_name
    population = f"{commune.population:,}".replace(",", "\u202f")
    return f"{population} habitants, {commune.departement_name}"


def _draft_vta(rng: random.Random, pools: Pools) -> _Draft:
    commune = pools.vta.draw(rng)
    employer, employer_kind, siren = _collectivity(rng, commune, epci_share=0.45)
    draft = _Draft(
        OfferKind.VTA,
        rng.choice(VTA_JOBS),
        commune,
        employer,
        employer_kind,
        employer_siren=siren,
        contract=Contract.CDD,
        duration_months=rng.randint(12, 18),
        working_time_percent=rng.choices((100, 90, 80, 75), weights=(70, 8, 15, 7))[0],
        education_level=_pick(
            rng, {EducationLevel.BAC2: 15, EducationLevel.BAC3: 35, EducationLevel.BAC4: 15, EducationLevel.BAC5: 35}
        ),
        experience=_pick(rng, {Experience.BEGINNER: 85, Experience.ONE_TWO: 15}),
        remote=_pick(rng, {Remote.NONE: 60, Remote.PARTIAL: 40}),
        salary=_salary(rng, 22_000, 27_000, (1_000, 4_000)),
        salary_note="sur la grille des contractuels de catégorie A ou B de la fonction publique territoriale",
    )
    intro = rng.choice(VTA_INTROS).format(
        employer=_in_sentence(employer, employer_kind),
        where=_where(commune, employer_kind),
        departement=commune.departement_name,
    )
    draft.intro = [intro[0].upper() + intro[1:]]
    draft.profile = rng.choice(VTA_PROFILE)
    return draft


def _draft_chef_de_projet(rng: random.Random, pools: Pools) -> _Draft:
    commune = pools.chef_de_projet.draw(rng)
    programme = ProgrammeCode.ACV if ProgrammeCode.ACV in commune.programmes else ProgrammeCode.PVD
    if ProgrammeCode.ACV in commune.programmes and ProgrammeCode.PVD in commune.programmes and rng.random() < 0.5:
        programme = ProgrammeCode.PVD
    jobs = [j for j in CHEF_DE_PROJET_JOBS if not j.programmes or programme in j.programmes]
    job = jobs[0] if rng.random() < 0.45 else rng.choice(jobs)
    employer, employer_kind, siren = _collectivity(rng, commune, epci_share=0.3)
    if employer_kind == EmployerKind.COMMUNE and programme == ProgrammeCode.ACV:
        employer = "Ville " + of_place(commune.name)
    contract = _pick(rng, {Contract.CONTRAT_DE_PROJET: 65, Contract.CDD: 35})
    draft = _Draft(
        OfferKind.CHEF_DE_PROJET,
        job,
        commune,
        employer,
        employer_kind,
        employer_siren=siren,
        contract=contract,
        duration_months=rng.choice((24, 30, 36, 36)),
        education_level=_pick(rng, {EducationLevel.BAC3: 15, EducationLevel.BAC4: 15, EducationLevel.BAC5: 70}),
        experience=_pick(rng, {Experience.ONE_TWO: 30, Experience.THREE_FIVE: 50, Experience.MORE: 20}),
        remote=_pick(rng, {Remote.NONE: 50, Remote.PARTIAL: 50}),
        salary=_salary(rng, 32_000, 42_000, (3_000, 8_000)),
        salary_note="selon expérience, sur la grille des attachés territoriaux, avec régime indemnitaire",
    )
    intro = rng.choice(CHEF_DE_PROJET_INTROS[programme]).format(
        employer=_in_sentence(employer, employer_kind), where=_where(commune, employer_kind)
    )
    draft.intro = [intro[0].upper() + intro[1:]]
    draft.profile = rng.choice(CHEF_DE_PROJET_PROFILE)
    return draft


_DRAFTERS: dict[str, Callable[[random.Random, Pools], _Draft]] = {
    OfferKind.VTE: _draft_vte,
    OfferKind.VTA: _draft_vta,
    OfferKind.CHEF_DE_PROJET: _draft_chef_de_projet,
}


@functools.lru_cache(maxsize=4096)
def default_now() -> dt.datetime:
    """Today at midnight, local time: the default reference of the publication dates."""
    from django.utils import timezone

    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def generate_offer(n: int, *, seed: int, now: dt.datetime, pools: Pools) -> OfferRow:
    """Offer number `n` (from 1) of the demo set `seed`, published in the 90 days before `now`."""
    rng = random.Random(f"{seed}:{n}")  # noqa: S311 - demo data, not security
    kind = rng.choices(tuple(KIND_WEIGHTS), weights=tuple(KIND_WEIGHTS.values()))[0]
    draft = _DRAFTERS[kind](rng, pools)
    job, commune = draft.job, draft.commune

    title = job.title
    if kind == OfferKind.VTA:
        title = f"VTA – {title}"
    elif kind == OfferKind.VTE and rng.random() < 0.5:
        title = f"VTE – {title}"
    title = f"{title} (H/F)" if rng.random() < 0.6 else title

    # Dates: published on a working-hours moment of the last 90 days; most offers still open.
    age_days = rng.randint(1, PUBLISHED_WITHIN_DAYS)
    published_at = now - dt.timedelta(days=age_days) + dt.timedelta(seconds=rng.randrange(7 * 3600, 19 * 3600))
    valid_days = rng.randint(30, 120)
    if valid_days <= age_days and rng.random() < 0.75:
        valid_days = rng.randint(age_days + 1, 120)
    expires_at = published_at + dt.timedelta(days=valid_days, hours=rng.randrange(0, 24))
    status, closed_at = OfferStatus.PUBLISHED, None
    if expires_at <= now:
        status, closed_at = OfferStatus.EXPIRED, expires_at
    elif rng.random() < 0.03:
        status = OfferStatus.FILLED
        closed_at = published_at + dt.timedelta(days=rng.randint(1, age_days), hours=rng.randrange(0, 10))
        closed_at = min(closed_at, now)
    start_date = None if rng.random() < 0.15 else (published_at + dt.timedelta(days=rng.randint(15, 90))).date()

    salary_min: int | None = None
    salary_max: int | None = None
    salary_text = "Selon profil et expérience"
    if draft.salary and rng.random() < 0.85:
        salary_min, salary_max = draft.salary
        salary_text = f"De {euros(salary_min)} à {euros(salary_max)} brut annuel"
        if draft.salary_note:
            salary_text = f"{salary_text}, {draft.salary_note}"

    slug = offer_slug(title)
    external_id = f"demo-{n}"
    apply_url = apply_email = ""
    if rng.random() < 0.6:
        apply_url = f"https://example.org/recrutement/{external_id}-{slug}"
    else:
        apply_email = f"{slugify(draft.employer_name)[:40].strip('-')}.{n}@example.org"

    # Description: what feeds carry as free text (employer, missions, profile). Contract, salary, place,
    # start date and how to apply are fields of their own, which the offer page shows.
    missions = rng.sample(job.missions, k=min(len(job.missions), rng.randint(4, 5)))
    profile_items = [
        EDUCATION_PHRASE[draft.education_level].format(domain=job.skills[0]),
        *(s[0].upper() + s[1:] for s in job.skills[1:]),
        *rng.sample(SOFT_SKILLS, k=2),
        EXPERIENCE_PHRASE[draft.experience],
    ]
    blocks: list[Block] = [
        *(Paragraph(p) for p in draft.intro),
        Paragraph("Vos missions :"),
        Items(tuple(missions)),
        Paragraph("Votre profil : " + draft.profile[0].lower() + draft.profile[1:]),
        Items(tuple(profile_items)),
        Paragraph(DEMO_NOTICE),
    ]

    offer = OfferRow(
        kind=str(kind),
        title=title,
        slug=slug,
        description=render_html(blocks),
        description_text=render_text(blocks),
        employer_name=draft.employer_name,
        employer_siren=draft.employer_siren,
        employer_siret=draft.employer_siret,
        employer_kind=str(draft.employer_kind),
        commune_id=commune.code,
        departement_id=commune.departement_id,
        region_id=commune.region_id,
        latitude=commune.latitude,
        longitude=commune.longitude,
        programmes=list(commune.programmes),
        remote=str(draft.remote),
        contract=str(draft.contract),
        duration_months=draft.duration_months,
        working_time_percent=draft.working_time_percent,
        start_date=start_date,
        salary_min=salary_min,
        salary_max=salary_max,
        salary_text=salary_text,
        education_level=str(draft.education_level),
        experience=str(draft.experience),
        apply_url=apply_url,
        apply_email=apply_email,
        source=DEMO_SOURCE,
        external_id=external_id,
        source_url=f"https://example.org/offres/{external_id}",
        content_hash="",
        status=str(status),
        published_at=published_at,
        expires_at=expires_at,
        closed_at=closed_at,
        created_at=published_at - dt.timedelta(hours=rng.randint(1, 48)),
        updated_at=closed_at or published_at,
    )
    # What a re-run compares to tell a changed offer (every value but the hash itself).
    return offer._replace(content_hash=hashlib.sha256("\x1f".join(map(str, offer)).encode()).hexdigest())


def generate_offers(count: int, *, seed: int, now: dt.datetime, pools: Pools) -> Iterator[OfferRow]:
    for n in range(1, count + 1):
        yield generate_offer(n, seed=seed, now=now, pools=pools)


# --------------------------------------------------------------------------------------------------
# Writing


@dataclass
class SeedReport:
    offers: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    by_kind_status: Counter[tuple[str, str]] = field(default_factory=Counter)
    elapsed: float = 0.0


Progress = Callable[[int, int], None]


def _copy_rows(
    writer: BulkWriter,
    table: str,
    offers: Iterable[OfferRow],
    report: SeedReport,
    total: int,
    progress: Progress | None,
) -> None:
    step = max(total // 10, 1)
    with writer.inserting(table) as insert:
        for i, offer in enumerate(offers, start=1):
            insert(offer)
            report.by_kind_status[(offer.kind, offer.status)] += 1
            if progress and (i % step == 0 or i == total):
                progress(i, total)


# Loading at least this many offers into a table holding fewer rows rebuilds the secondary indexes
# instead of updating them row by row (about twice as fast at 100,000 offers).
BULK_THRESHOLD = 20_000


def _delete_demo_offers(writer: BulkWriter) -> int:
    """Delete every demo offer; TRUNCATE when they are the whole table and only their events point to it."""
    cursor = writer.cursor
    cursor.execute(
        f"""
        SELECT count(*), count(*) FILTER (WHERE source = %s),
               EXISTS (SELECT 1 FROM pg_constraint WHERE confrelid = %s::regclass AND contype = 'f'
                          AND conrelid <> %s::regclass)
          FROM {OFFER_TABLE}
        """,  # noqa: S608 - model table  # nosec B608
        [DEMO_SOURCE, OFFER_TABLE, EVENT_TABLE],
    )
    total, demo, referenced = cursor.fetchone() or (0, 0, True)
    if demo and demo == total and not referenced:
        return writer.truncate()
    return writer.delete("o.source = %s", [DEMO_SOURCE])


def seed_demo_offers(
    count: int,
    *,
    seed: int = 1,
    now: dt.datetime | None = None,
    replace: bool = False,
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
) -> SeedReport:
    """Make the demo source hold exactly offers demo-1 … demo-<count> of `seed`; see the module docstring.

    One transaction. When the demo source is empty (always, with `replace`), rows are COPYed straight
    into the table; for a big load into a smaller table, the secondary indexes are dropped first and
    built again after the COPY, in the same transaction (readers of the table wait meanwhile).
    """
    started = time.perf_counter()
    now = now or default_now()

    def say(message: str) -> None:
        if log:
            log(f"{number(time.perf_counter() - started, 1):>6} s  {message}")

    pools = Pools.of(load_communes())
    offers = generate_offers(count, seed=seed, now=now, pools=pools)
    report = SeedReport(offers=count)
    with transaction.atomic(), connection.cursor() as django_cursor:
        writer = BulkWriter(django_cursor.cursor)  # the psycopg 3 cursor, for COPY
        cursor = writer.cursor
        if replace:
            report.deleted = _delete_demo_offers(writer)
        cursor.execute(
            f"SELECT count(*), count(*) FILTER (WHERE source = %s) FROM {OFFER_TABLE}",  # noqa: S608 - model table  # nosec B608 - table and column names from model metadata, values as parameters
            [DEMO_SOURCE],
        )
        existing, existing_demo = cursor.fetchone() or (0, 0)
        if not existing_demo:
            # Nothing to reconcile: COPY straight into the table; a big load into a smaller table
            # builds the secondary indexes once at the end instead of row by row.
            with contextlib.ExitStack() as stack:
                if count >= BULK_THRESHOLD and count > existing:
                    dropped = stack.enter_context(writer.without_secondary_indexes())
                    say(f"{len(dropped)} index secondaires supprimés le temps du chargement")
                    stack.callback(say, "index reconstruits")
                _copy_rows(writer, OFFER_TABLE, offers, report, count, progress)
            writer.record_created(source=DEMO_SOURCE)
            report.created = count
        else:
            columns = ", ".join(COPY_COLUMNS)
            cursor.execute(
                f"CREATE TEMPORARY TABLE seed_demo_offer ON COMMIT DROP AS SELECT {columns} FROM {OFFER_TABLE} WITH NO DATA"  # noqa: S608, E501  # nosec B608 - table and column names from model metadata
            )
            _copy_rows(writer, "seed_demo_offer", offers, report, count, progress)
            # The demo offers this run no longer has.
            report.deleted += writer.delete(
                "o.source = %s AND NOT EXISTS (SELECT 1 FROM seed_demo_offer AS s WHERE s.external_id = o.external_id)",
                [DEMO_SOURCE],
            )
            # Leave out the unchanged ones before the upsert: INSERT computes the stored search vector of
            # every row it is given, even of those whose conflict then updates nothing.
            cursor.execute(
                f"""
                DELETE FROM seed_demo_offer AS s USING {OFFER_TABLE} AS o
                 WHERE o.source = %s AND o.external_id = s.external_id AND o.content_hash = s.content_hash
                """,  # noqa: S608  # nosec B608 - table name from model metadata, values as parameters
                [DEMO_SOURCE],
            )
            report.unchanged = cursor.rowcount
            say(f"{number(report.unchanged)} offres inchangées")
            report.created, report.updated = writer.upsert_from("seed_demo_offer", source=DEMO_SOURCE)
        say("ANALYZE…")
        writer.analyze()
    if not connection.in_atomic_block:
        # Mark the new pages all-visible now rather than at the next autovacuum: until then the
        # search's index-only scans (the covering index of migration 0002) read the table anyway.
        # VACUUM cannot run in a transaction: a caller's (a test's) transaction skips it.
        say("VACUUM…")
        with connection.cursor() as vacuum:
            vacuum.execute(f"VACUUM {OFFER_TABLE}")
    report.elapsed = time.perf_counter() - started
    return report
