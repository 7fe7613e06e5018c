"""`manage.py seed_demo` on the real territories: counts, idempotence, constraints, search."""

import datetime as dt
import importlib.util
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from offers import demo
from offers.cache import offers_version
from offers.enums import OfferKind, OfferStatus
from offers.models import SEARCH_CONFIG, Offer
from territories.models import Commune
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

NOW = "2026-06-01"
FIELDS = [f.attname for f in Offer._meta.concrete_fields]


def seed(*, offers, seed=1, now=NOW, replace=False):
    """Run the command as from the command line (so that the options' types convert the values)."""
    out = StringIO()
    args = [f"--offers={offers}", f"--seed={seed}", f"--now={now}"] + (["--replace"] if replace else [])
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def demo_rows():
    return list(Offer.objects.filter(source="demo").order_by("id").values_list(*FIELDS))


def test_seeds_the_asked_number_of_offers_of_every_kind(django_capture_on_commit_callbacks):
    version = offers_version()

    with django_capture_on_commit_callbacks(execute=True):
        output = seed(offers=300, seed=1)

    offers = Offer.objects.filter(source="demo")
    assert offers.count() == 300
    assert set(offers.values_list("external_id", flat=True)) == {f"demo-{n}" for n in range(1, 301)}
    kinds = {kind: offers.filter(kind=kind).count() for kind in OfferKind.values}
    assert kinds[OfferKind.VTE] > kinds[OfferKind.VTA] > kinds[OfferKind.CHEF_DE_PROJET] > 30
    assert offers.filter(status=OfferStatus.PUBLISHED).count() > 250
    assert "créées 300, modifiées 0, inchangées 0, supprimées 0" in output
    assert "300 offres de démonstration en" in output
    assert offers_version() == version + 1


def test_offers_sit_in_the_programmes_of_their_kind():
    seed(offers=300)

    offers = Offer.objects.filter(source="demo")
    assert not offers.filter(kind=OfferKind.VTA).exclude(programmes__contains=["rural"]).exists()
    chefs = offers.filter(kind=OfferKind.CHEF_DE_PROJET)
    assert chefs.filter(programmes__overlap=["pvd", "acv"]).count() == chefs.count()
    vte = offers.filter(kind=OfferKind.VTE)
    assert vte.filter(programmes__contains=["ti"]).count() > 0.75 * vte.count()
    # Place data copied from the real commune, as Offer.set_place does.
    offer = offers.select_related("commune").first()
    assert (offer.departement_id, offer.region_id, offer.latitude) == (
        offer.commune.departement_id,
        offer.commune.region_id,
        offer.commune.latitude,
    )
    assert offer.programmes == offer.commune.programmes


def test_every_row_passes_model_validation_and_is_searchable():
    seed(offers=300, now=timezone.localdate().isoformat())

    for offer in Offer.objects.filter(source="demo"):
        offer.full_clean()  # field validators, choices and the Meta check constraints
    vta = Offer.objects.filter(search_vector=SearchQuery("volontaire territorial administration", config=SEARCH_CONFIG))
    assert vta.count() >= Offer.objects.filter(kind=OfferKind.VTA).count() * 0.3
    assert Offer.objects.published().filter(source="demo").count() > 250


def test_a_second_run_with_the_same_seed_changes_nothing():
    seed(offers=300, seed=1)
    before = demo_rows()

    output = seed(offers=300, seed=1)

    assert demo_rows() == before
    assert "créées 0, modifiées 0, inchangées 300, supprimées 0" in output


def test_another_seed_rewrites_the_offers_in_place_and_a_smaller_run_deletes_the_rest():
    seed(offers=300, seed=1)
    before = demo_rows()

    output = seed(offers=200, seed=2)

    after = demo_rows()
    assert "créées 0, modifiées 200, inchangées 0, supprimées 100" in output
    assert [row[0] for row in after] == [row[0] for row in before[:200]]  # same ids: offer pages keep their URL
    titles_and_places = {(r[FIELDS.index("external_id")], r[FIELDS.index("commune_id")]) for r in after}
    assert (
        len(titles_and_places - {(r[FIELDS.index("external_id")], r[FIELDS.index("commune_id")]) for r in before}) > 150
    )


def test_replace_recreates_the_same_content_under_new_ids():
    seed(offers=100)
    before = demo_rows()

    output = seed(offers=100, replace=True)

    after = demo_rows()
    assert "supprimées 100" in output
    assert {r[0] for r in after}.isdisjoint({r[0] for r in before})
    content = [f for f in FIELDS if f not in {"id", "created_at", "updated_at"}]
    keep = [FIELDS.index(f) for f in content]
    assert [[r[i] for i in keep] for r in after] == [[r[i] for i in keep] for r in before]


def test_other_sources_are_left_alone():
    local = OfferFactory()

    seed(offers=50, replace=True)
    seed(offers=20)

    assert Offer.objects.filter(pk=local.pk).exists()
    assert Offer.objects.count() == 21


def test_the_bulk_path_rebuilds_every_index(monkeypatch):
    def index_definitions():
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'offers_offer' ORDER BY indexname")
            return [row[0] for row in cursor.fetchall()]

    indexes = index_definitions()
    monkeypatch.setattr(demo, "BULK_THRESHOLD", 100)

    output = seed(offers=150)

    assert "index secondaires supprimés" in output
    assert index_definitions() == indexes
    assert Offer.objects.filter(source="demo").count() == 150


def test_dates_follow_the_reference_time():
    seed(offers=100, now="2026-03-15T00:00")

    now = timezone.make_aware(dt.datetime(2026, 3, 15))
    dates = Offer.objects.filter(source="demo").values_list("published_at", flat=True)
    assert all(now - dt.timedelta(days=90) <= d < now for d in dates)


def test_bad_arguments_are_refused():
    with pytest.raises(CommandError, match="--now"):
        seed(offers=1, now="1er juin")
    with pytest.raises(CommandError, match="--offers"):
        seed(offers=-1)


def test_make_run_seeds_demo_offers_when_there_are_none(monkeypatch):
    spec = importlib.util.spec_from_file_location("load_data", Path(__file__).parents[2] / "scripts" / "load_data.py")
    load_data = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "load_data", load_data)  # its dataclass looks itself up there
    spec.loader.exec_module(load_data)
    step = next(s for s in load_data.STEPS if s.command == "seed_demo")

    assert step.needed()
    OfferFactory(commune=Commune.objects.first())
    assert not step.needed()
