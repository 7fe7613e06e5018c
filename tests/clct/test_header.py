"""The header leads a delegate to the CLCT space, without a query on every page."""

import pytest

from tests.personas import client_as

pytestmark = pytest.mark.django_db

CLCT_LINK = 'href="/clct/">Espace CLCT</a>'
RECRUITMENT_LINK = ">Espace collectivités</a>"


def test_a_delegate_is_led_to_the_clct_space(delegate):
    html = client_as(delegate).get("/").content.decode()

    assert CLCT_LINK in html
    assert RECRUITMENT_LINK not in html


def test_a_member_is_led_to_the_collectivites_space(member):
    html = client_as(member).get("/").content.decode()

    assert RECRUITMENT_LINK in html
    assert CLCT_LINK not in html


def test_the_delegate_link_costs_no_query_per_page(delegate, django_assert_max_num_queries):
    client = client_as(delegate)
    client.get("/")
    with django_assert_max_num_queries(10) as captured:
        client.get("/territoires/")

    assert not any("accounts_delegate" in query["sql"] for query in captured.captured_queries)
