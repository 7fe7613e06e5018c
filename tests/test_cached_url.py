"""`{% url %}` remembers what it reversed (partnership/templatetags/cached_url.py), and answers what
Django's own tag answers: same addresses, same errors, the script prefix and the URL configuration
of the moment."""

import pytest
from django.template import engines
from django.template.defaulttags import URLNode
from django.urls import NoReverseMatch, reverse, set_script_prefix, set_urlconf

from partnership.templatetags.cached_url import CachedURLNode, cached_reverse


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.fixture(autouse=True)
def fresh_cache():
    cached_reverse.cache_clear()
    yield
    cached_reverse.cache_clear()
    set_script_prefix("/")
    set_urlconf(None)


def test_every_template_gets_the_remembering_tag():
    template = engines["django"].from_string('{% url "statistics" %}').template
    assert isinstance(template.nodelist[0], CachedURLNode)


def test_it_answers_what_reverse_answers_and_reverses_once():
    source = '{% url "territories:commune" code %} {% url "territories:commune" code=code %} {% url "statistics" %}'
    first = render(source, code="19272")
    expected = " ".join(
        [
            reverse("territories:commune", args=["19272"]),
            reverse("territories:commune", kwargs={"code": "19272"}),
            reverse("statistics"),
        ]
    )
    assert first == expected == "/territoires/communes/19272/ /territoires/communes/19272/ /statistiques/"
    assert render(source, code="19272") == first
    info = cached_reverse.cache_info()
    assert (info.misses, info.hits) == (3, 3)
    assert render(source, code="87085").startswith("/territoires/communes/87085/")


def test_the_script_prefix_and_the_urlconf_are_part_of_the_address():
    assert render('{% url "statistics" %}') == "/statistiques/"
    set_script_prefix("/portail/")
    assert render('{% url "statistics" %}') == "/portail/statistiques/"
    set_script_prefix("/")
    set_urlconf("bench.urls")  # another configuration of the same views, plus the bare view
    assert render('{% url "bench-ok" %}') == reverse("bench-ok", urlconf="bench.urls")


def test_errors_and_as_var_are_djangos():
    with pytest.raises(NoReverseMatch):
        render('{% url "no-such-view" %}')
    assert render('{% url "no-such-view" as address %}[{{ address }}]') == "[]"
    assert render('{% url "statistics" as address %}[{{ address }}]') == "[/statistiques/]"


def test_other_arguments_are_reversed_as_django_does():
    class Code:
        def __str__(self) -> str:
            return "19272"

    assert render('{% url "territories:commune" code %}', code=Code()) == "/territoires/communes/19272/"
    assert cached_reverse.cache_info().currsize == 0
    assert issubclass(CachedURLNode, URLNode)
