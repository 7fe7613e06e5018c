"""The static files' storages remember each address (partnership/storage.py) and answer what Django's
and WhiteNoise's answer, for the settings of the moment."""

import json

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import StaticFilesStorage, staticfiles_storage
from django.template import engines
from django.test import override_settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

from partnership.storage import RememberedManifestStaticFilesStorage, RememberedStaticFilesStorage


def test_the_settings_use_the_remembering_storages():
    backend = settings.STORAGES["staticfiles"]["BACKEND"]
    assert backend in {
        "partnership.storage.RememberedStaticFilesStorage",
        "partnership.storage.RememberedManifestStaticFilesStorage",
    }
    assert staticfiles_storage.url("css/site.css") == "/static/css/site.css"
    assert isinstance(staticfiles_storage._wrapped, RememberedStaticFilesStorage)  # the tests' (pyproject.toml)


def test_an_address_is_worked_out_once(monkeypatch):
    storage = RememberedStaticFilesStorage()
    calls = []
    original = StaticFilesStorage.url
    monkeypatch.setattr(StaticFilesStorage, "url", lambda self, name: calls.append(name) or original(self, name))
    assert storage.url("js/a b.js") == storage.url("js/a b.js") == "/static/js/a%20b.js"
    assert calls == ["js/a b.js"]


def test_the_template_tag_and_jinja2_give_the_same_address():
    django = engines["django"].from_string("{% load static %}{% static 'css/site.css' %}").render({})
    jinja = engines["jinja2"].from_string("{{ static('css/site.css') }}").render({})
    assert django == jinja == "/static/css/site.css"


def test_a_change_of_the_static_settings_is_seen():
    assert staticfiles_storage.url("css/site.css") == "/static/css/site.css"
    with override_settings(STATIC_URL="/ressources/"):
        assert staticfiles_storage.url("css/site.css") == "/ressources/css/site.css"
    assert staticfiles_storage.url("css/site.css") == "/static/css/site.css"


def test_the_manifest_storage_answers_what_whitenoise_answers(tmp_path):
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"css/site.css": "css/site.0123abcd.css"}, "version": "1.1", "hash": "x"})
    )
    ours = RememberedManifestStaticFilesStorage(location=tmp_path)
    theirs = CompressedManifestStaticFilesStorage(location=tmp_path)
    with override_settings(DEBUG=False):
        assert ours.url("css/site.css") == theirs.url("css/site.css") == "/static/css/site.0123abcd.css"
        assert ours.url("css/site.css") == "/static/css/site.0123abcd.css"
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            ours.url("css/absent.css")


def test_the_manifest_storage_answers_for_the_debug_setting_of_the_moment(tmp_path):
    # Django's manifest storage gives the plain name in debug, the hashed one otherwise.
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"css/site.css": "css/site.0123abcd.css"}, "version": "1.1", "hash": "x"})
    )
    ours = RememberedManifestStaticFilesStorage(location=tmp_path)
    with override_settings(DEBUG=True):
        assert ours.url("css/site.css") == "/static/css/site.css"
    with override_settings(DEBUG=False):
        assert ours.url("css/site.css") == "/static/css/site.0123abcd.css"
