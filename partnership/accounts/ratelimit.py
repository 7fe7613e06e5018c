"""The one limiter of every login entry point: failed logins counted in the cache (Redis).

Two counters, per e-mail address and per client IP:

- **Per address**: `MAX_FAILURES_PER_EMAIL` failures within `WINDOW_SECONDS` lock the address for
  a short time that grows with each lock (`LOCK_STEPS_SECONDS`: 1, 5, then 15 minutes), remembered
  for `LOCK_MEMORY_SECONDS`. Anyone who knows an address can lock it, wherever they are: short,
  growing locks keep that nuisance small while still stopping password guessing.
- **Per IP**: `MAX_FAILURES_PER_IP` failures within `WINDOW_SECONDS` (a fixed window started by the
  first failure) lock every attempt from that IP until the window ends.

While either holds, every attempt answers 429, whether the password is right or not. A successful
login clears the address's failures and its lock history.

`/connexion/` and the admin's login (routed to it) go through `LoginView`, which calls this module;
so does the sign-up confirmation page (it checks the password and logs in). The pages that send an
e-mail on request (sign-up, password reset) share the per-IP counter: each request counts one
(`count_request`), so a flood of them from one IP locks that IP's logins too, and a locked IP
gets the 429 page there as well (`blocked_ip`); per address they send at most
`MAX_EMAILS_PER_ADDRESS` e-mails of a kind per window, silently (the page answers the same). A lock
of the address does not stop a password reset: setting a new password through the e-mailed link
clears it (`clear_email`), which is how a locked-out person gets back in.

The address is never stored: cache keys hold a keyed hash of the normalised address.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from partnership.accounts.models import UserManager

WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_IP = 20
LOCK_STEPS_SECONDS = (60, 5 * 60, 15 * 60)
LOCK_MEMORY_SECONDS = 24 * 3600
MAX_EMAILS_PER_ADDRESS = 3  # sign-up or reset e-mails to one address per window

_KEY_SALT = "partnership.accounts.ratelimit"


@dataclass(frozen=True)
class Subject:
    email_key: str
    ip_key: str

    @property
    def lock_key(self) -> str:
        """Holds the moment (epoch seconds) the address's lock ends."""
        return self.email_key.replace("login-failures:", "login-lock:", 1)

    @property
    def level_key(self) -> str:
        """How many locks the address had lately: the next one lasts longer."""
        return self.email_key.replace("login-failures:", "login-lock-level:", 1)


@dataclass(frozen=True)
class Block:
    scope: str  # "email" or "ip": which counter is full (never the address or the IP itself)
    retry_after: int  # seconds


def client_ip(request: HttpRequest) -> str:
    """The client's IP: `REMOTE_ADDR`, or behind the TLS proxy (BEHIND_TLS_PROXY) the last hop it added.

    A proxy that appends to `X-Forwarded-For` puts the address it saw last; anything before it was
    written by the client and is not trusted.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded and forwarded[-1]:
            return forwarded[-1][:64]
    return remote[:64]


def digest(salt: str, value: str) -> str:
    """A keyed hash of an address or an IP, for a cache key: the value itself is never stored."""
    return salted_hmac(salt, value, algorithm="sha256").hexdigest()[:32]


def subject(request: HttpRequest, email: str) -> Subject:
    email_digest = digest(_KEY_SALT, UserManager.canonical_email(email))
    ip_digest = digest(_KEY_SALT, client_ip(request))
    return Subject(email_key=f"login-failures:email:{email_digest}", ip_key=f"login-failures:ip:{ip_digest}")


def blocked(who: Subject) -> Block | None:
    """The lock that refuses this attempt, or None."""
    values = cache.get_many([who.lock_key, who.ip_key])
    locked_until = values.get(who.lock_key)
    if locked_until is not None:
        remaining = math.ceil(float(locked_until) - time.time())
        if remaining > 0:
            return Block("email", remaining)
    if values.get(who.ip_key, 0) >= MAX_FAILURES_PER_IP:
        return Block("ip", WINDOW_SECONDS)
    return None


def count(key: str, window: int = WINDOW_SECONDS) -> int:
    """Count one event under `key` in a fixed window of `window` seconds started by the first one;
    returns the count so far. The counter of every limiter of the site (logins, applications, alerts)."""
    # `add` starts the window only if none is running; `incr` keeps the key's expiry.
    if cache.add(key, 1, window):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # the window ended between `add` and `incr`
        cache.add(key, 1, window)
        return 1


def record_failure(who: Subject) -> Block | None:
    """Count one refused password; returns the lock it started, if any."""
    count(who.ip_key)
    if count(who.email_key) < MAX_FAILURES_PER_EMAIL:
        return None
    level = int(cache.get(who.level_key, 0))
    seconds = LOCK_STEPS_SECONDS[min(level, len(LOCK_STEPS_SECONDS) - 1)]
    cache.set_many({who.lock_key: time.time() + seconds}, seconds)
    cache.set(who.level_key, level + 1, LOCK_MEMORY_SECONDS)
    cache.delete(who.email_key)  # the next lock needs as many failures again
    return Block("email", seconds)


def clear_email(who: Subject) -> None:
    """After a successful login: the address starts afresh."""
    cache.delete_many([who.email_key, who.lock_key, who.level_key])


def blocked_ip(who: Subject) -> Block | None:
    """The IP's lock only: the pages that must work while an address is locked (password reset)."""
    if cache.get(who.ip_key, 0) >= MAX_FAILURES_PER_IP:
        return Block("ip", WINDOW_SECONDS)
    return None


def count_request(who: Subject, action: str) -> bool:
    """Count a request that sends an e-mail (`action`: "signup", "reset") on the IP's counter; True when the
    address may receive one more e-mail of that kind in this window."""
    count(who.ip_key)
    address_key = who.email_key.replace("login-failures:", f"mail-requests:{action}:", 1)
    return count(address_key) <= MAX_EMAILS_PER_ADDRESS
