"""Signing up, confirming the address (which logs in), and the pages in between (issue 12)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from redis.exceptions import RedisError

from partnership.accounts import ratelimit, services, tokens
from partnership.accounts.forms import ConfirmEmailForm, SignUpForm
from partnership.observability import log_security_event
from partnership.views import service_unavailable, too_many_requests

logger = logging.getLogger(__name__)

LIMITER_DOWN = "Cette action est momentanément impossible."


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:organisation-join")
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        who = ratelimit.subject(request, request.POST.get("email", ""))
        try:
            block = ratelimit.blocked_ip(who)
            if block is not None:
                log_security_event("signup_rate_limited", level=logging.WARNING, scope=block.scope)
                return too_many_requests(request, retry_after=block.retry_after)
            if form.is_valid():
                may_send = ratelimit.count_request(who, "signup")
                services.sign_up(**form.cleaned_data, may_send=may_send)
                return redirect("accounts:signup-sent")
        except RedisError:
            logger.exception("sign-up refused: the limiter's counters (Redis) are unreachable")
            return service_unavailable(request, LIMITER_DOWN)
    return render(request, "accounts/signup.html", {"form": form})


@require_GET
def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_sent.html")


def invalid_link(request: HttpRequest, reason: str, *, what: str) -> HttpResponse:
    """A link that is altered, too old or used: a 404 page that says what to do."""
    log_security_event("link_refused", level=logging.WARNING, link=what, reason=reason)
    return render(request, "accounts/link_invalid.html", {"reason": reason, "what": what}, status=404)


@require_http_methods(["GET", "HEAD", "POST"])
def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: the password chosen at sign-up confirms the address and logs in (under the login limiter)."""
    try:
        user = tokens.user_to_confirm(token)
    except tokens.InvalidLink as error:
        return invalid_link(request, error.reason, what="confirmation")
    form = ConfirmEmailForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        who = ratelimit.subject(request, user.email)
        try:
            block = ratelimit.blocked(who)
            if block is not None:
                log_security_event("login_rate_limited", level=logging.WARNING, scope=block.scope)
                return too_many_requests(request, retry_after=block.retry_after)
            if user.check_password(form.cleaned_data["password"]):
                ratelimit.clear_email(who)
                services.confirm_email(user=user)
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request, "Votre adresse est confirmée. Rejoignez maintenant votre organisation, ou créez-la."
                )
                return redirect("accounts:organisation-join")
            lock = ratelimit.record_failure(who)
            log_security_event("login_failed", level=logging.WARNING)
            if lock is not None:
                log_security_event("login_locked", level=logging.WARNING, scope=lock.scope, seconds=lock.retry_after)
            form.add_error("password", "Ce n’est pas le mot de passe choisi à l’inscription.")
        except RedisError:
            logger.exception("confirmation refused: the limiter's counters (Redis) are unreachable")
            return service_unavailable(request, LIMITER_DOWN)
    return render(request, "accounts/signup_confirm.html", {"form": form, "email": user.email})
