import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import IntegrityError, transaction
from django.utils import timezone

from offers.lifecycle import refresh_places as refresh_offer_places
from offers.models import SEARCH_CONFIG, Offer
from territories.models import Commune
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db


def test_offer_copies_its_commune_place_and_programmes():
    offer = OfferFactory(commune="19272")

    assert (offer.departement_id, offer.region_id) == ("19", "75")
    assert "acv" in offer.programmes


def test_search_vector_ignores_accents_and_stems():
    OfferFactory(title="Éducatrices spécialisées", employer_name="Mairie de Tulle")

    matches = Offer.objects.filter(search_vector=SearchQuery("educatrice", config=SEARCH_CONFIG))

    assert [o.title for o in matches] == ["Éducatrices spécialisées"]


def test_published_excludes_other_states_and_past_end_dates():
    open_offer = OfferFactory()
    OfferFactory(draft=True)
    OfferFactory(expired=True)
    OfferFactory(expires_at=timezone.now() - timezone.timedelta(minutes=1))

    assert list(Offer.objects.published()) == [open_offer]
    assert open_offer.is_open()


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": "cdi"},
        {"working_time_percent": 120},
        {"salary_min": 50_000, "salary_max": 40_000},
        {"published_at": None},
        {"expires_at": timezone.now() - timezone.timedelta(days=30)},
    ],
)
def test_database_refuses_inconsistent_rows(changes):
    offer = OfferFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.filter(pk=offer.pk).update(**changes)


def test_same_external_id_twice_in_one_source_is_refused():
    OfferFactory(source="apec", external_id="123")
    OfferFactory(source="francetravail", external_id="123")

    with pytest.raises(IntegrityError), transaction.atomic():
        OfferFactory(source="apec", external_id="123")


def test_refresh_offer_places_follows_the_commune():
    offer = OfferFactory(commune="19272")
    Commune.objects.filter(pk="19272").update(programmes=["pvd"], latitude=45.0)

    assert refresh_offer_places() == 1
    offer.refresh_from_db()
    assert (offer.programmes, offer.latitude) == (["pvd"], 45.0)
    assert refresh_offer_places() == 0
