import base64
import gzip
import re
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpcore
import pytest
from httpcore._backends.sync import SyncBackend
from httpcore._sync import connection as httpcore_connection

from feeds.records import FeedError, Limits
from feeds.sources import format_size, open_location, parse_retry_after
from tests.feeds.httpserver import Request, Response

SMALL = Limits(max_bytes=1000)


@pytest.fixture(autouse=True)
def _fast_http(settings):
    settings.FEEDS_HTTP_CONNECT_TIMEOUT = 1.0
    settings.FEEDS_HTTP_READ_TIMEOUT = 0.3
    settings.FEEDS_HTTP_RETRIES = 0


def read(location, **kwargs):
    kwargs.setdefault("limits", SMALL)
    with open_location(location, **kwargs) as stream:
        return stream.read()


# --- HTTP ----------------------------------------------------------------------------------------


def test_fetches_the_body_with_our_user_agent(feed_server):
    feed_server.route("/feed.xml", body=b"<source>\xc3\xa9</source>")

    assert read(feed_server.url("/feed.xml")) == b"<source>\xc3\xa9</source>"
    (request,) = feed_server.requests
    assert "Talents" in request.headers["user-agent"]
    assert "authorization" not in request.headers


def test_a_host_not_allowed_is_refused_without_a_request(feed_server, settings):
    feed_server.route("/feed.xml", body=b"x")
    settings.FEEDS_ALLOWED_HOSTS = ["api.francetravail.io"]

    with pytest.raises(FeedError, match=r"Hôte non autorisé : 127\.0\.0\.1:\d+") as caught:
        read(feed_server.url("/feed.xml"))

    assert not caught.value.retryable
    assert feed_server.requests == []


def test_a_host_allowed_without_its_port_allows_the_default_port_only(feed_server, settings):
    settings.FEEDS_ALLOWED_HOSTS = ["127.0.0.1"]

    with pytest.raises(FeedError, match="Hôte non autorisé"):
        read(feed_server.url("/feed.xml"))
    assert feed_server.requests == []


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("ftp://api.francetravail.io/feed.xml", "Protocole non pris en charge : ftp"),
        ("https://user:secret@api.francetravail.io/feed.xml", "identifiants dans l'adresse"),
    ],
)
def test_other_schemes_and_credentials_in_the_url_are_refused(location, message):
    with pytest.raises(FeedError, match=message) as caught:
        read(location)
    assert "secret" not in str(caught.value)


def test_a_redirect_to_a_host_not_allowed_is_refused(feed_server):
    feed_server.route("/feed.xml", status=302, headers={"Location": "http://example.org/stolen.xml"})

    with pytest.raises(FeedError, match="Hôte non autorisé : example.org"):
        read(feed_server.url("/feed.xml"))
    assert feed_server.hits("/feed.xml") == 1


def test_redirects_between_allowed_hosts_are_followed_three_times_at_most(feed_server):
    for step in range(4):
        feed_server.route(f"/r{step}", status=301, headers={"Location": f"/r{step + 1}"})
    feed_server.route("/r4", body=b"arrived")
    feed_server.route("/s0", status=307, headers={"Location": feed_server.url("/r2")})

    assert read(feed_server.url("/s0")) == b"arrived"  # /s0 -> /r2 -> /r3 -> /r4
    with pytest.raises(FeedError, match="Trop de redirections"):
        read(feed_server.url("/r0"))
    assert feed_server.hits("/r3") == 2
    assert feed_server.hits("/r4") == 1


def test_a_content_length_above_the_limit_is_refused_before_reading(feed_server):
    feed_server.route("/big.xml", body=b"x" * 50, headers={"Content-Length": str(50 * 1024 * 1024)})

    with pytest.raises(FeedError) as caught:
        read(feed_server.url("/big.xml"), limits=Limits(max_bytes=32 * 1024 * 1024))

    assert str(caught.value) == "Document trop volumineux : 50 Mo pour 32 Mo au plus"
    assert not caught.value.retryable


def test_a_streamed_body_above_the_limit_is_stopped(feed_server):
    feed_server.route("/stream.xml", body=b"y" * (2 * 1024 * 1024), chunk_size=1000)

    with pytest.raises(FeedError) as caught:
        read(feed_server.url("/stream.xml"))

    # Stopped after the first chunks: far less than the 2 Mo sent.
    assert re.fullmatch(
        r"Document trop volumineux : plus de [\d\u202f]+(,\d)? (octets|Ko) pour 1\u202f000 octets au plus",
        str(caught.value),
    )
    assert not caught.value.retryable


def test_a_body_at_the_limit_is_read(feed_server):
    feed_server.route("/stream.xml", body=b"y" * 1000, chunk_size=100)

    assert read(feed_server.url("/stream.xml")) == b"y" * 1000


def test_a_gzip_bomb_is_counted_decompressed(feed_server):
    bomb = gzip.compress(b"\0" * 200_000)
    assert len(bomb) < 1000
    feed_server.route("/bomb.xml", body=bomb, headers={"Content-Encoding": "gzip"})

    with pytest.raises(FeedError, match="Document trop volumineux : plus de"):
        read(feed_server.url("/bomb.xml"))


def test_a_gzipped_body_is_decompressed(feed_server):
    feed_server.route("/feed.xml", body=gzip.compress(b"<source/>" * 10), headers={"Content-Encoding": "gzip"})

    assert read(feed_server.url("/feed.xml")) == b"<source/>" * 10


def test_a_server_error_is_retryable(feed_server):
    feed_server.route("/feed.xml", status=500, body=b"boom")

    with pytest.raises(FeedError) as caught:
        read(feed_server.url("/feed.xml"))

    assert caught.value.retryable
    assert str(caught.value) == f"Le serveur {feed_server.host} est en erreur (HTTP 500)"


def test_a_slow_server_times_out_retryably(feed_server):
    feed_server.route("/slow.xml", body=b"x", delay=2.0)

    started = time.monotonic()
    with pytest.raises(FeedError, match=f"Délai dépassé en attendant la réponse de {feed_server.host}") as caught:
        read(feed_server.url("/slow.xml"))

    assert caught.value.retryable
    assert time.monotonic() - started < 1.5


def test_a_trickling_body_times_out_between_chunks(feed_server):
    feed_server.route("/trickle.xml", body=b"z" * 100, chunk_size=10, chunk_delay=1.0)

    with pytest.raises(FeedError, match="Délai dépassé") as caught:
        read(feed_server.url("/trickle.xml"))
    assert caught.value.retryable


def test_a_closed_port_is_a_retryable_connection_error(feed_server, settings):
    url = feed_server.url("/feed.xml")
    feed_server.stop()

    with pytest.raises(FeedError, match=f"Connexion impossible à {feed_server.host}") as caught:
        read(url)
    assert caught.value.retryable


def test_connection_errors_are_retried_immediately(feed_server, settings, monkeypatch):
    settings.FEEDS_HTTP_RETRIES = 2
    feed_server.route("/feed.xml", body=b"ok")
    real_connect_tcp = SyncBackend.connect_tcp
    attempts = []

    def failing_twice(self, *args, **kwargs):
        attempts.append(1)
        if len(attempts) <= 2:
            raise httpcore.ConnectError("refused")
        return real_connect_tcp(self, *args, **kwargs)

    monkeypatch.setattr(SyncBackend, "connect_tcp", failing_twice)
    monkeypatch.setattr(httpcore_connection, "RETRIES_BACKOFF_FACTOR", 0)  # no pause between attempts

    assert read(feed_server.url("/feed.xml")) == b"ok"
    assert len(attempts) == 3

    attempts.clear()
    settings.FEEDS_HTTP_RETRIES = 1
    with pytest.raises(FeedError, match="Connexion impossible") as caught:
        read(feed_server.url("/feed.xml"))
    assert caught.value.retryable
    assert len(attempts) == 2


def test_too_many_requests_gives_retry_after_in_seconds(feed_server):
    feed_server.route("/feed.xml", status=429, headers={"Retry-After": "120"})

    with pytest.raises(FeedError) as caught:
        read(feed_server.url("/feed.xml"))

    assert caught.value.retryable
    assert caught.value.retry_after == 120.0
    assert "HTTP 429" in str(caught.value)


def test_too_many_requests_gives_retry_after_from_an_http_date(feed_server):
    later = datetime.now(UTC) + timedelta(seconds=90)
    feed_server.route("/feed.xml", status=429, headers={"Retry-After": format_datetime(later, usegmt=True)})

    with pytest.raises(FeedError) as caught:
        read(feed_server.url("/feed.xml"))

    assert 85 <= caught.value.retry_after <= 90


def test_parse_retry_after():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize(("status", "words"), [(404, "Document introuvable"), (403, "Accès refusé"), (410, "HTTP 410")])
def test_client_errors_are_not_retryable(feed_server, status, words):
    feed_server.route("/feed.xml", status=status)

    with pytest.raises(FeedError, match=words) as caught:
        read(feed_server.url("/feed.xml"))

    assert not caught.value.retryable
    assert feed_server.host in str(caught.value)


def test_a_bearer_token_from_the_environment(feed_server, monkeypatch):
    monkeypatch.setenv("PARTNER_TOKEN", "tok-123")
    feed_server.route("/feed.xml", body=b"ok")

    assert read(feed_server.url("/feed.xml"), credentials_env="PARTNER") == b"ok"
    assert feed_server.requests[0].headers["authorization"] == "Bearer tok-123"


def test_basic_auth_from_the_environment(feed_server, monkeypatch):
    monkeypatch.delenv("PARTNER_TOKEN", raising=False)
    monkeypatch.setenv("PARTNER_USERNAME", "alice")
    monkeypatch.setenv("PARTNER_PASSWORD", "s3cret")
    feed_server.route("/feed.xml", body=b"ok")

    read(feed_server.url("/feed.xml"), credentials_env="PARTNER")

    expected = base64.b64encode(b"alice:s3cret").decode()
    assert feed_server.requests[0].headers["authorization"] == f"Basic {expected}"


def test_credentials_do_not_follow_a_redirect_to_another_host(feed_server, settings, monkeypatch):
    monkeypatch.setenv("PARTNER_TOKEN", "tok-123")
    other = feed_server.url("/elsewhere.xml").replace("127.0.0.1", "localhost")
    settings.FEEDS_ALLOWED_HOSTS = [*settings.FEEDS_ALLOWED_HOSTS, feed_server.host.replace("127.0.0.1", "localhost")]
    feed_server.route("/feed.xml", status=302, headers={"Location": other})
    feed_server.route("/elsewhere.xml", body=b"ok")

    assert read(feed_server.url("/feed.xml"), credentials_env="PARTNER") == b"ok"

    first, second = feed_server.requests
    assert first.headers["authorization"] == "Bearer tok-123"
    assert second.path == "/elsewhere.xml"
    assert "authorization" not in second.headers


def test_missing_credentials_name_the_variables_not_their_values(feed_server, monkeypatch):
    monkeypatch.delenv("PARTNER_TOKEN", raising=False)
    monkeypatch.delenv("PARTNER_PASSWORD", raising=False)
    monkeypatch.setenv("PARTNER_USERNAME", "alice-the-user")
    feed_server.route("/feed.xml", body=b"ok")

    with pytest.raises(FeedError) as caught:
        read(feed_server.url("/feed.xml"), credentials_env="PARTNER")

    message = str(caught.value)
    assert "PARTNER_TOKEN" in message
    assert "PARTNER_USERNAME" in message
    assert "PARTNER_PASSWORD" in message
    assert "alice-the-user" not in message
    assert feed_server.requests == []


# --- Files ---------------------------------------------------------------------------------------


@pytest.fixture
def feeds_dir(tmp_path, settings):
    directory = tmp_path / "feeds"
    directory.mkdir()
    settings.FEEDS_FILES_DIR = directory
    return directory


def test_a_file_under_the_feeds_directory(feeds_dir):
    (feeds_dir / "apec.xml").write_bytes(b"<offres/>")

    assert read(str(feeds_dir / "apec.xml")) == b"<offres/>"
    assert read("apec.xml") == b"<offres/>"  # relative to the directory


def test_a_file_outside_the_feeds_directory_is_refused(feeds_dir, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_bytes(b"secret")

    with pytest.raises(FeedError, match="Fichier hors du dossier des flux"):
        read(str(outside))
    with pytest.raises(FeedError, match="Fichier hors du dossier des flux"):
        read("../secret.txt")
    assert read(str(outside), allow_any_file=True) == b"secret"


def test_a_symlink_escaping_the_feeds_directory_is_refused(feeds_dir, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_bytes(b"secret")
    (feeds_dir / "link.xml").symlink_to(outside)
    (feeds_dir / "inside.xml").write_bytes(b"inside")
    (feeds_dir / "ok-link.xml").symlink_to(feeds_dir / "inside.xml")

    with pytest.raises(FeedError, match="Fichier hors du dossier des flux"):
        read(str(feeds_dir / "link.xml"))
    assert read(str(feeds_dir / "ok-link.xml")) == b"inside"


def test_a_missing_file(feeds_dir):
    with pytest.raises(FeedError, match="Fichier introuvable : missing.xml") as caught:
        read("missing.xml")
    assert not caught.value.retryable


def test_a_directory_is_not_a_document(feeds_dir):
    (feeds_dir / "sub").mkdir()

    with pytest.raises(FeedError, match="pas un fichier ordinaire"):
        read("sub")


def test_a_file_above_the_limit(feeds_dir):
    (feeds_dir / "big.csv").write_bytes(b"a" * (3 * 1024 * 1024 + 512 * 1024))

    with pytest.raises(FeedError) as caught:
        read("big.csv", limits=Limits(max_bytes=2 * 1024 * 1024))

    assert str(caught.value) == "Document trop volumineux : 3,5 Mo pour 2 Mo au plus"


def test_format_size():
    assert format_size(50 * 1024 * 1024) == "50 Mo"
    assert format_size(int(50.04 * 1024 * 1024)) == "50,0 Mo"
    assert format_size(32 * 1024 * 1024) == "32 Mo"
    assert format_size(1536) == "1,5 Ko"
    assert format_size(999) == "999 octets"


def test_handler_sequences_for_other_tests(feed_server):
    """The server itself: a scripted handler sees the request and the number of hits so far."""

    def flaky(request: Request) -> Response:
        if feed_server.hits("/flaky") <= 2:
            return Response(status=500)
        return Response(body=request.query["q"].encode())

    feed_server.route("/flaky", handler=flaky)

    for _ in range(2):
        with pytest.raises(FeedError, match="HTTP 500"):
            read(feed_server.url("/flaky?q=a"))
    assert read(feed_server.url("/flaky?q=third")) == b"third"
