"""Fetching a feed's document safely: a file under FEEDS_FILES_DIR, or an allowed HTTP(S) host.

Every fetch is bounded: hosts from `settings.FEEDS_ALLOWED_HOSTS` only (redirects included, at most
`MAX_REDIRECTS`), connect and read timeouts, `limits.max_bytes` counted on the decoded bytes (a
gzip bomb stops at the limit), immediate retries of failed connections (`FEEDS_HTTP_RETRIES`).
Faults become `FeedError`s with a French reason naming the host and the status, never a credential;
timeouts, connection errors, 5xx and 429 are `retryable` (429 with `retry_after`).

Credentials come from the environment only: with `credentials_env="PARTNER"`, `PARTNER_TOKEN` (sent
as `Authorization: Bearer`) or `PARTNER_USERNAME` and `PARTNER_PASSWORD` (basic auth). They are sent
to the feed's own host only (not across a redirect to another host), and never logged.

`http_client()` and `fetch()` / `send()` are shared with the API clients (`feeds.clients.*`).
"""

from __future__ import annotations

import email.utils
import io
import logging
import os
import re
import stat
import tempfile
import time
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
from django.conf import settings

from feeds.records import FeedError, Limits
from partnership.formatting import number

logger = logging.getLogger(__name__)

USER_AGENT = "TalentsDesTerritoires/1.0 (portail Talents des territoires; flux d'offres)"
MAX_REDIRECTS = 3
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_PORTS = {"http": 80, "https": 443}
# A document this big stays in memory; beyond, the spooled file goes to disk.
SPOOL_MEMORY_BYTES = 4 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
_ENV_PREFIX = re.compile(r"^[A-Z][A-Z0-9_]{0,59}$")

MB = 1024 * 1024


def format_size(size: int) -> str:
    """« 50,0 Mo », « 12,5 Ko », « 300 octets »; a whole number of Mo without decimals (« 32 Mo »)."""
    if size >= MB:
        return f"{number(size / MB, 0 if size % MB == 0 else 1)} Mo"
    if size >= 1024:
        return f"{number(size / 1024, 0 if size % 1024 == 0 else 1)} Ko"
    return "1 octet" if size == 1 else f"{number(size)} octets"


def too_big(size: int, limits: Limits, *, at_least: bool = False) -> FeedError:
    more = "plus de " if at_least else ""
    return FeedError(
        f"Document trop volumineux : {more}{format_size(size)} pour {format_size(limits.max_bytes)} au plus"
    )


# --- Files ---------------------------------------------------------------------------------------


def feed_file(location: str, *, allow_any_file: bool = False) -> Path:
    """The real path of a feed's file, or `FeedError` saying in French why it cannot be read.

    A relative path is taken in FEEDS_FILES_DIR; symbolic links and `..` are resolved first, and the
    real place must be in that directory (unless `allow_any_file`: the command line) and be a regular
    file. The one rule for the admin form, « Lancer maintenant » and the run itself.
    """
    base = Path(settings.FEEDS_FILES_DIR).resolve()
    raw = Path(location.removeprefix("file://"))
    relative = not raw.is_absolute()
    if relative and not allow_any_file:
        raw = base / raw
    try:
        path = raw.resolve()  # symlinks followed: the real place must be under the directory
    except (OSError, RuntimeError, ValueError):  # a loop of links, a NUL byte
        raise FeedError(f"Chemin de fichier invalide : {location}") from None
    if not allow_any_file and not path.is_relative_to(base):
        raise FeedError(f"Fichier hors du dossier des flux ({base}) : {location}")
    try:
        info = path.stat()
    except FileNotFoundError:
        where = f" (dans le dossier des flux, {base})" if relative and not allow_any_file else ""
        raise FeedError(f"Fichier introuvable : {location}{where}") from None
    except OSError as error:
        raise FeedError(f"Fichier illisible : {location} ({error.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise FeedError(f"Ce n’est pas un fichier ordinaire : {location}")
    return path


def open_file(location: str, *, limits: Limits, allow_any_file: bool = False) -> IO[bytes]:
    """The opened file (positioned at 0), found by `feed_file`."""
    path = feed_file(location, allow_any_file=allow_any_file)
    try:
        # O_NOFOLLOW: the resolved path has no symbolic link; refuse one put there since.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        raise FeedError(f"Fichier illisible : {location} ({error.strerror})") from None
    stream = os.fdopen(descriptor, "rb")
    size = os.fstat(stream.fileno()).st_size
    if size > limits.max_bytes:
        stream.close()
        raise too_big(size, limits)
    return stream


# --- HTTP ----------------------------------------------------------------------------------------


def describe_host(url: httpx.URL) -> str:
    """`host` or `host:port` (never the userinfo, path or query: they may hold secrets)."""
    return f"{url.host}:{url.port}" if url.port is not None else url.host


def check_url(url: httpx.URL | str) -> httpx.URL:
    """The URL when its scheme is http(s) and its host is allowed; else `FeedError`.

    An entry of FEEDS_ALLOWED_HOSTS without a port allows the scheme's default port only; a URL with
    another port needs an entry `host:port`.
    """
    try:
        url = httpx.URL(url)
    except httpx.InvalidURL:
        raise FeedError("Adresse invalide") from None
    if url.scheme not in DEFAULT_PORTS:
        raise FeedError(f"Protocole non pris en charge : {url.scheme or '(aucun)'} (http ou https seulement)")
    if not url.host:
        raise FeedError("Adresse invalide : pas d'hôte")
    if url.userinfo:
        raise FeedError(
            f"Adresse refusée : identifiants dans l'adresse de {url.host} (utiliser les variables d'environnement)"
        )
    if not is_allowed_host(url):
        raise FeedError(f"Hôte non autorisé : {describe_host(url)} (voir FEEDS_ALLOWED_HOSTS)")
    return url


def is_allowed_host(url: httpx.URL) -> bool:
    """Whether FEEDS_ALLOWED_HOSTS allows this http(s) URL's host and port."""
    allowed = {entry.strip().lower().rstrip(".") for entry in settings.FEEDS_ALLOWED_HOSTS}
    host = url.host.lower().rstrip(".")
    port = url.port if url.port is not None else DEFAULT_PORTS[url.scheme]
    if port == DEFAULT_PORTS[url.scheme]:
        return host in allowed or f"{host}:{port}" in allowed
    return f"{host}:{port}" in allowed


def http_client() -> httpx.Client:
    """An HTTP client with the feed settings: timeouts, connection retries, our User-Agent.

    Redirects are not followed by httpx: `send()` follows them itself, checking each host. The
    environment's proxies and .netrc are ignored (trust_env=False): credentials come from
    `credentials_env` only.
    """
    connect = float(settings.FEEDS_HTTP_CONNECT_TIMEOUT)
    read = float(settings.FEEDS_HTTP_READ_TIMEOUT)
    return httpx.Client(
        timeout=httpx.Timeout(connect=connect, read=read, write=read, pool=connect),
        transport=httpx.HTTPTransport(retries=int(settings.FEEDS_HTTP_RETRIES)),
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": USER_AGENT},
    )


def credentials_auth(prefix: str) -> httpx.Auth | None:
    """The auth named by the prefix of environment variables; None when there is no prefix."""
    prefix = prefix.strip()
    if not prefix:
        return None
    if not _ENV_PREFIX.match(prefix):
        raise FeedError(f"Préfixe de variables d'identifiants invalide : {prefix!r} (lettres capitales, chiffres, _)")
    token = os.environ.get(f"{prefix}_TOKEN", "").strip()
    if token:
        return BearerAuth(token)
    username = os.environ.get(f"{prefix}_USERNAME", "")
    password = os.environ.get(f"{prefix}_PASSWORD", "")
    if username and password:
        return httpx.BasicAuth(username, password)
    raise FeedError(
        f"Identifiants absents : définir {prefix}_TOKEN, ou {prefix}_USERNAME et {prefix}_PASSWORD, "
        "dans l'environnement du serveur"
    )


class BearerAuth(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request

    def __repr__(self) -> str:  # never shows the token
        return "BearerAuth(***)"


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def status_error(response: httpx.Response) -> FeedError:
    """The `FeedError` of an unsuccessful status: 429 and 5xx retryable, other codes not."""
    host = describe_host(response.request.url)
    status = response.status_code
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        wait = f", réessayer dans {number(retry_after)} s" if retry_after is not None else ""
        return FeedError(f"Trop de requêtes vers {host} (HTTP 429{wait})", retryable=True, retry_after=retry_after)
    if status >= 500:
        return FeedError(f"Le serveur {host} est en erreur (HTTP {status})", retryable=True)
    if status in (401, 403):
        return FeedError(f"Accès refusé par {host} (HTTP {status}) : vérifier les identifiants")
    if status == 404:
        return FeedError(f"Document introuvable sur {host} (HTTP 404)")
    if status in REDIRECT_STATUSES:
        return FeedError(f"Redirection inattendue de {host} (HTTP {status})")
    return FeedError(f"Réponse refusée par {host} (HTTP {status})")


def transport_error(error: httpx.HTTPError, url: httpx.URL) -> FeedError:
    host = describe_host(url)
    if isinstance(error, httpx.TimeoutException):
        kind = "connexion" if isinstance(error, httpx.ConnectTimeout | httpx.PoolTimeout) else "réponse"
        return FeedError(f"Délai dépassé en attendant la {kind} de {host}", retryable=True)
    if isinstance(error, httpx.DecodingError):
        return FeedError(f"Réponse illisible de {host} (compression invalide)")
    return FeedError(f"Connexion impossible à {host} ({type(error).__name__})", retryable=True)


@contextmanager
def send(
    client: httpx.Client,
    method: str,
    url: str | httpx.URL,
    *,
    limits: Limits,
    auth: httpx.Auth | None = None,
    headers: dict[str, str] | None = None,
    data: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
) -> Iterator[httpx.Response]:
    """The streamed response (any status), after following GET redirects between allowed hosts.

    The body is not read: use `read_into()` or `read_bytes()`, which count it. A Content-Length above
    `limits.max_bytes` is refused here, before reading. Transport errors become `FeedError`.
    """
    current = check_url(url)
    origin = (current.scheme, current.host, current.port)
    redirects = 0
    while True:
        # Credentials go to the feed's own host only (and never downgraded from https to http).
        same_origin = (current.scheme, current.host, current.port) == origin
        request = client.build_request(
            method,
            current,
            headers=headers,
            data=data,
            params=params if redirects == 0 else None,
        )
        try:
            response = client.send(request, auth=auth if same_origin else None, stream=True)
        except httpx.HTTPError as error:
            raise transport_error(error, current) from None
        try:
            location = response.headers.get("Location")
            if method == "GET" and response.status_code in REDIRECT_STATUSES and location:
                redirects += 1
                if redirects > MAX_REDIRECTS:
                    raise FeedError(f"Trop de redirections depuis {describe_host(current)} ({MAX_REDIRECTS} au plus)")
                try:
                    target = current.join(location)
                except httpx.InvalidURL:
                    raise FeedError(f"Redirection invalide depuis {describe_host(current)}") from None
                current = check_url(target)
                logger.info("feed redirect to %s", describe_host(current))
                continue
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > limits.max_bytes:
                raise too_big(int(length), limits)
            yield response
            return
        finally:
            response.close()


def read_into(response: httpx.Response, destination: IO[bytes], *, limits: Limits) -> int:
    """Copy the decoded body into `destination`; stop and refuse beyond `limits.max_bytes`."""
    count = 0
    try:
        for chunk in response.iter_bytes():
            count += len(chunk)
            if count > limits.max_bytes:
                raise too_big(count, limits, at_least=True)
            destination.write(chunk)
    except httpx.HTTPError as error:
        raise transport_error(error, response.request.url) from None
    return count


def read_bytes(response: httpx.Response, *, limits: Limits) -> bytes:
    """The decoded body, refused beyond `limits.max_bytes` (see `read_into`)."""
    buffer = io.BytesIO()
    read_into(response, buffer, limits=limits)
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class Fetched:
    """A whole (small) response: status, headers, body, and the final URL."""

    status: int
    headers: httpx.Headers
    content: bytes
    url: httpx.URL
    response: httpx.Response  # closed; for `status_error()`


def fetch(
    client: httpx.Client,
    method: str,
    url: str | httpx.URL,
    *,
    limits: Limits,
    auth: httpx.Auth | None = None,
    headers: dict[str, str] | None = None,
    data: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
) -> Fetched:
    """The whole response, whatever its status (the caller decides: see `status_error()`)."""
    with send(client, method, url, limits=limits, auth=auth, headers=headers, data=data, params=params) as response:
        content = read_bytes(response, limits=limits)
        return Fetched(response.status_code, response.headers, content, response.request.url, response)


def open_url(location: str, *, limits: Limits, credentials_env: str = "") -> IO[bytes]:
    auth = credentials_auth(credentials_env)
    started = time.monotonic()
    with http_client() as client, send(client, "GET", location, limits=limits, auth=auth) as response:
        if response.status_code != 200:
            raise status_error(response)
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)  # noqa: SIM115 - returned open
        try:
            size = read_into(response, spool, limits=limits)
        except BaseException:
            spool.close()
            raise
        host = describe_host(response.request.url)
    spool.seek(0)
    logger.info("feed fetched from %s: %d bytes in %.1f s", host, size, time.monotonic() - started)
    return spool


def open_location(
    location: str, *, limits: Limits, credentials_env: str = "", allow_any_file: bool = False
) -> IO[bytes]:
    """A readable binary stream of the document at `location`, positioned at 0.

    `location` is an http(s) URL (a spooled temporary file of the body is returned) or a file path
    (the opened file; under FEEDS_FILES_DIR unless `allow_any_file`, which the command line passes).
    Raises `FeedError`.
    """
    location = location.strip()
    if not location:
        raise FeedError("Adresse vide")
    if "://" in location and not location.startswith("file://"):
        return open_url(location, limits=limits, credentials_env=credentials_env)
    return open_file(location, limits=limits, allow_any_file=allow_any_file)
