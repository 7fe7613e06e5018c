"""Logging in (e-mail and password, failures rate-limited) and out (POST only)."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from redis.exceptions import RedisError

from partnership.accounts import ratelimit
from partnership.accounts.forms import LoginForm
from partnership.observability import log_security_event
from partnership.views import service_unavailable, too_many_requests

logger = logging.getLogger(__name__)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.subject = ratelimit.subject(request, request.POST.get("username", ""))
        try:
            scope = ratelimit.blocked_scope(self.subject)
            if scope is not None:
                # Neither the address nor the IP: the scope says which counter was full.
                log_security_event("login_rate_limited", level=logging.WARNING, scope=scope)
                return too_many_requests(request, retry_after=ratelimit.WINDOW_SECONDS)
            return super().post(request, *args, **kwargs)
        except RedisError:
            # Without its counters the limit cannot hold: no login at all until they are back.
            logger.exception("login refused: the failure counters (Redis) are unreachable")
            return service_unavailable(request, "La connexion est momentanément impossible.")

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        ratelimit.clear_email(self.subject)
        return super().form_valid(form)

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        if form.credentials_refused:
            ratelimit.record_failure(self.subject)
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    """POST only (Django's LogoutView answers 405 to GET); back to the home page."""
