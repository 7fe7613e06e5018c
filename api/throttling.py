from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousThrottle(AnonRateThrottle):
    """Requests per client IP (`API_ANON_RATE`, e.g. « 120/minute »): beyond it, 429 with `Retry-After`."""

    def get_rate(self) -> str:
        return settings.API_ANON_RATE
