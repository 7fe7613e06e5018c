"""Pages and static files are served compressed to browsers that accept it (issue 14, « Phone first »)."""

import gzip
import shutil

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/offres/", "/territoires/communes/19272/"])
def test_pages_are_compressed(client, path):
    response = client.get(path, HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert b"<!DOCTYPE html>" in gzip.decompress(response.content)


def test_uncompressed_without_accept_encoding(client):
    response = client.get("/")
    assert not response.has_header("Content-Encoding")


def test_json_is_left_alone(client):
    response = client.get("/api/v1/communes/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


def test_static_files_get_a_brotli_copy(tmp_path):
    """collectstatic (whitenoise's CompressedManifestStaticFilesStorage, outside DEBUG) writes a .br
    copy next to the .gz one when the Brotli package is installed: WhiteNoise then serves the DSFR's
    style sheet in 60 KB instead of 90 KB to browsers that accept `br` (all current ones)."""
    from whitenoise.storage import CompressedManifestStaticFilesStorage

    source = tmp_path / "dsfr.min.css"
    shutil.copy(finders.find("dsfr/dist/dsfr/dsfr.min.css"), source)
    compressor = CompressedManifestStaticFilesStorage(location=tmp_path).create_compressor(quiet=True)
    written = set(compressor.compress(str(source)))
    assert written == {f"{source}.gz", f"{source}.br"}
    assert (tmp_path / "dsfr.min.css.br").stat().st_size < 0.7 * (tmp_path / "dsfr.min.css.gz").stat().st_size
