"""`{% static %}` and Jinja2's `static()` remember each address (partnership/templatetags/remembered_static.py),
and answer what Django's `static` answers, for the static files' settings of the moment."""

import pytest
from django.template import engines
from django.templatetags.static import static as django_static
from django.test import override_settings

from partnership.templatetags.remembered_static import RememberedStaticNode, static


@pytest.fixture(autouse=True)
def fresh_cache():
    static.cache_clear()
    yield
    static.cache_clear()


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_load_static_gives_the_remembering_tag():
    template = engines["django"].from_string("{% load static %}{% static 'css/site.css' %}").template
    assert isinstance(template.nodelist[1], RememberedStaticNode)


def test_it_answers_what_django_answers_and_works_each_address_out_once():
    source = "{% load static %}{% static 'css/site.css' %} {% static name %} {% static 'js/site.js' as js %}[{{ js }}]"
    expected = f"{django_static('css/site.css')} {django_static('js/a b.js')} [{django_static('js/site.js')}]"
    assert expected == "/static/css/site.css /static/js/a%20b.js [/static/js/site.js]"
    assert render(source, name="js/a b.js") == expected
    assert render(source, name="js/a b.js") == expected  # the second time from what is remembered
    info = static.cache_info()
    assert (info.misses, info.hits) == (3, 3)
    assert render("{% load static %}{% get_static_prefix %}") == "/static/"


def test_a_change_of_the_static_settings_is_seen():
    assert render("{% load static %}{% static 'css/site.css' %}") == "/static/css/site.css"
    with override_settings(STATIC_URL="/ressources/"):
        assert render("{% load static %}{% static 'css/site.css' %}") == "/ressources/css/site.css"
    assert render("{% load static %}{% static 'css/site.css' %}") == "/static/css/site.css"


def test_jinja2_templates_use_the_same_function():
    template = engines["jinja2"].from_string("{{ static('css/site.css') }}")
    assert template.render({}) == "/static/css/site.css"
    assert static.cache_info().misses == 1
