"""The Jinja2 environment of the search page's templates (partnership/jinja_env.py, decision 18)."""

import pytest
from django.template import engines
from django.urls import reverse
from jinja2 import UndefinedError

from tests.offers.factories import OfferFactory


def render(source: str, **context: object) -> str:
    return engines["jinja2"].from_string(source).render(context)


def test_values_are_escaped():
    assert render("{{ q }}", q='"><script>x</script>') == "&#34;&gt;&lt;script&gt;x&lt;/script&gt;"


def test_an_undefined_variable_is_an_error():
    with pytest.raises(UndefinedError):
        render("{{ missing }}")
    with pytest.raises(UndefinedError):
        render("{% if errors.q %}x{% endif %}", errors=None)


def test_url_static_and_the_french_filters():
    assert render("{{ url('offers:search') }}") == reverse("offers:search")
    assert render("{{ url('territories:commune', '19272') }}") == reverse("territories:commune", args=["19272"])
    assert render("{{ static('js/site.js') }}") == "/static/js/site.js"
    assert render("{{ 12345|number }}") == "12\u202f345"
    assert render("{{ 'QPV'|abbr }}").startswith('<abbr title="quartier')


@pytest.mark.django_db
def test_the_search_page_escapes_what_the_visitor_typed(client):
    OfferFactory(title="Chef de projet")
    typed = '"><script>alert(1)</script>'
    for htmx in ({}, {"HTTP_HX_REQUEST": "true"}):
        html = client.get("/offres/", {"q": typed}, **htmx).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
