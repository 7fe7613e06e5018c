"""Rate limits of alert requests (subscriptions and « send me my link »), per client IP and per
address, counted in the cache over the login limiter's window (`partnership.accounts.ratelimit`,
whose IP reading and counter this reuses). The address is never stored: its keyed hash is."""

from __future__ import annotations

from django.http import HttpRequest

from partnership.accounts.models import UserManager
from partnership.accounts.ratelimit import WINDOW_SECONDS, client_ip, count, digest

MAX_PER_IP = 10
MAX_PER_EMAIL = 3
_SALT = "partnership.alerts.ratelimit"


def over_limit(request: HttpRequest, email: str) -> int | None:
    """Count this request; the seconds to wait when it is one too many (per IP or per address)."""
    ip_count = count(f"alert-requests:ip:{digest(_SALT, client_ip(request))}")
    email_count = count(f"alert-requests:email:{digest(_SALT, UserManager.canonical_email(email))}")
    if ip_count > MAX_PER_IP or email_count > MAX_PER_EMAIL:
        return WINDOW_SECONDS
    return None
