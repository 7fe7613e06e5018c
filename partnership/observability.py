"""Structured logs: one JSON object a line, with the request id and the user id, never secrets.

`RequestIdMiddleware` gives every request an id (the proxy's `X-Request-ID` when it is sane, else a
new one), returns it in the response header and makes it, with the user id, part of every log
record written while the request runs. Security events (logins, failed logins, refusals) are
logged on the `security` logger by `log_security_event`.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
user_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("user_id", default="-")

_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Record attributes that are not worth a JSON field of their own.
_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
# Never write these, whatever a caller passes in `extra` (and the request objects Django attaches).
_REDACTED = {"password", "secret", "token", "authorization", "cookie", "email", "request"}

security_logger = logging.getLogger("security")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        id_token = request_id_var.set(request_id)
        user_token = user_id_var.set("-")
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(id_token)
            user_id_var.reset(user_token)
        response["X-Request-ID"] = request_id
        return response


class UserIdMiddleware:
    """After AuthenticationMiddleware: put the user's id (never the e-mail) in the log context."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_id_var.set(str(user.pk))
        return self.get_response(request)


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request_id, user_id = request_id_var.get(), user_id_var.get()
        # Django logs a request's outcome (`django.request`) once the middleware has returned:
        # take the ids from the request it attaches to the record.
        request = getattr(record, "request", None)
        if request_id == "-" and request is not None and hasattr(request, "request_id"):
            request_id = request.request_id
            user = getattr(request, "_cached_user", None)  # never load a user just to log
            if user is not None and user.is_authenticated:
                user_id = str(user.pk)
        record.request_id, record.user_id = request_id, user_id
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "user_id": getattr(record, "user_id", "-"),
        }
        for key, value in vars(record).items():
            if key in _STANDARD_ATTRIBUTES or key in entry or key.lower() in _REDACTED:
                continue
            entry[key] = value if isinstance(value, str | int | float | bool | type(None)) else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def log_security_event(event: str, *, level: int = logging.INFO, **fields: str | int | None) -> None:
    """Log a security event (`login`, `login_failed`, `permission_denied`, …) with ids only."""
    security_logger.log(level, event, extra={"event": event, **fields})
