"""`GET /healthz`: the states of the database, Redis and the Celery workers."""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from partnership.celery import app as celery_app


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_redis() -> str:
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    if not client.ping():
        raise ConnectionError("Redis did not answer PING")
    return "ok"


def check_celery() -> str:
    # limit=1: answer as soon as one worker replies instead of waiting the whole timeout.
    replies = celery_app.control.ping(timeout=settings.HEALTHZ_CELERY_TIMEOUT, limit=1)
    if not replies:
        raise ConnectionError("no Celery worker answered the ping")
    return "ok (" + ", ".join(name for reply in replies for name in reply) + ")"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "redis": check_redis,
    "celery": check_celery,
}


def may_see_details(request: HttpRequest) -> bool:
    """Staff, or a caller with `Authorization: Bearer <HEALTHZ_TOKEN>` (a monitoring probe)."""
    if request.user.is_authenticated and request.user.is_staff:
        return True
    token = settings.HEALTHZ_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when every service is up, else 503; anonymous callers (a container's probe) get the status
    only, staff and token holders the state, detail and time of each check."""
    results: dict[str, dict[str, object]] = {}
    healthy = True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        state: dict[str, object]
        try:
            state = {"status": "ok", "detail": check()}
        except Exception as exc:  # noqa: BLE001 - any failure is a down service
            healthy = False
            if name == "database":
                connection.close_if_unusable_or_obsolete()
            state = {"status": "down", "detail": f"{type(exc).__name__}: {exc}"[:300]}
        state["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = state
    answer: dict[str, object] = {"status": "ok" if healthy else "down"}
    if may_see_details(request):
        answer["checks"] = results
    return JsonResponse(answer, status=200 if healthy else 503)
