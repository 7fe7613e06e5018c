"""Failed logins, counted in the cache (Redis) per e-mail address and per client IP.

A fixed window: the first failure starts it, and it lasts `WINDOW_SECONDS`. Once a counter has
reached its limit, every login attempt for that address (or from that IP) answers 429 until the
window ends, whether the password is right or not. A successful login clears the address's count.

The address is never stored: the cache key holds a keyed hash of the normalised address.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from partnership.accounts.models import UserManager

WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_IP = 20

_KEY_SALT = "partnership.accounts.ratelimit"


@dataclass(frozen=True)
class Subject:
    email_key: str
    ip_key: str


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


def subject(request: HttpRequest, email: str) -> Subject:
    email_digest = salted_hmac(_KEY_SALT, UserManager.canonical_email(email), algorithm="sha256").hexdigest()[:32]
    ip_digest = salted_hmac(_KEY_SALT, client_ip(request), algorithm="sha256").hexdigest()[:32]
    return Subject(email_key=f"login-failures:email:{email_digest}", ip_key=f"login-failures:ip:{ip_digest}")


def blocked_scope(who: Subject) -> str | None:
    """`"email"` or `"ip"` when that counter has reached its limit, else None."""
    counts = cache.get_many([who.email_key, who.ip_key])
    if counts.get(who.email_key, 0) >= MAX_FAILURES_PER_EMAIL:
        return "email"
    if counts.get(who.ip_key, 0) >= MAX_FAILURES_PER_IP:
        return "ip"
    return None


def record_failure(who: Subject) -> None:
    for key in (who.email_key, who.ip_key):
        # `add` starts the window only if none is running; `incr` keeps the key's expiry.
        if not cache.add(key, 1, WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # the window ended between `add` and `incr`
                cache.add(key, 1, WINDOW_SECONDS)


def clear_email(who: Subject) -> None:
    cache.delete(who.email_key)
