"""Password reset (`/mot-de-passe-oublie/`), password change, and the logout page (issue 12, issue 10).

The reset request answers the same whether the address has an account or not, and goes through the
login limiter (`ratelimit.py`): a locked IP gets the 429 page, each request counts on the IP's
counter, and an address gets at most `MAX_EMAILS_PER_ADDRESS` reset e-mails a window. Setting a new
password through the e-mailed link ends the address's login lock: a locked-out person gets back in.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from redis.exceptions import RedisError

from partnership.accounts import ratelimit, services
from partnership.accounts.forms import ChangePasswordForm, NewPasswordForm, PasswordResetRequestForm
from partnership.accounts.models import User
from partnership.observability import log_security_event
from partnership.views import service_unavailable, too_many_requests

logger = logging.getLogger(__name__)

LIMITER_DOWN = "Cette action est momentanément impossible."


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password-reset-sent")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.subject = ratelimit.subject(request, request.POST.get("email", ""))
        try:
            block = ratelimit.blocked_ip(self.subject)
            if block is not None:
                log_security_event("password_reset_rate_limited", level=logging.WARNING, scope=block.scope)
                return too_many_requests(request, retry_after=block.retry_after)
            return super().post(request, *args, **kwargs)
        except RedisError:
            logger.exception("password reset refused: the limiter's counters (Redis) are unreachable")
            return service_unavailable(request, LIMITER_DOWN)

    def form_valid(self, form: PasswordResetRequestForm) -> HttpResponse:  # type: ignore[override]
        if ratelimit.count_request(self.subject, "reset"):
            for user in form.get_users(form.cleaned_data["email"]):
                services.send_password_reset(user=user)
        else:
            log_security_event("password_reset_email_withheld", level=logging.WARNING)
        return super(auth_views.PasswordResetView, self).form_valid(form)  # the redirect, without Django's e-mail


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            block = ratelimit.blocked_ip(ratelimit.subject(request, ""))
        except RedisError:
            logger.exception("password reset refused: the limiter's counters (Redis) are unreachable")
            return service_unavailable(request, LIMITER_DOWN)
        if block is not None:
            log_security_event("password_reset_rate_limited", level=logging.WARNING, scope=block.scope)
            return too_many_requests(request, retry_after=block.retry_after)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: NewPasswordForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        user = form.user
        assert isinstance(user, User)
        services.password_was_reset(user=user)
        ratelimit.clear_email(ratelimit.subject(self.request, user.email))  # the lock of issue 10 ends here
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if not context.get("validlink"):
            log_security_event("link_refused", level=logging.WARNING, link="password-reset", reason="invalid")
        return context


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ChangePasswordForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-change")

    def form_valid(self, form: ChangePasswordForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        log_security_event("password_changed", subject_user_id=form.user.pk)
        messages.success(self.request, "Votre mot de passe est modifié.")
        return response
