"""No search text, however odd, makes /offres/ or its feeds fail."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer():
    return OfferFactory(title="Chef de projet « ville » – 100 % télétravail")


OPERATORS = st.sampled_from(
    ['"', "-", "or", "OR", "&", "|", "!", "<->", ":*", "(", ")", "\\", "'", "*", ":", " ", "\x00"]
)
TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(OPERATORS, max_size=40).map("".join),
    st.lists(st.one_of(OPERATORS, st.sampled_from(["chef", "projet", "é", "ville"])), max_size=30).map(" ".join),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=TEXT)
@example(q="\x00")
@example(q="x" * 10_000)
@example(q='"""')
@example(q="- - - -")
@example(q="!!!(((")
@example(q="le la les")
@example(q="'; DROP TABLE offers_offer; --")
def test_any_q_never_fails(client, offer, q):
    response = client.get("/offres/", {"q": q, "commune": q[:40]})
    assert response.status_code < 500
    response = client.get("/offres/", {"q": q}, HTTP_HX_REQUEST="true")
    assert response.status_code < 500
    response = client.get("/offres/flux.rss", {"q": q})
    assert response.status_code < 500


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "type",
                "programme",
                "region",
                "departement",
                "commune",
                "rayon",
                "contrat",
                "duree_min",
                "duree_max",
                "niveau",
                "teletravail",
                "publiee_depuis",
                "tri",
                "page",
            ]
        ),
        st.text(max_size=30),
        max_size=6,
    )
)
def test_any_parameters_never_fail(client, params):
    assert client.get("/offres/", params).status_code < 500
