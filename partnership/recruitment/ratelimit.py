"""Applications accepted per hour from one IP and to one offer (spam and abuse; no CAPTCHA service).

Counted in the cache (Redis) in fixed windows of an hour by the login limiter's counter
(`partnership.accounts.ratelimit`, which also reads the address); the IP is kept as a keyed hash."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from partnership.accounts.ratelimit import client_ip, count, digest

WINDOW_SECONDS = 3600
_SALT = "partnership.recruitment.ratelimit"


def _keys(request: HttpRequest, offer_id: int) -> tuple[str, str]:
    return f"applications:ip:{digest(_SALT, client_ip(request))}", f"applications:offer:{offer_id}"


def blocked(request: HttpRequest, offer_id: int) -> bool:
    """Whether this IP, or this offer, has had its applications for the hour."""
    ip_key, offer_key = _keys(request, offer_id)
    counts = cache.get_many([ip_key, offer_key])
    return counts.get(ip_key, 0) >= settings.RECRUITMENT_APPLICATIONS_PER_IP_HOUR or (
        counts.get(offer_key, 0) >= settings.RECRUITMENT_APPLICATIONS_PER_OFFER_HOUR
    )


def record(request: HttpRequest, offer_id: int) -> None:
    """Count one application received."""
    for key in _keys(request, offer_id):
        count(key, WINDOW_SECONDS)
