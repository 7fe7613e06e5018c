"""The France Travail client against a fake API on the local test server.

The fake behaves like the real "Offres d'emploi v2" search (see feeds/clients/france_travail.py):
`range=p-d` with p ≤ 3000, d ≤ 3149 and at most 150 results (else 400), 200 when one answer holds
every result, 206 with `Content-Range: offres p-d/total` otherwise, 204 for none; `departement` and
`minCreationDate`/`maxCreationDate` (together, bounds included) filter; a bearer token from its
token endpoint is required (401 otherwise); 429 with Retry-After when told to throttle.
"""

import datetime as dt
import json
import sys
import types
from urllib.parse import parse_qsl

import pytest

from feeds.clients.france_travail import DEPARTEMENTS, FranceTravailClient, iter_records
from feeds.records import FeedError, Limits, SourceRecord
from tests.feeds.httpserver import Request, Response

BASE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


class FakeFranceTravail:
    def __init__(self, server):
        self.server = server
        self.offers: list[tuple[str, dt.datetime, dict]] = []  # (département, created, item)
        self.valid_tokens: set[str] = set()
        self.issued = 0
        self.token_forms: list[dict[str, str]] = []
        self.throttle = 0
        self.retry_after = "2"
        self.expires_in = 1499
        server.route("/token", handler=self.token)
        server.route("/search", handler=self.search)

    @property
    def search_url(self):
        return self.server.url("/search")

    def add(self, count, *, departement="74", created=BASE, step=dt.timedelta(minutes=1), prefix="O"):
        start = len(self.offers)
        for n in range(count):
            number = start + n
            item = {
                "id": f"{prefix}{number:06d}",
                "intitule": f"Offre {number}",
                "dateCreation": (created + n * step).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "lieuTravail": {"libelle": f"{departement} - Ville"},
            }
            self.offers.append((departement, created + n * step, item))

    def token(self, request: Request) -> Response:
        form = dict(parse_qsl(request.body.decode()))
        self.token_forms.append(form)
        if request.method != "POST" or form.get("client_secret") != "the-secret":
            return Response(status=401, body=b'{"error": "invalid_client"}')
        self.issued += 1
        token = f"tok-{self.issued}"
        self.valid_tokens.add(token)
        body = {"access_token": token, "expires_in": self.expires_in, "token_type": "Bearer", "scope": form["scope"]}
        return Response(body=json.dumps(body).encode(), headers={"Content-Type": "application/json"})

    def search(self, request: Request) -> Response:
        if request.headers.get("authorization", "").removeprefix("Bearer ") not in self.valid_tokens:
            return Response(status=401)
        if self.throttle:
            self.throttle -= 1
            return Response(status=429, headers={"Retry-After": self.retry_after})
        first, last = (int(part) for part in request.query.get("range", "0-149").split("-"))
        if first > 3000 or last > 3149 or last < first or last - first >= 150:
            return Response(status=400, body=json.dumps({"codeHttp": 400, "message": "range invalide"}).encode())
        matching = self.offers
        if "departement" in request.query:
            matching = [offer for offer in matching if offer[0] == request.query["departement"]]
        if ("minCreationDate" in request.query) != ("maxCreationDate" in request.query):
            return Response(status=400)
        if "minCreationDate" in request.query:
            low = dt.datetime.strptime(request.query["minCreationDate"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
            high = dt.datetime.strptime(request.query["maxCreationDate"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
            matching = [offer for offer in matching if low <= offer[1] <= high]
        total = len(matching)
        if total == 0:
            return Response(status=204)
        page = [item for _, _, item in sorted(matching, key=lambda offer: offer[2]["id"])[first : last + 1]]
        status = 200 if first == 0 and last + 1 >= total else 206
        headers = {
            "Content-Type": "application/json",
            "Content-Range": f"offres {first}-{first + len(page) - 1}/{total}",
        }
        return Response(status=status, body=json.dumps({"resultats": page}).encode(), headers=headers)

    def searches(self):
        return [request.query for request in self.server.requests if request.path == "/search"]


@pytest.fixture
def api(feed_server, settings, monkeypatch):
    settings.FRANCE_TRAVAIL_TOKEN_URL = feed_server.url("/token")
    settings.FRANCE_TRAVAIL_SCOPE = "api_offresdemploiv2 o2dsoffre"
    settings.FEEDS_HTTP_READ_TIMEOUT = 0.5
    settings.FEEDS_HTTP_RETRIES = 0
    monkeypatch.setenv("FRANCE_TRAVAIL_CLIENT_ID", "the-id")
    monkeypatch.setenv("FRANCE_TRAVAIL_CLIENT_SECRET", "the-secret")
    return FakeFranceTravail(feed_server)


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(api, sleeps):
    with FranceTravailClient.from_env(sleep=sleeps.append, now=lambda: dt.datetime(2024, 6, 1, tzinfo=dt.UTC)) as c:
        yield c


def ids(items):
    return [item["id"] for item in items]


def test_pages_by_150_with_exact_ranges(api, client):
    api.add(400)

    items = list(client.iter_items(api.search_url + "?motsCles=chef+de+projet&range=0-9"))

    assert ids(items) == [f"O{n:06d}" for n in range(400)]
    assert [query["range"] for query in api.searches()] == ["0-149", "150-299", "300-399"]
    assert all(query["motsCles"] == "chef de projet" for query in api.searches())
    assert client.complete
    assert client.requests_made == 4  # one token, three pages


def test_reads_up_to_the_cap_without_splitting(api, client):
    api.add(3150)

    items = list(client.iter_items(api.search_url))

    assert len(set(ids(items))) == 3150
    ranges = [query["range"] for query in api.searches()]
    assert ranges[-1] == "3000-3149"
    assert len(ranges) == 21
    assert all("departement" not in query for query in api.searches())
    assert client.complete


def test_no_result(api, client):
    assert list(client.iter_items(api.search_url)) == []
    assert client.complete


def test_a_search_past_the_cap_is_split_by_departement(api, client):
    api.add(1200, departement="01", prefix="A")
    api.add(1200, departement="2A", prefix="B")
    api.add(800, departement="974", prefix="C")

    items = list(client.iter_items(api.search_url + "?motsCles=infirmier"))

    assert len(items) == 3200
    assert len(set(ids(items))) == 3200
    departements = [query["departement"] for query in api.searches() if "departement" in query]
    assert sorted(set(departements)) == sorted(DEPARTEMENTS)
    assert len(DEPARTEMENTS) == 102 and {"2A", "2B", "971", "976"} <= set(DEPARTEMENTS) and "20" not in DEPARTEMENTS
    assert departements.count("01") == 8  # 1200 / 150 pages
    assert client.complete


def test_an_offer_met_in_two_partitions_is_yielded_once(api, client):
    api.add(3100, departement="01")
    api.add(100, departement="02", prefix="D")
    api.offers.append(("02", BASE, dict(api.offers[0][2])))  # the same offer again, in another département

    items = list(client.iter_items(api.search_url))

    assert len(items) == 3200
    assert ids(items).count("O000000") == 1


def test_a_departement_past_the_cap_is_split_by_creation_date(api, client):
    # 3,300 offers in one département, one a minute from 2024-01-01 00:00.
    api.add(3300, departement="74")
    url = api.search_url + "?departement=74&minCreationDate=2024-01-01T00:00:00Z&maxCreationDate=2024-01-05T00:00:00Z"

    items = list(client.iter_items(url))

    assert len(items) == 3300
    assert len(set(ids(items))) == 3300
    windows = {(query["minCreationDate"], query["maxCreationDate"]) for query in api.searches()}
    assert ("2024-01-01T00:00:00Z", "2024-01-03T00:00:00Z") in windows
    assert ("2024-01-03T00:00:00Z", "2024-01-05T00:00:00Z") in windows
    # The offer created at 2024-01-03 00:00 (the shared bound) came in both windows, yielded once.
    assert ids(items).count("O002880") == 1
    assert client.complete


def test_a_departement_past_the_cap_without_dates_is_windowed_from_the_earliest_date(api, client):
    api.add(3200, departement="2B")

    items = list(client.iter_items(api.search_url + "?departement=2B"))

    assert len(set(ids(items))) == 3200
    first_window = next(query for query in api.searches() if "minCreationDate" in query)
    assert first_window["minCreationDate"] == "2000-01-01T00:00:00Z"
    assert all(
        query["maxCreationDate"] <= "2024-06-01T00:00:00Z" for query in api.searches() if "maxCreationDate" in query
    )
    assert client.complete


def test_a_window_that_cannot_be_split_marks_the_result_incomplete(api, client):
    api.add(3200, departement="74", step=dt.timedelta(0))  # all created in the same second

    url = api.search_url + "?departement=74&minCreationDate=2024-01-01T00:00:00Z&maxCreationDate=2024-01-01T00:00:10Z"
    items = list(client.iter_items(url))

    assert len(items) == 3150  # what the API lets us read
    assert not client.complete
    assert all(int(query["range"].split("-")[0]) <= 3000 for query in api.searches())


def test_the_token_request(api, client, settings):
    api.add(1)

    list(client.iter_items(api.search_url))

    (form,) = api.token_forms
    assert form == {
        "grant_type": "client_credentials",
        "client_id": "the-id",
        "client_secret": "the-secret",
        "scope": "api_offresdemploiv2 o2dsoffre",
    }
    assert api.server.requests[-1].headers["authorization"] == "Bearer tok-1"


def test_the_token_is_cached_until_it_expires(api, sleeps):
    api.add(1)
    now = [1000.0]
    with FranceTravailClient.from_env(sleep=sleeps.append, clock=lambda: now[0]) as client:
        list(client.iter_items(api.search_url))
        list(client.iter_items(api.search_url))
        assert api.issued == 1

        now[0] += 1499 - 60 + 1  # past expires_in minus the margin
        list(client.iter_items(api.search_url))
        assert api.issued == 2


def test_a_401_refreshes_the_token_once(api, client):
    api.add(300)
    pages = iter(client.iter_items(api.search_url))
    first = [next(pages) for _ in range(150)]
    api.valid_tokens.clear()  # the token was revoked (or expired early)

    rest = list(pages)

    assert len(first) + len(rest) == 300
    assert api.issued == 2
    assert client.requests_made == 5  # token, page, refused page, token, page


def test_a_401_after_a_refresh_is_an_error(api, client):
    api.add(1)
    api.token = lambda request: Response(body=b'{"access_token": "never-valid", "expires_in": 1499}')
    api.server.route("/token", handler=api.token)

    with pytest.raises(FeedError, match=r"Accès refusé .* \(HTTP 401\)") as caught:
        list(client.iter_items(api.search_url))
    assert not caught.value.retryable


def test_refused_credentials(api, monkeypatch):
    monkeypatch.setenv("FRANCE_TRAVAIL_CLIENT_SECRET", "wrong-secret")

    with FranceTravailClient.from_env() as client, pytest.raises(FeedError) as caught:
        list(client.iter_items(api.search_url))

    assert "FRANCE_TRAVAIL_CLIENT_SECRET" in str(caught.value)
    assert "wrong-secret" not in str(caught.value)


def test_missing_credentials_name_the_variables(api, monkeypatch):
    monkeypatch.delenv("PARTNER_FT_CLIENT_SECRET", raising=False)
    monkeypatch.setenv("PARTNER_FT_CLIENT_ID", "visible-id")

    with pytest.raises(FeedError) as caught:
        FranceTravailClient.from_env("PARTNER_FT")

    assert "PARTNER_FT_CLIENT_ID" in str(caught.value)
    assert "PARTNER_FT_CLIENT_SECRET" in str(caught.value)
    assert "visible-id" not in str(caught.value)


def test_429_waits_for_retry_after(api, client, sleeps):
    api.add(10)
    api.throttle = 2
    api.retry_after = "7"

    assert len(list(client.iter_items(api.search_url))) == 10
    assert sleeps == [7.0, 7.0]


def test_429_too_many_times_is_a_retryable_error(api, client, sleeps):
    api.add(10)
    api.throttle = 100

    with pytest.raises(FeedError, match="HTTP 429") as caught:
        list(client.iter_items(api.search_url))

    assert caught.value.retryable
    assert caught.value.retry_after == 2.0
    assert sleeps == [2.0] * 5


def test_429_with_a_long_retry_after_is_left_to_the_task(api, client, sleeps):
    api.add(10)
    api.throttle = 1
    api.retry_after = "600"

    with pytest.raises(FeedError) as caught:
        list(client.iter_items(api.search_url))

    assert caught.value.retryable
    assert caught.value.retry_after == 600.0
    assert sleeps == []


def test_server_errors_and_timeouts_are_retryable(api, client, feed_server):
    feed_server.route("/broken", status=503)
    feed_server.route("/slow", delay=2.0)

    with pytest.raises(FeedError, match="HTTP 503") as caught:
        list(client.iter_items(feed_server.url("/broken")))
    assert caught.value.retryable

    with pytest.raises(FeedError, match="Délai dépassé") as caught:
        list(client.iter_items(feed_server.url("/slow")))
    assert caught.value.retryable


def test_a_refused_criterion_says_why(api, client):
    with pytest.raises(FeedError, match="HTTP 400.*range invalide") as caught:
        client.search(api.search_url, {}, 3001, 3100)
    assert not caught.value.retryable


def test_the_search_host_must_be_allowed(api, client, settings):
    with pytest.raises(FeedError, match="Hôte non autorisé : example.org"):
        list(client.iter_items("https://example.org/partenaire/offresdemploi/v2/offres/search"))


def test_a_page_above_the_byte_limit_is_refused(api, sleeps):
    api.add(150)

    with (
        FranceTravailClient.from_env(limits=Limits(max_bytes=2000), sleep=sleeps.append) as client,
        pytest.raises(FeedError, match="Document trop volumineux"),
    ):
        list(client.iter_items(api.search_url))


@pytest.fixture
def fake_format(monkeypatch):
    """Stands for feeds.formats.france_travail (written separately): one record per item."""
    module = types.ModuleType("feeds.formats.france_travail")

    def record_from_item(item):
        return SourceRecord(external_id=item["id"], fields=item, fingerprint=json.dumps(item, sort_keys=True), raw="")

    module.record_from_item = record_from_item
    monkeypatch.setitem(sys.modules, "feeds.formats.france_travail", module)


def test_iter_records(api, fake_format):
    api.add(200)
    feed = types.SimpleNamespace(location=api.search_url, credentials_env="")

    records, is_complete = iter_records(feed, Limits())

    assert not is_complete()  # not read yet
    assert [record.external_id for record in records] == [f"O{n:06d}" for n in range(200)]
    assert is_complete()


def test_iter_records_enforces_max_records(api, fake_format):
    api.add(200)
    feed = types.SimpleNamespace(location=api.search_url, credentials_env="")

    records, _ = iter_records(feed, Limits(max_records=150))

    with pytest.raises(FeedError, match="Plus de 150 offres"):
        list(records)


def test_iter_records_reads_the_feed_prefix(api, fake_format, monkeypatch):
    monkeypatch.setenv("OTHER_CLIENT_ID", "other-id")
    monkeypatch.setenv("OTHER_CLIENT_SECRET", "the-secret")
    api.add(1)
    feed = types.SimpleNamespace(location=api.search_url, credentials_env="OTHER")

    records, _ = iter_records(feed, Limits())
    list(records)

    assert api.token_forms[0]["client_id"] == "other-id"
