"""Logging in (e-mail and password, failures rate-limited) and out (POST only)."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
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
            block = ratelimit.blocked(self.subject)
            if block is not None:
                # Neither the address nor the IP: the scope says which counter was full.
                log_security_event("login_rate_limited", level=logging.WARNING, scope=block.scope)
                return too_many_requests(request, retry_after=block.retry_after)
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
            lock = ratelimit.record_failure(self.subject)
            if lock is not None:
                log_security_event("login_locked", level=logging.WARNING, scope=lock.scope, seconds=lock.retry_after)
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    """Logging out is a POST (the header's button); back to the home page. GET answers a page with that button."""

    http_method_names = ["get", "head", "post", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return render(request, "accounts/logout.html")


def admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """The admin's login (`admin:login`) is the site's: one form, one limiter, one page.

    Staff already logged in go on to the admin; anyone else logged in gets the 403 page (sending
    them to the login page would send them straight back here).
    """
    target = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(target)
        raise PermissionDenied
    return redirect_to_login(target)
