"""Pages are served compressed to browsers that accept it (issue 14, « Phone first »)."""

import gzip

import pytest

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
