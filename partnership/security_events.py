"""Log authentication events: Django only reports them through its auth signals."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from partnership.observability import log_security_event


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    log_security_event("login", subject_user_id=user.pk)


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    log_security_event("logout", subject_user_id=getattr(user, "pk", None))


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # The credentials hold the e-mail address and the password: neither is logged.
    log_security_event("login_failed", level=logging.WARNING)


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="security.login")
    user_logged_out.connect(_logged_out, dispatch_uid="security.logout")
    user_login_failed.connect(_login_failed, dispatch_uid="security.login_failed")
