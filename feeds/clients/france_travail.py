"""The live France Travail "Offres d'emploi v2" API: OAuth2 token, paged search, partitions past the cap.

What the API does (documentation « Rechercher par critères » of the API Offres d'emploi v2,
francetravail.io/data/api/offres-emploi, formerly emploi-store-dev.fr; Swagger at
api.francetravail.io/partenaire/offresdemploi/v2/ui/):

- Token: POST `FRANCE_TRAVAIL_TOKEN_URL`
  (https://entreprise.francetravail.fr/connexion/oauth2/access_token?realm=%2Fpartenaire) with the form
  `grant_type=client_credentials, client_id, client_secret, scope` (scopes `api_offresdemploiv2
  o2dsoffre`); the answer holds `access_token` and `expires_in` (seconds, about 25 minutes).
- Search: GET …/offres/search with the criteria and `range=p-d` (index of the first and last result,
  from 0, at most 150 a request). The answer is 200 (every result), 206 (a part) with
  `Content-Range: offres p-d/total`, or 204 (no result). The first index may not pass
  `MAX_FIRST_INDEX`, so a query gives at most `MAX_RESULTS` results even when `total` is larger.
  (The older emploi-store documentation said 1000 and 1149; the current one 3000 and 3149.)
- `departement` filters by département code; `minCreationDate` / `maxCreationDate`
  (`yyyy-MM-dd'T'hh:mm:ss'Z'`, used together) by creation date, bounds included.
- 429 Too Many Requests with `Retry-After` when over the rate limit (a few requests a second).

Past the cap, a query is split by département (every code), and a département still past it by
creation-date windows, halved until each fits. A window that cannot be halved any more (one second)
is read up to the cap and the result is marked incomplete (`complete = False`): the engine then
withdraws nothing. Offers outside every département (abroad) are not reached by the split; an offer
met in two partitions (bounds are shared by neighbouring windows) is yielded once.

All requests go through `feeds.sources` (host allow-list, timeouts, byte limit per response).
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from django.conf import settings

from feeds.records import FeedError, Limits, SourceRecord
from feeds.sources import BearerAuth, describe_host, fetch, http_client, parse_retry_after, status_error

if TYPE_CHECKING:
    from feeds.models import Feed

logger = logging.getLogger(__name__)

DEFAULT_PREFIX = "FRANCE_TRAVAIL"
PAGE_SIZE = 150
MAX_FIRST_INDEX = 3000
MAX_RESULTS = MAX_FIRST_INDEX + PAGE_SIZE  # 3,150
# Every département code the API knows: metropolitan 01–19, 2A, 2B, 21–95, overseas 971–976.
DEPARTEMENTS: tuple[str, ...] = (
    *(f"{n:02d}" for n in range(1, 20)),
    "2A",
    "2B",
    *(f"{n:02d}" for n in range(21, 96)),
    *(str(n) for n in range(971, 977)),
)
# Lower bound of the creation-date windows when the query gives none.
EARLIEST_CREATION = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
TOKEN_MARGIN_SECONDS = 60.0
DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_CONTENT_RANGE = re.compile(r"^\s*offres\s+(?:\d+-\d+|\*)\s*/\s*(\d+)\s*$", re.IGNORECASE)


def _format_date(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime(DATE_FORMAT)


def _parse_date(value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise FeedError(f"Date de création invalide dans l'adresse du flux : {value}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


class FranceTravailClient:
    """Fetches every offer of a search, past the API's cap.

    After `iter_items()` has run to its end, `complete` tells whether every partition was read whole,
    and `requests_made` counts the HTTP requests (token and search).
    """

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        limits: Limits | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], dt.datetime] | None = None,
        max_waits: int = 5,
        max_wait_seconds: float = 60.0,
        env_prefix: str = DEFAULT_PREFIX,
    ) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self.limits = limits or Limits()
        self.sleep = sleep
        self.clock = clock
        self.now = now or (lambda: dt.datetime.now(dt.UTC))
        self.max_waits = max_waits  # 429 waits per request, then a retryable FeedError
        self.max_wait_seconds = max_wait_seconds  # a longer Retry-After is left to the task's retry
        self.env_prefix = env_prefix
        self.complete = True
        self.finished = False
        self.requests_made = 0
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._http = http_client()

    @classmethod
    def from_env(cls, prefix: str = "", **kwargs: Any) -> FranceTravailClient:
        """A client with the credentials of `{prefix}_CLIENT_ID` and `{prefix}_CLIENT_SECRET`."""
        prefix = (prefix or DEFAULT_PREFIX).strip()
        client_id = os.environ.get(f"{prefix}_CLIENT_ID", "").strip()
        client_secret = os.environ.get(f"{prefix}_CLIENT_SECRET", "").strip()
        if not client_id or not client_secret:
            raise FeedError(
                f"Identifiants France Travail absents : définir {prefix}_CLIENT_ID et {prefix}_CLIENT_SECRET "
                "dans l'environnement du serveur"
            )
        return cls(client_id=client_id, client_secret=client_secret, env_prefix=prefix, **kwargs)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> FranceTravailClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- Token -------------------------------------------------------------------------------

    def token(self, *, refresh: bool = False) -> str:
        """The access token, cached until `expires_in` minus a margin."""
        if not refresh and self._token and self.clock() < self._token_expires_at:
            return self._token
        url = settings.FRANCE_TRAVAIL_TOKEN_URL
        form = {
            "grant_type": "client_credentials",
            "client_id": self._client_id,
            "client_secret": self._client_secret,
            "scope": settings.FRANCE_TRAVAIL_SCOPE,
        }
        fetched = fetch(self._http, "POST", url, limits=self.limits, data=form)
        self.requests_made += 1
        host = describe_host(fetched.url)
        if fetched.status in (400, 401, 403):
            raise FeedError(
                f"Identifiants France Travail refusés par {host} (HTTP {fetched.status}) : vérifier "
                f"{self.env_prefix}_CLIENT_ID, {self.env_prefix}_CLIENT_SECRET et les habilitations de l'application"
            )
        if fetched.status != 200:
            raise status_error(fetched.response)
        try:
            answer = json.loads(fetched.content)
            token = str(answer["access_token"])
            expires_in = float(answer.get("expires_in", 0) or 0)
        except (ValueError, KeyError, TypeError):
            raise FeedError(f"Réponse inattendue du service d'authentification {host}") from None
        margin = min(TOKEN_MARGIN_SECONDS, expires_in / 2)
        self._token = token
        self._token_expires_at = self.clock() + expires_in - margin
        return token

    # --- Search ------------------------------------------------------------------------------

    def search(self, base_url: str, params: dict[str, str], first: int, last: int) -> tuple[int, list[dict[str, Any]]]:
        """One page: (total, results). Refreshes the token once on 401, waits on 429."""
        query = {**params, "range": f"{first}-{last}"}
        refreshed = False
        waits = 0
        while True:
            auth = BearerAuth(self.token())
            fetched = fetch(
                self._http,
                "GET",
                base_url,
                limits=self.limits,
                auth=auth,
                params=query,
                headers={"Accept": "application/json"},
            )
            self.requests_made += 1
            status = fetched.status
            if status == 401 and not refreshed:
                refreshed = True
                self.token(refresh=True)
                continue
            if status == 429:
                retry_after = parse_retry_after(fetched.headers.get("Retry-After"))
                wait = 1.0 if retry_after is None else retry_after
                if waits >= self.max_waits or wait > self.max_wait_seconds:
                    raise status_error(fetched.response)
                waits += 1
                logger.info("france travail rate limit: waiting %.1f s", wait)
                self.sleep(wait)
                continue
            if status == 204:
                return 0, []
            if status not in (200, 206):
                error = status_error(fetched.response)
                if status == 400:  # a criterion the API refuses: say which
                    raise FeedError(error.reason + _api_message(fetched.content))
                raise error
            return self._page(fetched.content, fetched.headers.get("Content-Range", ""), describe_host(fetched.url))

    @staticmethod
    def _page(content: bytes, content_range: str, host: str) -> tuple[int, list[dict[str, Any]]]:
        try:
            answer = json.loads(content)
        except ValueError:
            raise FeedError(f"Réponse illisible de {host} (JSON invalide)") from None
        results = answer.get("resultats") if isinstance(answer, dict) else None
        if not isinstance(results, list):
            raise FeedError(f"Réponse inattendue de {host} : pas de « resultats »")
        match = _CONTENT_RANGE.match(content_range)
        total = int(match.group(1)) if match else len(results)
        return total, [item for item in results if isinstance(item, dict)]

    def iter_items(self, search_url: str) -> Iterator[dict[str, Any]]:
        """Every `resultats[]` element of the search at `search_url` (its query = the criteria), once."""
        parts = urlsplit(search_url)
        base_url = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        params = {key: value for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != "range"}
        self.complete = True
        self.finished = False
        seen: set[str] = set()
        for item in self._partition(base_url, params):
            key = str(item.get("id") or "")
            if key:
                if key in seen:
                    continue
                seen.add(key)
            yield item
        self.finished = True

    def _partition(self, base_url: str, params: dict[str, str]) -> Iterator[dict[str, Any]]:
        total, first_page = self.search(base_url, params, 0, PAGE_SIZE - 1)
        if total <= MAX_RESULTS:
            yield from first_page
            yield from self._pages(base_url, params, total)
            return
        if "departement" not in params:
            logger.info("france travail: %d results past the cap, split by département", total)
            for code in DEPARTEMENTS:
                yield from self._partition(base_url, {**params, "departement": code})
            return
        low = _parse_date(params["minCreationDate"]) if params.get("minCreationDate") else EARLIEST_CREATION
        high = _parse_date(params["maxCreationDate"]) if params.get("maxCreationDate") else self.now()
        seconds = int((high - low).total_seconds())
        if seconds < 2:
            logger.warning(
                "france travail: %d results in one second of département %s, only %d read",
                total,
                params["departement"],
                MAX_RESULTS,
            )
            self.complete = False
            yield from first_page
            yield from self._pages(base_url, params, MAX_RESULTS)
            return
        middle = low + dt.timedelta(seconds=seconds // 2)
        # Both windows hold `middle` (bounds are included or not: either way nothing is lost).
        for start, end in ((low, middle), (middle, high)):
            yield from self._partition(
                base_url, {**params, "minCreationDate": _format_date(start), "maxCreationDate": _format_date(end)}
            )

    def _pages(self, base_url: str, params: dict[str, str], total: int) -> Iterator[dict[str, Any]]:
        """Pages after the first, up to `total` (at most the cap)."""
        for first in range(PAGE_SIZE, min(total, MAX_RESULTS), PAGE_SIZE):
            last = min(first + PAGE_SIZE, total, MAX_RESULTS) - 1
            _, results = self.search(base_url, params, first, last)
            yield from results


def _api_message(content: bytes) -> str:
    """The API's own explanation of a 400 (« message »), shortened."""
    try:
        message = json.loads(content).get("message")
    except (ValueError, AttributeError):
        return ""
    return f" : {str(message)[:200]}" if message else ""


class RecordStream(NamedTuple):
    """The records of a feed, and whether the fetch was complete (call it after iterating)."""

    records: Iterator[SourceRecord]
    is_complete: Callable[[], bool]


def iter_records(feed: Feed, limits: Limits, **client_options: Any) -> RecordStream:
    """The records of a France Travail feed (its location is the search URL), as they come.

    Raises `FeedError` at once when credentials are missing, and while iterating on faults or past
    `limits.max_records`.
    """
    # Imported late: the format module is written separately and this module must import without it.
    record_from_item = importlib.import_module("feeds.formats.france_travail").record_from_item

    client = FranceTravailClient.from_env(feed.credentials_env or DEFAULT_PREFIX, limits=limits, **client_options)

    def records() -> Iterator[SourceRecord]:
        count = 0
        try:
            for item in client.iter_items(feed.location):
                count += 1
                if count > limits.max_records:
                    raise FeedError(f"Plus de {limits.max_records} offres dans le flux (limite fixée pour ce flux)")
                yield record_from_item(item)
        finally:
            client.close()

    return RecordStream(records(), lambda: client.finished and client.complete)
